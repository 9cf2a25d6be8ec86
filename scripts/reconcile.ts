// `npm run reconcile`: replays the ledger of DATABASE_URL (or of the embedded server when DATABASE_URL is unset),
// compares it with every account and reservation, and prints `reconcile: OK, N accounts, M entries` or one line
// per difference. Exit code 0: consistent; 1: differences found; 2: could not check. It never changes anything.
import 'reflect-metadata';
import { formatReconciliation, reconcile } from '@app/billing';
import { ConfigError, loadConfig } from '@app/config';
import { DatabaseServer, createDataSource } from '@app/database';
import type { DataSource } from 'typeorm';

let server: DatabaseServer | undefined;
let dataSource: DataSource | undefined;

async function release(): Promise<void> {
  if (dataSource?.isInitialized === true) await dataSource.destroy().catch(() => undefined);
  await server?.close();
}

async function main(): Promise<void> {
  server = await DatabaseServer.open(loadConfig());
  dataSource = createDataSource(server.url, { poolSize: 2, applicationName: 'reconcile' });
  await dataSource.initialize();
  if (await dataSource.showMigrations()) {
    console.error(
      `reconcile: ${server.describe()} has pending migrations: run \`npm run migration:run\` first`,
    );
    process.exitCode = 2;
    return release();
  }
  const report = await reconcile(dataSource);
  for (const line of formatReconciliation(report)) console.log(line);
  process.exitCode = report.ok ? 0 : 1;
  await release();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping`);
    void release().finally(() => process.exit(2));
  });
}

main().catch(async (error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  await release();
  process.exitCode = 2;
});
