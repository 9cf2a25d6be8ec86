import { Client, type ClientConfig, type Notification } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/**
 * Postgres channel announcing a new tenant_deliveries row; payload: the tenant id. The enqueue statement sends it
 * (pg_notify inside the writer's transaction), and Postgres delivers a notification only when that transaction
 * commits, so a listener that reads the tenant's queue on it always sees the row, whichever process wrote it.
 */
export const TENANT_DELIVERY_CHANNEL = 'tenant_delivery';

export interface DeliveryNotificationHandlers {
  /** A row for this tenant was committed. */
  readonly onTenant: (tenantId: string) => void;
  /** The LISTEN connection was re-established: notifications sent meanwhile are lost, re-read every queue. */
  readonly onResubscribed: () => void;
  readonly onError: (error: unknown, context: string) => void;
}

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/** LISTENs on TENANT_DELIVERY_CHANNEL over a dedicated connection, reconnecting with backoff when it drops. */
export class DeliveryNotificationListener {
  private client: Client | undefined;
  private running = false;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly handlers: DeliveryNotificationHandlers,
  ) {}

  /** True while the LISTEN connection is established. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connecting = this.connect(false);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await discard(client);
  }

  private async connect(resubscribe: boolean): Promise<void> {
    const client = new Client({
      ...clientConfigOf(this.dataSource),
      application_name: 'tenant-delivery-listener',
    });
    client.on('error', (error) => this.connectionLost(client, error));
    client.on('end', () => this.connectionLost(client, new Error('connection ended')));
    client.on('notification', (message: Notification) => {
      if (message.channel === TENANT_DELIVERY_CHANNEL && message.payload !== undefined) {
        this.handlers.onTenant(message.payload);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${TENANT_DELIVERY_CHANNEL}`);
    } catch (error) {
      await discard(client);
      this.handlers.onError(error, `${TENANT_DELIVERY_CHANNEL} listener`);
      this.scheduleReconnect();
      return;
    }
    if (!this.running) {
      await discard(client);
      return;
    }
    this.client = client;
    this.reconnectDelayMs = RECONNECT_MIN_MS;
    if (resubscribe) this.handlers.onResubscribed();
  }

  private connectionLost(client: Client, error: Error): void {
    if (client !== this.client) return;
    this.client = undefined;
    void discard(client);
    this.handlers.onError(error, `${TENANT_DELIVERY_CHANNEL} listener connection lost`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running || this.reconnectTimer !== undefined) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connecting = this.connect(true);
    }, delay);
    this.reconnectTimer.unref();
  }
}

/** Closes a connection no longer used; an error it raises from now on is expected and ignored. */
async function discard(client: Client): Promise<void> {
  client.removeAllListeners();
  client.on('error', () => undefined);
  await client.end().catch(() => undefined);
}

function clientConfigOf(dataSource: DataSource): ClientConfig {
  const options = dataSource.options as Partial<PostgresConnectionOptions>;
  return {
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: typeof options.password === 'string' ? options.password : undefined,
    database: options.database,
    keepAlive: true,
  };
}
