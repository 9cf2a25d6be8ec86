// `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded server (started for the
// run and stopped afterwards) when DATABASE_URL is unset, and prints what it applied.
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { DatabaseServer, createDataSource, runMigrations } from '@app/database';
import type { DataSource } from 'typeorm';

let server: DatabaseServer | undefined;
let dataSource: DataSource | undefined;

async function release(): Promise<void> {
  if (dataSource?.isInitialized === true) await dataSource.destroy().catch(() => undefined);
  await server?.close();
}

async function main(): Promise<void> {
  const config = loadConfig();
  server = await DatabaseServer.open(config, { onNotice: (message) => console.warn(message) });
  console.log(`migrating ${server.describe()}`);
  dataSource = createDataSource(server.url, { poolSize: 2, applicationName: 'migrate' });
  await dataSource.initialize();
  const applied = await runMigrations(dataSource);
  if (applied.length === 0) console.log('schema is up to date: no pending migrations');
  for (const name of applied) console.log(`applied ${name}`);
  await release();
}

// The embedded server runs in its own process group, so a terminal's Ctrl-C reaches only this process: stop the
// server here. An interrupted migration rolls back (each runs in its own transaction).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping`);
    void release().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

main().catch(async (error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  await release();
  process.exitCode = 1;
});
