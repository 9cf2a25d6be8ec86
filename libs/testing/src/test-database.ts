import { randomBytes } from 'node:crypto';
import { createDataSource } from '@app/database';
import type { DataSource } from 'typeorm';
import { quoteIdent, readHarness, urlForDatabase, withAdminClient, type Harness } from './harness-env';

export interface TestDatabaseOptions {
  /** DataSource pool size (default 5). */
  poolSize?: number;
  /** false: an empty database (no tables), for tests of the migrations themselves (default true). */
  migrated?: boolean;
}

export interface TestDatabase {
  /** Connection URL of this database (contains the server's password, if any). */
  readonly url: string;
  /** Initialized DataSource with every entity and migration; closed by `drop()`. */
  readonly dataSource: DataSource;
  /** Closes the DataSource and drops the database. */
  drop(): Promise<void>;
}

function harness(): Harness {
  const published = readHarness();
  if (published === undefined) {
    throw new Error(
      'createTestDatabase() needs the jest globalSetup libs/testing/src/global-setup.ts: ' +
        'run the test through the `int` or `e2e` jest project',
    );
  }
  return published;
}

/** 55006 object_in_use: the template briefly has a session (another clone is starting); retry. */
const CLONE_ATTEMPTS = 10;

/**
 * A fresh, isolated database cloned from the run's migrated template (`CREATE DATABASE ... TEMPLATE`), with an
 * initialized DataSource. Parallel-safe: each call gets its own database.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const { adminUrl, template, prefix } = harness();
  const name = `${prefix}${randomBytes(5).toString('hex')}`;
  const source = options.migrated === false ? '' : ` TEMPLATE ${quoteIdent(template)}`;
  await withAdminClient(adminUrl, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(name)}${source}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= CLONE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  });
  const url = urlForDatabase(adminUrl, name);
  const dataSource = createDataSource(url, { poolSize: options.poolSize ?? 5, applicationName: 'test' });
  try {
    await dataSource.initialize();
  } catch (error) {
    await dropDatabase(adminUrl, name);
    throw error;
  }
  let dropped = false;
  return {
    url,
    dataSource,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(adminUrl, name);
    },
  };
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}

/** Runs `use` against a fresh test database and drops it afterwards, also when `use` throws. */
export async function withTestDatabase<T>(use: (database: TestDatabase) => Promise<T>): Promise<T> {
  const database = await createTestDatabase();
  try {
    return await use(database);
  } finally {
    await database.drop();
  }
}

/**
 * Registers jest `beforeAll`/`afterAll` hooks that give the enclosing `describe` (or file) one fresh database.
 * Read `db.dataSource` / `db.url` inside tests or hooks, not at collection time.
 */
export function useTestDatabase(options: TestDatabaseOptions = {}): {
  readonly dataSource: DataSource;
  readonly url: string;
} {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(options);
  });
  afterAll(async () => {
    await database?.drop();
  });
  const current = (): TestDatabase => {
    if (database === undefined)
      throw new Error('the test database is created in beforeAll; use it inside tests');
    return database;
  };
  return {
    get dataSource() {
      return current().dataSource;
    },
    get url() {
      return current().url;
    },
  };
}
