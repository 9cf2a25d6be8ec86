import { Module, type DynamicModule } from '@nestjs/common';
import { AdminModule } from '@app/admin';
import { ObservedAppModule, SandboxModule, type Sandbox } from '@app/bootstrap';
import { ConfigModule, type AppConfig } from '@app/config';
import { DatabaseModule, type DatabaseServer } from '@app/database';
import { PipelineModule } from '@app/pipeline';

/** The all-in-one aggregator: config, database (migrated at start), /metrics, /health, /ready, the SMPP server, routing, billing, connectors on the in-process bus, and the admin API. */
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
        // Routing changes made here reach the in-process router through its loader and NOTIFY routing_changed.
        AdminModule.forRoot(),
        ...(sandbox === undefined ? [] : [SandboxModule.forRoot(sandbox)]),
      ],
    };
  }
}
