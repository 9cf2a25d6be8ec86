import { Module, type DynamicModule } from '@nestjs/common';
import { ObservedAppModule } from '@app/bootstrap';
import { ConfigModule, type AppConfig } from '@app/config';
import { DatabaseModule, type DatabaseServer } from '@app/database';
import { PipelineModule } from '@app/pipeline';

/** The standalone ESME-facing SMPP server: config, database (migrated at start), /metrics, /health, /ready, the gateway. */
@Module({})
export class SmppServerModule {
  static forRoot(config: AppConfig, server: DatabaseServer): DynamicModule {
    return {
      module: SmppServerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ server, runMigrations: true }),
        ObservedAppModule.forRoot(),
        PipelineModule.forRoot({ mode: 'server' }),
      ],
    };
  }
}
