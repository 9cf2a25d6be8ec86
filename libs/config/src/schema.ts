import {
  accountList,
  amqpUrl,
  directory,
  filePath,
  flag,
  hostList,
  integer,
  matching,
  oneOf,
  port,
  postgresUrl,
  text,
  type ValueParser,
} from './parsers';

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

/** The settings of one upstream connector, named `<prefix>Hosts`, `<prefix>SystemId`, … in AppConfig. */
interface ConnectorKeySet {
  Hosts: ConfigKey<Array<{ host: string; port: number }> | undefined>;
  Tls: ConfigKey<boolean>;
  TlsCa: ConfigKey<string | undefined>;
  SystemId: ConfigKey<string | undefined>;
  Password: ConfigKey<string | undefined>;
  Sessions: ConfigKey<number>;
  Tps: ConfigKey<number>;
  Window: ConfigKey<number>;
  Indeterminate: ConfigKey<string>;
}

type PrefixedKeys<P extends string, T> = { [K in keyof T & string as `${P}${K}`]: T[K] };

function connectorKeys<const P extends string>(
  prefix: P,
  variablePrefix: string,
  name: string,
  defaults: { tls: 'true' | 'false'; tps: string },
): PrefixedKeys<P, ConnectorKeySet> {
  const v = (suffix: string) => `${variablePrefix}_${suffix}`;
  const keys: ConnectorKeySet = {
    Hosts: optional(
      v('SMPP_HOSTS'),
      `${name}: SMPP endpoints as host:port, comma-separated, tried in order; unset: the provider's documented hosts`,
      hostList,
    ),
    Tls: withDefault(v('SMPP_TLS'), `${name}: connect over TLS`, defaults.tls, flag),
    TlsCa: optional(v('SMPP_TLS_CA'), `${name}: PEM CA file to trust instead of the system store`, filePath),
    SystemId: optional(v('SYSTEM_ID'), `${name}: SMPP system_id (required to start the connector)`, text),
    Password: optional(
      v('PASSWORD'),
      `${name}: SMPP password; secret, never logged (required to start the connector)`,
      text,
    ),
    Sessions: withDefault(
      v('SESSIONS'),
      `${name}: binds to keep (capped by the provider)`,
      '1',
      integer(1, 64),
    ),
    Tps: withDefault(
      v('TPS'),
      `${name}: contracted submits per second across all binds`,
      defaults.tps,
      integer(1, 100_000),
    ),
    Window: withDefault(v('WINDOW'), `${name}: unanswered submit_sm per bind`, '10', integer(1, 1_000)),
    Indeterminate: withDefault(
      v('INDETERMINATE'),
      `${name}: a submit lost with its session: give-up (UNKNOWN, never a duplicate) or resubmit:<k>`,
      'give-up',
      matching(/^(give-up|resubmit:\d{1,2})$/, 'give-up or resubmit:<0-99>'),
    ),
  };
  return Object.fromEntries(
    Object.entries(keys).map(([key, spec]) => [`${prefix}${key}`, spec]),
  ) as PrefixedKeys<P, ConnectorKeySet>;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

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
  logFormat: withDefault(
    'LOG_FORMAT',
    "json: one JSON object per line (for log collectors); pretty: Nest's coloured lines (for a terminal)",
    'json',
    oneOf(LOG_FORMATS),
  ),
  logRedact: withDefault(
    'LOG_REDACT',
    'Mask phone numbers and message text in logs (false only for debugging); passwords and keys are always masked',
    'true',
    flag,
  ),
  smppPort: withDefault('SMPP_PORT', 'Plain SMPP listener port for ESMEs', '2775', port),
  smppTlsPort: optional('SMPP_TLS_PORT', 'SMPP over TLS listener port; unset: no TLS listener', port),
  smppHost: withDefault('SMPP_HOST', 'Address the SMPP listeners bind to', '0.0.0.0', text),
  smppTlsCert: optional('SMPP_TLS_CERT', 'PEM certificate (chain) file of the SMPP TLS listener', filePath),
  smppTlsKey: optional('SMPP_TLS_KEY', 'PEM private key file of the SMPP TLS listener', filePath),
  smppSessionInitTimeoutMs: withDefault(
    'SMPP_SESSION_INIT_TIMEOUT_MS',
    'A connection that has not bound within this time is closed',
    '10000',
    integer(100, 600_000),
  ),
  smppEnquireLinkIntervalMs: withDefault(
    'SMPP_ENQUIRE_LINK_INTERVAL_MS',
    'enquire_link sent to a tenant after this long without traffic (0: never)',
    '30000',
    integer(0, 3_600_000),
  ),
  smppInactivityTimeoutMs: withDefault(
    'SMPP_INACTIVITY_TIMEOUT_MS',
    'A session with no PDU from the tenant for this long is closed (0: never)',
    '120000',
    integer(0, 86_400_000),
  ),
  smppResponseTimeoutMs: withDefault(
    'SMPP_RESPONSE_TIMEOUT_MS',
    'How long the server waits for a response to its own requests',
    '30000',
    integer(100, 600_000),
  ),
  smppUnbindTimeoutMs: withDefault(
    'SMPP_UNBIND_TIMEOUT_MS',
    'On unbind or shutdown, how long in-flight requests may take before the session is unbound anyway',
    '5000',
    integer(0, 600_000),
  ),
  smppInboundWindow: withDefault(
    'SMPP_INBOUND_WINDOW',
    'Unanswered requests one tenant session may hold; more get ESME_RTHROTTLED',
    '100',
    integer(1, 65_535),
  ),
  smppMaxUnboundPerIp: withDefault(
    'SMPP_MAX_UNBOUND_PER_IP',
    'Connections from one IP that have not bound yet; more are closed at once',
    '20',
    integer(1, 100_000),
  ),
  smppLockoutFailures: withDefault(
    'SMPP_LOCKOUT_FAILURES',
    'Failed binds from one IP for one system_id before that pair is locked out',
    '5',
    integer(1, 1_000),
  ),
  smppLockoutMs: withDefault(
    'SMPP_LOCKOUT_MS',
    'How long failed binds are counted and how long a lockout lasts',
    '300000',
    integer(1_000, 86_400_000),
  ),
  smppBindLeaseMs: withDefault(
    'SMPP_BIND_LEASE_MS',
    'How long a tenant bind counts towards max_binds across server instances without its instance renewing it',
    '30000',
    integer(1_000, 3_600_000),
  ),
  smppGroupCommitWindowMs: withDefault(
    'SMPP_GROUP_COMMIT_WINDOW_MS',
    'Submits arriving within this window share one database transaction',
    '2',
    integer(0, 1_000),
  ),
  smppGroupCommitMaxBatch: withDefault(
    'SMPP_GROUP_COMMIT_MAX_BATCH',
    'A group commit is written as soon as it holds this many messages',
    '200',
    integer(1, 10_000),
  ),
  smppGroupCommitMaxWaiting: withDefault(
    'SMPP_GROUP_COMMIT_MAX_WAITING',
    'Submits waiting for a commit beyond which new ones get ESME_RMSGQFUL',
    '20000',
    integer(1, 1_000_000),
  ),
  smppGroupCommitConcurrency: withDefault(
    'SMPP_GROUP_COMMIT_CONCURRENCY',
    'Group-commit transactions running at once (each holds a pool connection)',
    '3',
    integer(1, 64),
  ),
  smppDefaultValidityHours: withDefault(
    'SMPP_DEFAULT_VALIDITY_HOURS',
    'Validity of a message whose submit gives no validity_period',
    '48',
    integer(1, 8_760),
  ),
  smppMaxValidityHours: withDefault(
    'SMPP_MAX_VALIDITY_HOURS',
    'Longest validity_period (from now) a submit may ask for; longer gets ESME_RINVEXPIRY',
    '168',
    integer(1, 8_760),
  ),
  smppSchedulerIntervalMs: withDefault(
    'SMPP_SCHEDULER_INTERVAL_MS',
    'How often scheduled messages are released and messages past validity expired',
    '1000',
    integer(10, 3_600_000),
  ),
  httpPort: withDefault('HTTP_PORT', 'HTTP port for /health, /ready and the APIs', '8080', port),
  aggregatorConfig: optional(
    'AGGREGATOR_CONFIG',
    'Bootstrap configuration file (YAML) applied idempotently at start; unset: config/aggregator.yaml when present',
    filePath,
  ),
  adminBootstrapKey: optional(
    'ADMIN_BOOTSTRAP_KEY',
    'Secret (never logged): when no admin API key exists at start, this key becomes the first admin key',
    text,
  ),
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
  routingRefreshIntervalMs: withDefault(
    'ROUTING_REFRESH_INTERVAL_MS',
    'Full reload of the routing table at least this often, besides the NOTIFY-driven and scheduled reloads',
    '60000',
    integer(1_000, 86_400_000),
  ),
  billingSweepIntervalMs: withDefault(
    'BILLING_SWEEP_INTERVAL_MS',
    'How often reservations left pending past their expiry are voided (expired)',
    '60000',
    integer(1_000, 86_400_000),
  ),
  billingReservationTtlMs: withDefault(
    'BILLING_RESERVATION_TTL_MS',
    'How long a reservation may stay unresolved before the sweeper expires it (default 72 h)',
    '259200000',
    integer(60_000, 90 * 86_400_000),
  ),
  simInfobipPort: withDefault(
    'SIM_INFOBIP_PORT',
    'Provider simulator: Infobip SMPP port (plain)',
    '18888',
    port,
  ),
  simGatewayApiPort: withDefault(
    'SIM_GATEWAYAPI_PORT',
    'Provider simulator: GatewayAPI SMPP port (plain)',
    '12775',
    port,
  ),
  simMtaPort: withDefault(
    'SIM_MTA_PORT',
    'Provider simulator: Mobile Text Alerts SMPP port (TLS only)',
    '12776',
    port,
  ),
  simLabsMobilePort: withDefault(
    'SIM_LABSMOBILE_PORT',
    'Provider simulator: LabsMobile SMPP port (plain)',
    '22775',
    port,
  ),
  simMtaTlsCert: optional(
    'SIM_MTA_TLS_CERT',
    'Provider simulator: PEM certificate for the MTA port; unset: a self-signed one is made at start',
    filePath,
  ),
  simMtaTlsKey: optional(
    'SIM_MTA_TLS_KEY',
    'Provider simulator: PEM private key for SIM_MTA_TLS_CERT',
    filePath,
  ),
  simDlrDelayMs: withDefault(
    'SIM_DLR_DELAY_MS',
    'Provider simulator: delay before each delivery receipt',
    '10',
    integer(0, 3_600_000),
  ),
  simAccounts: withDefault(
    'SIM_ACCOUNTS',
    'Provider simulator: accepted binds as system_id:password pairs, comma-separated',
    'simuser:simpass',
    accountList,
  ),
  rabbitmqUrl: optional(
    'RABBITMQ_URL',
    'RabbitMQ for the bus between processes (amqp://user:password@host:port/vhost); unset: the in-process bus',
    amqpUrl,
  ),
  rabbitmqPrefetch: withDefault(
    'RABBITMQ_PREFETCH',
    'Unacknowledged messages one consumer may hold (connectors use their window instead)',
    '100',
    integer(1, 65_535),
  ),
  rabbitmqPublishTimeoutMs: withDefault(
    'RABBITMQ_PUBLISH_TIMEOUT_MS',
    'A publish not confirmed by RabbitMQ within this time fails (the outbox row is published again later)',
    '10000',
    integer(100, 600_000),
  ),
  outboxPollMs: withDefault(
    'OUTBOX_POLL_MS',
    'How often the outbox relay looks for unpublished rows when nothing woke it',
    '100',
    integer(5, 60_000),
  ),
  outboxBatchSize: withDefault(
    'OUTBOX_BATCH_SIZE',
    'Outbox rows the relay locks, publishes and marks per transaction',
    '500',
    integer(1, 10_000),
  ),
  pipelineFinalDlrTimeoutMs: withDefault(
    'PIPELINE_FINAL_DLR_TIMEOUT_MS',
    'A message without a final receipt this long after acceptance gets the synthetic final state UNKNOWN (48 h)',
    '172800000',
    integer(1_000, 30 * 86_400_000),
  ),
  ...connectorKeys('infobip', 'INFOBIP', 'Infobip connector', { tls: 'false', tps: '50' }),
  infobipHlr: withDefault(
    'INFOBIP_HLR',
    'Infobip connector: also keep the Number Lookup bind (system_type HLR) with the same credentials',
    'false',
    flag,
  ),
  ...connectorKeys('gatewayApi', 'GATEWAYAPI', 'GatewayAPI connector', { tls: 'false', tps: '50' }),
  ...connectorKeys('mta', 'MTA', 'Mobile Text Alerts connector (TLS only)', { tls: 'true', tps: '10' }),
  ...connectorKeys('labsMobile', 'LABSMOBILE', 'LabsMobile connector', { tls: 'false', tps: '10' }),
} as const satisfies Record<string, ConfigKey<unknown>>;

type Schema = typeof CONFIG_SCHEMA;

/** The validated configuration, read once at boot. */
export type AppConfig = { readonly [K in keyof Schema]: ReturnType<Schema[K]['read']> };
