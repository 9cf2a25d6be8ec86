import { Logger } from '@nestjs/common';
import { Client, type Notification } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import type { Router } from './router';
import type { RoutingTableRefresher } from './routing-table.refresher';

/**
 * The Postgres channel on which the admin API announces routing changes with `pg_notify`: payload `tables` (rate
 * decks, price plans, route plans) or `providers` (enabled flags, health).
 */
export const ROUTING_CHANGED_CHANNEL = 'routing_changed';

/**
 * The Postgres channel on which the admin API announces a changed tenant policy (limits, sender ids, destination
 * prefixes, a revoked credential, a suspended tenant): payload `credential:<id>` or `tenant:<id>`. SMPP gateways
 * LISTEN on it (through their RoutingLoader) and recompile the policy of their bound sessions.
 */
export const TENANT_POLICY_CHANNEL = 'tenant_policy_changed';

/** The part of a pg Client the listener uses; tests substitute their own. */
export interface NotificationClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: Notification) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeAllListeners(): unknown;
}

export interface AutoRefreshLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Another channel LISTENed on the same connection (for example tenant policy changes). */
export interface ExtraChannel {
  /** A notification on the channel, with its payload ('' when none). */
  notified(payload: string): void;
  /** The connection was re-established: notifications sent meanwhile are lost, catch up on everything. */
  missed(): void;
}

export interface RoutingAutoRefreshOptions {
  /** Where to LISTEN: a connection URL, or the DataSource whose URL a dedicated connection is opened to. */
  readonly connection: string | DataSource;
  readonly refresher: RoutingTableRefresher;
  /** The Router the refresher loads; its table's change times schedule the reloads at version switches. */
  readonly router: Router;
  /** A full reload at least this often, whatever was announced (ROUTING_REFRESH_INTERVAL_MS; default 60,000). */
  readonly safetyIntervalMs?: number;
  /** First reconnect delay after the LISTEN connection dropped; doubles per failed attempt (default 500). */
  readonly reconnectMinMs?: number;
  /** Longest reconnect delay (default 30,000). */
  readonly reconnectMaxMs?: number;
  /** Current time in ms since the epoch (UTC); default `Date.now`. Use the refresher's and Router's clock. */
  readonly clock?: () => number;
  readonly logger?: AutoRefreshLogger;
  /** Opens the LISTEN connection; default: a pg Client to `connection`. */
  readonly createClient?: () => NotificationClient;
  /** More channels to LISTEN on over the same connection, by name (lower-case identifiers). */
  readonly channels?: Readonly<Record<string, ExtraChannel>>;
}

/** setTimeout fires at once for delays above 2^31 - 1 ms; a change further away is re-examined at this delay. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Keeps a Router current without restarts: LISTENs on ROUTING_CHANGED_CHANNEL over a dedicated connection
 * (re-established with exponential backoff when it drops, followed by a full reload for the notifications missed
 * meanwhile), reloads at the next instant a rate deck or price plan version takes effect (so the versions it
 * supersedes leave memory), and reloads every `safetyIntervalMs` whatever happened.
 */
export class RoutingAutoRefresh {
  private readonly refresher: RoutingTableRefresher;
  private readonly router: Router;
  private readonly safetyIntervalMs: number;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private readonly clock: () => number;
  private readonly logger: AutoRefreshLogger;
  private readonly createClient: () => NotificationClient;
  private readonly channels: Readonly<Record<string, ExtraChannel>>;

  private running = false;
  private client: NotificationClient | undefined;
  private reconnectDelayMs: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private safetyTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(options: RoutingAutoRefreshOptions) {
    this.refresher = options.refresher;
    this.router = options.router;
    this.safetyIntervalMs = positiveInteger(options.safetyIntervalMs ?? 60_000, 'safetyIntervalMs');
    this.reconnectMinMs = positiveInteger(options.reconnectMinMs ?? 500, 'reconnectMinMs');
    this.reconnectMaxMs = positiveInteger(options.reconnectMaxMs ?? 30_000, 'reconnectMaxMs');
    if (this.reconnectMaxMs < this.reconnectMinMs) {
      throw new RangeError('reconnectMaxMs must not be below reconnectMinMs');
    }
    this.reconnectDelayMs = this.reconnectMinMs;
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? new Logger('RoutingAutoRefresh');
    this.channels = options.channels ?? {};
    for (const channel of Object.keys(this.channels)) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel) || channel === ROUTING_CHANGED_CHANNEL) {
        throw new RangeError(`channel ${JSON.stringify(channel)} is not a lower-case identifier of its own`);
      }
    }
    const url = connectionUrl(options.connection);
    this.createClient =
      options.createClient ??
      (() => new Client({ connectionString: url, application_name: 'routing-listener', keepAlive: true }));
  }

  /** True while the LISTEN connection is established. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /**
   * Starts listening, then loads the table (so no change committed after the load goes unannounced). Rejects, and
   * stops again, when that first load fails; a LISTEN connection that cannot be opened is retried in the background.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.connect();
    try {
      await this.refreshTables('start');
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.safetyTimer = setInterval(() => this.track(this.refreshTables('periodic')), this.safetyIntervalMs);
    this.safetyTimer.unref();
  }

  /** Clears every timer, closes the LISTEN connection and waits for the reloads under way. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.safetyTimer);
    clearTimeout(this.changeTimer);
    clearTimeout(this.reconnectTimer);
    this.safetyTimer = this.changeTimer = this.reconnectTimer = undefined;
    await this.closeClient();
    await Promise.all(this.inFlight);
  }

  private async connect(): Promise<void> {
    this.reconnectTimer = undefined;
    const client = this.createClient();
    client.on('error', (error) => this.connectionLost(client, error.message));
    client.on('end', () => this.connectionLost(client, 'connection ended'));
    client.on('notification', (message) => this.notified(message));
    try {
      await client.connect();
      await client.query(`LISTEN ${ROUTING_CHANGED_CHANNEL}`);
      for (const channel of Object.keys(this.channels)) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      void discard(client);
      this.scheduleReconnect(`cannot listen: ${messageOf(error)}`);
      return;
    }
    if (!this.running) {
      await discard(client);
      return;
    }
    this.client = client;
    this.reconnectDelayMs = this.reconnectMinMs;
  }

  private connectionLost(client: NotificationClient, reason: string): void {
    if (client !== this.client) return;
    this.client = undefined;
    void discard(client);
    if (this.running) this.scheduleReconnect(`connection lost: ${reason}`);
  }

  private scheduleReconnect(reason: string): void {
    if (!this.running || this.reconnectTimer !== undefined) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, this.reconnectMaxMs);
    this.logger.warn(`${ROUTING_CHANGED_CHANNEL} listener ${reason}; reconnecting in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => this.track(this.reconnect()), delay);
    this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    await this.connect();
    // Notifications sent while the connection was down are lost: reload everything once listening again.
    if (this.client === undefined) return;
    for (const channel of Object.values(this.channels)) channel.missed();
    await this.refreshTables('reconnect');
  }

  private notified(message: Notification): void {
    if (!this.running) return;
    const extra = Object.hasOwn(this.channels, message.channel) ? this.channels[message.channel] : undefined;
    if (extra !== undefined) {
      extra.notified(message.payload ?? '');
      return;
    }
    if (message.channel !== ROUTING_CHANGED_CHANNEL) return;
    if (message.payload === 'providers') {
      this.track(
        this.refresher
          .refreshProviderStates()
          .catch((error: unknown) => this.logger.error(`provider states reload failed: ${messageOf(error)}`)),
      );
      return;
    }
    if (message.payload !== 'tables') {
      this.logger.warn(
        `unknown ${ROUTING_CHANGED_CHANNEL} payload ${JSON.stringify(message.payload)}: full reload`,
      );
    }
    this.track(this.refreshTables('notified'));
  }

  /** Reloads the table and re-arms the change timer; failures are logged, except the one `start` reports. */
  private async refreshTables(
    cause: 'start' | 'notified' | 'periodic' | 'reconnect' | 'change',
  ): Promise<void> {
    try {
      await this.refresher.refresh();
    } catch (error) {
      if (cause === 'start') throw error;
      this.logger.error(`routing table reload (${cause}) failed: ${messageOf(error)}`);
    } finally {
      this.scheduleNextChange();
    }
  }

  private scheduleNextChange(): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = undefined;
    if (!this.running) return;
    const now = this.clock();
    const next = this.router.table.changeTimes.find((time) => time > now);
    if (next === undefined) return;
    this.changeTimer = setTimeout(
      () => this.track(this.refreshTables('change')),
      Math.min(next - now, MAX_TIMER_DELAY_MS),
    );
    this.changeTimer.unref();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await discard(client);
  }
}

/** Closes a connection no longer used; an error it raises from now on is expected and ignored. */
async function discard(client: NotificationClient): Promise<void> {
  client.removeAllListeners();
  client.on('error', () => undefined);
  await client.end().catch(() => undefined);
}

function connectionUrl(connection: string | DataSource): string {
  if (typeof connection === 'string') return connection;
  const url = (connection.options as Partial<PostgresConnectionOptions>).url;
  if (connection.options.type !== 'postgres' || url === undefined) {
    throw new TypeError('RoutingAutoRefresh needs a Postgres DataSource configured with a url');
  }
  return url;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
