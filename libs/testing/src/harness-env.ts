import { Client } from 'pg';

/*
 * Coordinates that the jest globalSetup publishes to the test workers through environment variables (workers are
 * forked after globalSetup and inherit process.env). Imported by global-setup.ts, which jest loads without its
 * moduleNameMapper, so this file and its imports use relative paths only.
 */
export const HARNESS_ENV = {
  /** URL of an existing database on the test server, used for CREATE/DROP DATABASE. */
  adminUrl: 'SMSAGG_TEST_ADMIN_URL',
  /** Fully migrated template database that every test database is cloned from. */
  template: 'SMSAGG_TEST_TEMPLATE_DB',
  /** Name prefix of every database this run creates; teardown drops them all by it. */
  prefix: 'SMSAGG_TEST_DB_PREFIX',
} as const;

export interface Harness {
  adminUrl: string;
  template: string;
  prefix: string;
}

// The test harness is, with libs/config, the one place allowed to touch process.env (eslint.config.mjs).
const env = process.env;

export function publishHarness(harness: Harness): void {
  env[HARNESS_ENV.adminUrl] = harness.adminUrl;
  env[HARNESS_ENV.template] = harness.template;
  env[HARNESS_ENV.prefix] = harness.prefix;
}

/** The coordinates published by globalSetup, or `undefined` outside a harnessed jest run. */
export function readHarness(): Harness | undefined {
  const adminUrl = env[HARNESS_ENV.adminUrl];
  const template = env[HARNESS_ENV.template];
  const prefix = env[HARNESS_ENV.prefix];
  if (adminUrl === undefined || template === undefined || prefix === undefined) return undefined;
  return { adminUrl, template, prefix };
}

/** This process's environment plus `overrides` (`undefined` removes a variable), for spawning the app in tests. */
export function environmentWith(overrides: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

/** Every harness database name starts with this, then the run's creation time in base 36 milliseconds. */
export const HARNESS_DB_MARK = 'jt_';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `url` with its database (path) replaced by `database`. */
export function urlForDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export async function withAdminClient<T>(adminUrl: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, application_name: 'sms-aggregator-test-harness' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops every database whose name starts with `prefix`, disconnecting its sessions first. */
export async function dropDatabasesByPrefix(client: Client, prefix: string): Promise<string[]> {
  const { rows } = await client.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname',
    [prefix],
  );
  for (const { datname } of rows)
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
  return rows.map((row) => row.datname);
}
