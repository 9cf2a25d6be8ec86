import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '@app/database';
import { createTestDatabase, freePort, isProcessAlive, spawnApp, type RunningApp } from '@app/testing';

const REPO_ROOT = join(__dirname, '..');
const MAIN = join(REPO_ROOT, 'apps', 'aggregator', 'src', 'main.ts');

/** Runs the aggregator from source (swc-registered), as `npm start` runs the built copy. */
function startApp(env: Record<string, string | undefined>): RunningApp {
  return spawnApp(MAIN, REPO_ROOT, env);
}

/** Polls GET /health until it answers (bounded), failing early with the app's output if the app exits. */
async function waitUntilServing(app: RunningApp, port: number): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (app.child.exitCode !== null || app.child.signalCode !== null) {
      throw new Error(`the app exited during start:\n${app.output()}`);
    }
    const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    if (response !== undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not serve /health:\n${app.output()}`);
}

async function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.json() };
}

describe('aggregator boot', () => {
  jest.setTimeout(90_000);
  const running: RunningApp[] = [];

  afterEach(async () => {
    for (const app of running.splice(0)) {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
      await app.exited;
    }
  });

  it('migrates DATABASE_URL, serves /health and /ready, and exits 0 on SIGTERM', async () => {
    const database = await createTestDatabase({ migrated: false });
    try {
      const port = await freePort();
      const app = startApp({
        DATABASE_URL: database.url,
        HTTP_PORT: String(port),
        SMPP_PORT: String(await freePort()),
        LOG_LEVEL: 'log',
      });
      running.push(app);
      await waitUntilServing(app, port);

      expect(await getJson(port, '/health')).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await getJson(port, '/ready')).toEqual({
        status: 200,
        body: { status: 'ready', database: { up: true, latencyMs: expect.any(Number) } },
      });
      const applied = await database.dataSource.query<{ name: string }[]>(
        'SELECT name FROM migrations ORDER BY id',
      );
      expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
      expect(app.output()).toContain('SMPP listening on');
      // The admin API is mounted in the all-in-one app: its document is served, and it refuses a missing key.
      expect((await getJson(port, '/docs-json')).status).toBe(200);
      expect((await getJson(port, '/tenants')).status).toBe(401);

      app.child.kill('SIGTERM');
      expect(await app.exited).toEqual({ code: 0, signal: null });
      expect(app.output()).toContain('database connections closed');
    } finally {
      await database.drop();
    }
  });

  it('starts the embedded PostgreSQL when DATABASE_URL is unset and stops it on SIGINT', async () => {
    const root = await mkdtemp(join(tmpdir(), 'aggregator-e2e-'));
    await chmod(root, 0o755);
    const dataDir = join(root, 'pg');
    try {
      const port = await freePort();
      const app = startApp({
        DATABASE_URL: undefined,
        EMBEDDED_PG_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
        HTTP_PORT: String(port),
        SMPP_PORT: String(await freePort()),
      });
      running.push(app);
      await waitUntilServing(app, port);
      expect((await getJson(port, '/ready')).status).toBe(200);
      const postmaster = Number.parseInt(
        (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
        10,
      );
      expect(isProcessAlive(postmaster)).toBe(true);
      const password = (await readFile(join(dataDir, 'embedded-password'), 'utf8')).trim();

      app.child.kill('SIGINT');
      expect(await app.exited).toEqual({ code: 0, signal: null });
      expect(isProcessAlive(postmaster)).toBe(false);
      expect(app.output()).toContain('embedded PostgreSQL stopped');
      expect(app.output()).not.toContain(password);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('exits 1 naming every invalid variable, without a stack trace', async () => {
    const app = startApp({ SMPP_PORT: 'abc', HTTP_PORT: '0', DATABASE_URL: 'mysql://u:p@h/db' });
    running.push(app);
    expect(await app.exited).toEqual({ code: 1, signal: null });
    const output = app.output();
    expect(output).toContain('SMPP_PORT: must be an integer 1-65535, got "abc"');
    expect(output).toContain('HTTP_PORT: must be an integer 1-65535, got "0"');
    expect(output).toContain('DATABASE_URL: not a postgres:// URL');
    expect(output).not.toMatch(/^\s+at /m);
  });
});
