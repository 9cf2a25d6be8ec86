import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type AppConfig } from '@app/config';
import { DatabaseModule, type DatabaseServer } from '@app/database';
import { GatewayModule } from '@app/gateway';
import { HealthController } from './health.controller';

/** The all-in-one aggregator, as far as it exists: config, database (migrated at start), health, the SMPP gateway. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, server: DatabaseServer): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ server, runMigrations: true }),
        GatewayModule.forRoot(),
      ],
      controllers: [HealthController],
    };
  }
}
