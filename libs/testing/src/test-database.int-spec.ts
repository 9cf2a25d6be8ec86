import { MIGRATIONS } from '@app/database';
import { readHarness, withAdminClient } from './harness-env';
import { createTestDatabase, useTestDatabase, withTestDatabase } from './test-database';

async function databaseExists(name: string): Promise<boolean> {
  const { adminUrl } = readHarness()!;
  return withAdminClient(adminUrl, async (client) => {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  });
}

describe('createTestDatabase', () => {
  it('clones a fully migrated, isolated database and drops it', async () => {
    const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      const applied = await first.dataSource.query<{ name: string }[]>(
        'SELECT name FROM migrations ORDER BY id',
      );
      expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
      await first.dataSource.query(`INSERT INTO tenants (name) VALUES ('only-in-first')`);
      expect(await second.dataSource.query('SELECT name FROM tenants')).toEqual([]);
    } finally {
      await second.drop();
    }
    const name = new URL(first.url).pathname.slice(1);
    expect(await databaseExists(name)).toBe(true);
    await first.drop();
    await first.drop();
    expect(first.dataSource.isInitialized).toBe(false);
    expect(await databaseExists(name)).toBe(false);
  });

  it('creates an empty database on request', async () => {
    const empty = await createTestDatabase({ migrated: false });
    try {
      const tables = await empty.dataSource.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables).toEqual([]);
    } finally {
      await empty.drop();
    }
  });

  it('withTestDatabase drops the database when the callback throws', async () => {
    let name = '';
    await expect(
      withTestDatabase(async (database) => {
        name = new URL(database.url).pathname.slice(1);
        await database.dataSource.query('SELECT 1');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(name).not.toBe('');
    expect(await databaseExists(name)).toBe(false);
  });
});

describe('useTestDatabase', () => {
  const database = useTestDatabase();

  it('provides an initialized DataSource to the tests of the block', async () => {
    expect(database.dataSource.isInitialized).toBe(true);
    expect(await database.dataSource.query('SELECT count(*)::int AS n FROM tenants')).toEqual([{ n: 0 }]);
  });
});
