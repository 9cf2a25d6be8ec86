import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { MIGRATIONS } from '../migrations';
import { ENTITIES } from './entities';

export interface DataSourceSettings {
  /** Maximum pooled connections (default 10). */
  poolSize?: number;
  /** Shown in pg_stat_activity (default `sms-aggregator`). */
  applicationName?: string;
  /** TypeORM query logging (default: errors only). */
  logging?: PostgresConnectionOptions['logging'];
}

/**
 * The one set of TypeORM options of the product, shared by `createDataSource`, `DatabaseModule` and the CLI data
 * source: every entity and migration from the registries, no synchronize, migrations run explicitly.
 */
export function dataSourceOptions(url: string, settings: DataSourceSettings = {}): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    uuidExtension: 'pgcrypto',
    applicationName: settings.applicationName ?? 'sms-aggregator',
    poolSize: settings.poolSize ?? 10,
    connectTimeoutMS: 10_000,
    logging: settings.logging ?? ['error'],
  };
}

/** A DataSource (not yet initialized) for `url`. */
export function createDataSource(url: string, settings: DataSourceSettings = {}): DataSource {
  return new DataSource(dataSourceOptions(url, settings));
}
