import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Relative imports: jest loads globalSetup without moduleNameMapper, so `@app/*` does not resolve here.
import { loadConfig } from '../../config/src';
import { createDataSource } from '../../database/src/data-source.options';
import { EmbeddedPostgres } from '../../database/src/embedded-postgres';
import { runMigrations } from '../../database/src/migrate';
import {
  HARNESS_DB_MARK,
  publishHarness,
  dropDatabasesByPrefix,
  quoteIdent,
  urlForDatabase,
  withAdminClient,
} from './harness-env';
import { freePort } from './free-port';
import { setHarnessState, stopEmbedded, takeHarnessState } from './harness-state';

/** Databases of runs older than this were left by a killed run (no teardown) and are dropped. */
const ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000;

/**
 * Jest globalSetup of the `int` and `e2e` projects: picks the server (DATABASE_URL, or an embedded PostgreSQL in a
 * fresh temp directory for this run only), migrates a template database once, and publishes its coordinates.
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  let embedded: EmbeddedPostgres | undefined;
  let embeddedDir: string | undefined;
  let adminUrl: string;
  if (config.databaseUrl !== undefined) {
    adminUrl = config.databaseUrl;
  } else {
    embeddedDir = await mkdtemp(join(tmpdir(), 'smsagg-test-pg-'));
    embedded = new EmbeddedPostgres({
      dataDir: embeddedDir,
      port: await freePort(),
      database: 'harness',
      durable: false,
      settings: { max_connections: '300' },
    });
    adminUrl = await embedded.start();
  }
  setHarnessState({ embedded, embeddedDir });

  const runId = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const prefix = `${HARNESS_DB_MARK}${runId}_`;
  const template = `${prefix}tpl`;
  try {
    await withAdminClient(adminUrl, async (client) => {
      await dropAbandonedDatabases(client);
      await client.query(`CREATE DATABASE ${quoteIdent(template)}`);
    });
    const dataSource = createDataSource(urlForDatabase(adminUrl, template), { poolSize: 2 });
    await dataSource.initialize();
    try {
      await runMigrations(dataSource);
    } finally {
      await dataSource.destroy();
    }
  } catch (error) {
    // Jest skips globalTeardown when globalSetup fails: clean up here.
    await withAdminClient(adminUrl, (client) => dropDatabasesByPrefix(client, prefix)).catch(() => undefined);
    await stopEmbedded(takeHarnessState());
    throw error;
  }

  publishHarness({ adminUrl, template, prefix });
}

async function dropAbandonedDatabases(client: import('pg').Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
    [HARNESS_DB_MARK],
  );
  const cutoff = Date.now() - ABANDONED_AFTER_MS;
  const runs = new Set<string>();
  for (const { datname } of rows) {
    const match = /^jt_([0-9a-z]+)_([0-9a-z]+)_/.exec(datname);
    if (match !== null && Number.parseInt(match[1], 36) < cutoff) runs.add(`jt_${match[1]}_${match[2]}_`);
  }
  for (const run of runs) await dropDatabasesByPrefix(client, run);
}
