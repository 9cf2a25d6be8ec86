import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isProcessAlive } from '@app/testing';
import { Client } from 'pg';
import { createDataSource } from './data-source.options';
import { EmbeddedPostgres, EmbeddedPostgresError } from './embedded-postgres';
import { runMigrations } from './migrate';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number.parseInt((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0], 10);
}

async function waitForExit(pid: number): Promise<void> {
  for (let i = 0; i < 500 && isProcessAlive(pid); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(isProcessAlive(pid)).toBe(false);
}

describe('EmbeddedPostgres', () => {
  let root: string;
  let dataDir: string;
  let port: number;
  const started: EmbeddedPostgres[] = [];

  const notices: string[] = [];

  function server(options: { dataDir?: string } = {}): EmbeddedPostgres {
    const instance = new EmbeddedPostgres({
      dataDir: options.dataDir ?? dataDir,
      port,
      durable: false,
      onNotice: (message) => notices.push(message),
    });
    started.push(instance);
    return instance;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'embedded-pg-spec-'));
    // The server runs as an unprivileged user when we are root: it must be able to enter the parent directory.
    await chmod(root, 0o755);
    dataDir = join(root, 'pg');
    port = await freePort();
  });

  afterEach(async () => {
    notices.length = 0;
    for (const instance of started.splice(0)) await instance.stop();
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('initializes, migrates, serves, stops, and starts again on the same directory', async () => {
    const first = server();
    const url = await first.start();
    expect(url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/aggregator$`));
    const password = (await readFile(join(dataDir, 'embedded-password'), 'utf8')).trim();
    expect(password.length).toBeGreaterThanOrEqual(32);

    const dataSource = createDataSource(url, { poolSize: 2 });
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    expect(applied[0]).toBe('Base1763800000000');
    await dataSource.query(`INSERT INTO tenants (name) VALUES ('acme')`);
    await dataSource.destroy();

    const pid = await postmasterPid(dataDir);
    await first.stop();
    expect(first.isRunning).toBe(false);
    await waitForExit(pid);

    const second = server();
    expect(await second.start()).toBe(url);
    expect(await query<{ name: string }>(url, 'SELECT name FROM tenants')).toEqual([{ name: 'acme' }]);
    await second.stop();
  });

  it('refuses connections without the password', async () => {
    const instance = server();
    const url = new URL(await instance.start());
    url.password = 'wrong';
    await expect(query(url.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('recovers after the server was killed with SIGKILL (stale postmaster.pid)', async () => {
    const first = server();
    await first.start();
    const pid = await postmasterPid(dataDir);
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid);

    const second = server();
    const url = await second.start();
    expect(notices).toEqual([
      expect.stringMatching(/^removing stale .*postmaster\.pid \(pid \d+ is not running\)$/),
    ]);
    expect(await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM tenants')).toEqual([{ n: 1 }]);
  });

  it('shuts down a server orphaned by a killed owner and starts a fresh one', async () => {
    const orphaned = server();
    await orphaned.start();
    const orphanPid = await postmasterPid(dataDir);
    // As if the process that started it had died: the recorded owner is no longer its parent.
    await writeFile(join(dataDir, 'embedded-owner.pid'), '999999999\n');

    const fresh = server();
    const url = await fresh.start();
    expect(isProcessAlive(orphanPid)).toBe(false);
    expect(notices).toEqual([
      expect.stringContaining(`stopping the PostgreSQL server (pid ${orphanPid}) orphaned`),
    ]);
    expect(await postmasterPid(dataDir)).not.toBe(orphanPid);
    expect(await query(url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('refuses a data directory that a live process is using', async () => {
    await server().start();
    await expect(server().start()).rejects.toThrow(/is in use by a PostgreSQL server/);
  });

  it('refuses a non-empty directory that is not a cluster it made', async () => {
    const foreign = join(root, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'notes.txt'), 'not a database');
    const error = await server({ dataDir: foreign })
      .start()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmbeddedPostgresError);
    expect((error as Error).message).toMatch(/is not empty and is not a PostgreSQL data directory/);
  });

  // Only root hands the data directory to another user; elsewhere there is nothing to refuse.
  (process.getuid?.() === 0 ? it : it.skip)(
    'as root, refuses a data directory its server user cannot reach',
    async () => {
      const closed = join(root, 'closed');
      await mkdir(closed, { mode: 0o700 });
      await expect(server({ dataDir: join(closed, 'pg') }).start()).rejects.toThrow(
        /system user postgres that runs the embedded PostgreSQL cannot enter .*closed \(mode 700/,
      );
    },
  );

  it('reports why the server could not start, with its log', async () => {
    const blocker = server();
    await blocker.start();
    const other = new EmbeddedPostgres({ dataDir: join(root, 'second'), port, durable: false });
    started.push(other);
    await expect(other.start()).rejects.toThrow(/exited during start[\s\S]*postgres log/);
  });
});
