import { Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options';
import { DatabaseHealth } from './database-health';
import { DatabaseServer } from './database-server';
import { runMigrations } from './migrate';

export interface DatabaseModuleOptions {
  /** A server opened by the caller (handed over: the module closes it on shutdown); default: opened from config. */
  server?: DatabaseServer;
  /** Apply pending migrations before the DataSource is handed out (the all-in-one start does). Default false. */
  runMigrations?: boolean;
}

const logger = new Logger('Database');
const postgresLogger = new Logger('postgres');

/**
 * The product's DataSource (TypeOrmModule with the shared options, so `@InjectRepository` and `DataSource`
 * injection work everywhere), `DatabaseServer` and `DatabaseHealth`. Needs `ConfigModule`. On shutdown it closes
 * the DataSource first and then stops the embedded server, whatever order Nest calls the modules in.
 */
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(private readonly moduleRef: ModuleRef) {}

  static forRoot(options: DatabaseModuleOptions = {}): DynamicModule {
    const serverProvider = {
      provide: DatabaseServer,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        options.server ??
        DatabaseServer.open(config, {
          onLog: (line) => postgresLogger.verbose(line),
          onNotice: (message) => logger.warn(message),
        }),
    };
    const serverModule: DynamicModule = {
      module: class DatabaseServerModule {},
      providers: [serverProvider],
      exports: [DatabaseServer],
    };
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        serverModule,
        TypeOrmModule.forRootAsync({
          imports: [serverModule],
          inject: [DatabaseServer, APP_CONFIG],
          useFactory: (server: DatabaseServer, config: AppConfig) =>
            dataSourceOptions(server.url, { poolSize: config.databasePoolSize }),
          dataSourceFactory: async (typeormOptions) => {
            const dataSource = await new DataSource(typeormOptions!).initialize();
            if (options.runMigrations === true) {
              const applied = await runMigrations(dataSource);
              logger.log(
                applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'schema is up to date',
              );
            }
            return dataSource;
          },
        }),
      ],
      providers: [DatabaseHealth],
      exports: [serverModule, DatabaseHealth],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    const server = this.moduleRef.get(DatabaseServer, { strict: false });
    await server.close();
    logger.log(
      server.isEmbedded
        ? 'database connections closed, embedded PostgreSQL stopped'
        : 'database connections closed',
    );
  }
}
