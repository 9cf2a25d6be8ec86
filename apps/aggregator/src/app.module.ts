import { Module, type DynamicModule } from '@nestjs/common';
import { AdminModule } from '@app/admin';
import { ObservedAppModule, SandboxModule, type Sandbox } from '@app/bootstrap';
import { ConfigModule, type AppConfig } from '@app/config';
import { DatabaseModule, type DatabaseServer } from '@app/database';
import { PipelineModule } from '@app/pipeline';
import { LocalChanges, localChangesLinker } from './local-changes';

/** The all-in-one aggregator: config, database (migrated at start), /metrics, /health, /ready, the SMPP server, routing, billing, connectors on the in-process bus, and the admin API. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, server: DatabaseServer, sandbox?: Sandbox): DynamicModule {
    // Admin changes reach this process's Router and gateway before the API answers; NOTIFY tells the others.
    const local = new LocalChanges();
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ server, runMigrations: true }),
        ObservedAppModule.forRoot(),
        PipelineModule.forRoot({ mode: 'one-process' }),
        AdminModule.forRoot({ routing: local, policies: local }),
        ...(sandbox === undefined ? [] : [SandboxModule.forRoot(sandbox)]),
      ],
      providers: [localChangesLinker(local)],
    };
  }
}
