import { Module, type DynamicModule } from '@nestjs/common';
import { ObservedAppModule, SandboxModule, type Sandbox } from '@app/bootstrap';
import { ConfigModule, type AppConfig } from '@app/config';
import { DatabaseModule, type DatabaseServer } from '@app/database';
import { PipelineModule } from '@app/pipeline';

/** The all-in-one aggregator, as far as it exists: config, database (migrated at start), /metrics, /health, /ready, the SMPP gateway. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, server: DatabaseServer, sandbox?: Sandbox): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ server, runMigrations: true }),
        ObservedAppModule.forRoot(),
        PipelineModule.forRoot({ mode: 'one-process' }),
        ...(sandbox === undefined ? [] : [SandboxModule.forRoot(sandbox)]),
      ],
    };
  }
}
