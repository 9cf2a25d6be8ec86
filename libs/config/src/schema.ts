import { directory, integer, oneOf, port, postgresUrl, type ValueParser } from './parsers';

/** How one configuration key is read from the environment. */
export interface ConfigKey<T> {
  readonly variable: string;
  readonly description: string;
  /** The raw value used when the variable is unset or empty; parsed like a set value. */
  readonly defaultValue?: string;
  readonly read: (raw: string | undefined) => T;
}

function optional<T>(variable: string, description: string, parse: ValueParser<T>): ConfigKey<T | undefined> {
  return { variable, description, read: (raw) => (raw === undefined ? undefined : parse(raw)) };
}

function withDefault<T>(
  variable: string,
  description: string,
  defaultValue: string,
  parse: ValueParser<T>,
): ConfigKey<T> {
  return { variable, description, defaultValue, read: (raw) => parse(raw ?? defaultValue) };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/**
 * Every configuration key of the product. To add one, add an entry here: `AppConfig` follows from this object,
 * and `loadConfig` validates it with the others.
 */
export const CONFIG_SCHEMA = {
  databaseUrl: optional(
    'DATABASE_URL',
    'PostgreSQL to use (postgres://user:password@host:port/db); unset: start the embedded server',
    postgresUrl,
  ),
  embeddedPgDir: withDefault(
    'EMBEDDED_PG_DIR',
    'Data directory of the embedded PostgreSQL (used only when DATABASE_URL is unset)',
    './.data/pg',
    directory,
  ),
  embeddedPgPort: withDefault(
    'EMBEDDED_PG_PORT',
    'Port of the embedded PostgreSQL on 127.0.0.1 (used only when DATABASE_URL is unset)',
    '54329',
    port,
  ),
  databasePoolSize: withDefault(
    'DATABASE_POOL_SIZE',
    'Maximum connections in the application pool (at least 2: migrations hold a lock on one)',
    '10',
    integer(2, 1000),
  ),
  logLevel: withDefault(
    'LOG_LEVEL',
    `Lowest level logged: ${LOG_LEVELS.join(', ')}`,
    'log',
    oneOf(LOG_LEVELS),
  ),
  smppPort: withDefault('SMPP_PORT', 'Plain SMPP listener port for ESMEs', '2775', port),
  smppTlsPort: optional('SMPP_TLS_PORT', 'SMPP over TLS listener port; unset: no TLS listener', port),
  httpPort: withDefault('HTTP_PORT', 'HTTP port for /health, /ready and the APIs', '8080', port),
  nodeEnv: withDefault(
    'NODE_ENV',
    `Runtime environment: ${NODE_ENVS.join(', ')}`,
    'development',
    oneOf(NODE_ENVS),
  ),
  deliveryRetentionHours: withDefault(
    'DELIVERY_RETENTION_HOURS',
    'How long a DLR or MO waits for its tenant before it expires unsent',
    '48',
    integer(1, 24 * 90),
  ),
  deliveryRetryMinMs: withDefault(
    'DELIVERY_RETRY_MIN_MS',
    'First retry delay of a deliver_sm answered non-OK or not at all; doubles per attempt',
    '5000',
    integer(10, 3_600_000),
  ),
  deliveryRetryMaxMs: withDefault(
    'DELIVERY_RETRY_MAX_MS',
    'Longest retry delay of a deliver_sm to a tenant',
    '600000',
    integer(10, 86_400_000),
  ),
  deliveryWindow: withDefault(
    'DELIVERY_WINDOW',
    'deliver_sm awaiting deliver_sm_resp per tenant session (also bounded by the session window)',
    '10',
    integer(1, 1000),
  ),
  deliveryLeaseMs: withDefault(
    'DELIVERY_LEASE_MS',
    'Lease of one instance on a tenant queue, and how long a sent deliver_sm stays claimed; above the response timer',
    '60000',
    integer(1000, 3_600_000),
  ),
  deliveryPollMs: withDefault(
    'DELIVERY_POLL_MS',
    "How often a tenant queue is re-read for other instances' enqueues and leases (below DELIVERY_LEASE_MS)",
    '5000',
    integer(10, 600_000),
  ),
} as const satisfies Record<string, ConfigKey<unknown>>;

type Schema = typeof CONFIG_SCHEMA;

/** The validated configuration, read once at boot. */
export type AppConfig = { readonly [K in keyof Schema]: ReturnType<Schema[K]['read']> };
