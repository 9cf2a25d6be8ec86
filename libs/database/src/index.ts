export { MIGRATIONS } from '../migrations';
export { createDataSource, dataSourceOptions, type DataSourceSettings } from './data-source.options';
export { DatabaseHealth, type DatabaseHealthStatus } from './database-health';
export { DatabaseModule, type DatabaseModuleOptions } from './database.module';
export { DatabaseServer } from './database-server';
export { runDatabaseScript, type DatabaseScriptContext, type DatabaseScriptOptions } from './database-script';
export {
  EmbeddedPostgres,
  EmbeddedPostgresError,
  startEmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded-postgres';
export * from './entities';
export { runMigrations } from './migrate';
export { queryRows } from './prepared-query';
