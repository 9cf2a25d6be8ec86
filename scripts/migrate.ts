// `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded server (started for the
// run and stopped afterwards) when DATABASE_URL is unset, and prints what it applied. An interrupted migration rolls
// back: each runs in its own transaction.
import 'reflect-metadata';
import { runDatabaseScript, runMigrations } from '@app/database';

runDatabaseScript('migrate', async ({ server, dataSource }) => {
  console.log(`migrating ${server.describe()}`);
  const applied = await runMigrations(dataSource);
  if (applied.length === 0) console.log('schema is up to date: no pending migrations');
  for (const name of applied) console.log(`applied ${name}`);
  return 0;
});
