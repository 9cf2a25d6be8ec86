import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { SmppClient } from '@app/smpp';
import type { DataSource } from 'typeorm';

/** What the reporter reads from a ConnectorRuntime (its public getters only). */
export interface ReportedRuntime {
  readonly providerId: string;
  readonly sessionClients: readonly SmppClient[];
  /** Why the provider is marked down, if it is. */
  readonly down: string | undefined;
}

export interface SessionStatusReporterOptions {
  readonly dataSource: DataSource;
  readonly runtime: ReportedRuntime;
  /** The configured window per session, shown while a session is not bound. */
  readonly windowSize: number;
  /** How often the rows are rewritten (window use changes all the time). Default 5 000 ms. */
  readonly intervalMs?: number;
  /** A row not rewritten for this long is stale (its process died). Default 3 × intervalMs. */
  readonly expireMs?: number;
  /** A session's state change is written after this delay (changes in between are written together). Default 200. */
  readonly changeDelayMs?: number;
  /** This process's name in the rows. Default `<host>:<pid>:<n>`. */
  readonly instance?: string;
}

interface LastError {
  readonly message: string;
  readonly at: Date;
}

interface SessionRow {
  readonly session_index: number;
  readonly state: string;
  readonly bind_type: string | null;
  readonly host: string;
  readonly window_in_use: number;
  readonly window_size: number;
  readonly last_error: string | null;
  readonly last_error_at: string | null;
}

/** Rows of dead processes are dropped by the next reporter of the provider once they have been stale this long. */
const FORGET_STALE_MS = 3_600_000;

const UPSERT_SQL = `
INSERT INTO provider_sessions (provider_id, instance, session_index, state, bind_type, host, window_in_use,
  window_size, last_error, last_error_at, updated_at, expires_at)
SELECT $1, $2, r.session_index, r.state, r.bind_type, r.host, r.window_in_use, r.window_size, r.last_error,
  r.last_error_at, now(), now() + make_interval(secs => $4::double precision / 1000)
FROM jsonb_to_recordset($3::jsonb) AS r(session_index int, state text, bind_type text, host text,
  window_in_use int, window_size int, last_error text, last_error_at timestamptz)
ON CONFLICT (provider_id, instance, session_index) DO UPDATE SET
  state = EXCLUDED.state, bind_type = EXCLUDED.bind_type, host = EXCLUDED.host,
  window_in_use = EXCLUDED.window_in_use, window_size = EXCLUDED.window_size, last_error = EXCLUDED.last_error,
  last_error_at = EXCLUDED.last_error_at, updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at`;

let instances = 0;

/** `<host>:<pid>:<n>`: unique per reporter in a process, readable in the admin API. */
function defaultInstance(): string {
  instances += 1;
  return `${hostname()}:${process.pid}:${instances}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Publishes a connector runtime's upstream sessions to `provider_sessions` for the admin API, whatever process the
 * API runs in: every `intervalMs`, shortly after a session changes state, and a last time (deleting them) at stop.
 * It only reads the runtime; the clients' connect, bind and disconnect errors are remembered per session as its
 * last error. A failed write is logged and retried at the next report.
 */
export class SessionStatusReporter {
  readonly instance: string;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly expireMs: number;
  private readonly changeDelayMs: number;
  private readonly errors = new WeakMap<SmppClient, LastError>();
  private readonly watched = new WeakSet<SmppClient>();
  private timer: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private again = false;
  private running = false;

  constructor(private readonly options: SessionStatusReporterOptions) {
    this.instance = options.instance ?? defaultInstance();
    this.intervalMs = options.intervalMs ?? 5_000;
    this.expireMs = options.expireMs ?? 3 * this.intervalMs;
    this.changeDelayMs = options.changeDelayMs ?? 200;
    if (!(this.intervalMs > 0 && this.expireMs > 0 && this.changeDelayMs >= 0)) {
      throw new RangeError('intervalMs and expireMs must be positive and changeDelayMs not negative');
    }
    this.logger = new Logger(`SessionStatus:${options.runtime.providerId}`);
  }

  /** Reports now and then periodically; forgets rows of this provider's processes stale for an hour. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.watchClients();
    void this.options.dataSource
      .query(
        `DELETE FROM provider_sessions
         WHERE provider_id = $1 AND expires_at < now() - make_interval(secs => $2::double precision / 1000)`,
        [this.options.runtime.providerId, FORGET_STALE_MS],
      )
      .catch((error: unknown) => this.logger.warn(`stale rows not dropped: ${messageOf(error)}`));
    void this.report();
    this.timer = setInterval(() => void this.report(), this.intervalMs);
    this.timer.unref();
  }

  /** Writes the sessions as they are now (after a write under way, if any). Never rejects. */
  async report(): Promise<void> {
    if (this.writing !== undefined) {
      this.again = true;
      return this.writing;
    }
    this.writing = this.writeLoop();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  /** Stops reporting and deletes this process's rows: a stopped connector has no sessions. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    clearTimeout(this.changeTimer);
    this.timer = this.changeTimer = undefined;
    await this.writing;
    try {
      await this.options.dataSource.query(
        'DELETE FROM provider_sessions WHERE provider_id = $1 AND instance = $2',
        [this.options.runtime.providerId, this.instance],
      );
    } catch (error) {
      this.logger.warn(`rows not deleted at stop (they expire): ${messageOf(error)}`);
    }
  }

  private async writeLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.write();
      } catch (error) {
        this.logger.warn(`session status not written: ${messageOf(error)}`);
      }
    } while (this.again && this.running);
  }

  private async write(): Promise<void> {
    if (!this.running) return;
    this.watchClients();
    const rows = this.rows();
    const { providerId } = this.options.runtime;
    await this.options.dataSource.transaction(async (manager) => {
      if (rows.length > 0) {
        await manager.query(UPSERT_SQL, [providerId, this.instance, JSON.stringify(rows), this.expireMs]);
      }
      // A bind plan with fewer sessions than before (or none, once stopped) leaves no rows behind.
      await manager.query(
        'DELETE FROM provider_sessions WHERE provider_id = $1 AND instance = $2 AND session_index >= $3',
        [providerId, this.instance, rows.length],
      );
    });
  }

  private rows(): SessionRow[] {
    const { runtime, windowSize } = this.options;
    const down = runtime.down;
    return runtime.sessionClients.map((client, index) => {
      const session = client.session;
      const occupancy = session?.occupancy;
      const error = this.errors.get(client);
      const host = client.currentHost;
      return {
        session_index: index,
        state: client.state,
        bind_type: session?.bindType ?? null,
        host: `${host.host}:${host.port}`,
        window_in_use: occupancy?.outstandingRequests ?? 0,
        window_size: occupancy?.windowSize ?? windowSize,
        last_error: error?.message ?? (down === undefined ? null : `provider down: ${down}`),
        last_error_at: error?.at.toISOString() ?? null,
      };
    });
  }

  /** Remembers each new client's errors and writes soon after any of its state changes. */
  private watchClients(): void {
    for (const client of this.options.runtime.sessionClients) {
      if (this.watched.has(client)) continue;
      this.watched.add(client);
      client.on('attemptFailed', (error, host) =>
        this.errors.set(client, { message: `${host.host}:${host.port}: ${error.message}`, at: new Date() }),
      );
      client.on('disconnected', (reason, host) =>
        this.errors.set(client, {
          message: `${host.host}:${host.port}: session closed (${reason})`,
          at: new Date(),
        }),
      );
      client.on('state', () => this.changed());
    }
  }

  private changed(): void {
    if (!this.running || this.changeTimer !== undefined) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      void this.report();
    }, this.changeDelayMs);
    this.changeTimer.unref();
  }
}
