import type { DataSource } from 'typeorm';

/** Arbitrary constant key for the advisory lock that serialises concurrent migration runs. */
const MIGRATION_LOCK_KEY = 7_364_201_775;

/**
 * Runs every pending migration, each in its own transaction, and returns the names applied (empty when the schema
 * was current). A session advisory lock makes concurrent starts (several app instances) apply them once; it is held
 * on a separate connection, so the pool needs at least 2 connections.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
  }
}
