import { Module, type DynamicModule } from '@nestjs/common';
import { AdminModule } from '@app/admin';
import { ObservedAppModule } from '@app/bootstrap';
import { ConfigModule, type AppConfig } from '@app/config';
import { DatabaseModule, type DatabaseServer } from '@app/database';

/** The admin API on its own: routing changes reach other processes by Postgres NOTIFY routing_changed. */
@Module({})
export class AdminApiModule {
  static forRoot(config: AppConfig, server: DatabaseServer): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ server }),
        ObservedAppModule.forRoot(),
        AdminModule.forRoot(),
      ],
    };
  }
}
