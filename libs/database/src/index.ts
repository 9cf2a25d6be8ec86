export { MIGRATIONS } from '../migrations';
export { createDataSource, dataSourceOptions, type DataSourceSettings } from './data-source.options';
export {
  EmbeddedPostgres,
  EmbeddedPostgresError,
  startEmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded-postgres';
export * from './entities';
export { runMigrations } from './migrate';
