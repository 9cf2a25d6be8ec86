import { resolve } from 'node:path';
import { ConfigError } from './config.error';
import { loadConfig } from './load-config';
import { redactUrl } from './redact-url';

function issuesOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.issues.map((issue) => `${issue.variable}: ${issue.reason}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** Defaults of the logging keys (libs/observability). */
const LOG_DEFAULTS = { logFormat: 'json', logRedact: true };

/** Defaults of the SMPP gateway's keys (libs/gateway). */
const GATEWAY_DEFAULTS = {
  smppHost: '0.0.0.0',
  smppTlsCert: undefined,
  smppTlsKey: undefined,
  smppSessionInitTimeoutMs: 10_000,
  smppEnquireLinkIntervalMs: 30_000,
  smppInactivityTimeoutMs: 120_000,
  smppResponseTimeoutMs: 30_000,
  smppUnbindTimeoutMs: 5_000,
  smppInboundWindow: 100,
  smppMaxUnboundPerIp: 20,
  smppLockoutFailures: 5,
  smppLockoutMs: 300_000,
  smppBindLeaseMs: 30_000,
  smppGroupCommitWindowMs: 2,
  smppGroupCommitMaxBatch: 200,
  smppGroupCommitMaxWaiting: 20_000,
  smppGroupCommitConcurrency: 3,
  smppDefaultValidityHours: 48,
  smppMaxValidityHours: 168,
  smppSchedulerIntervalMs: 1_000,
};

/** Defaults of the provider simulators' keys (apps/provider-sim). */
const SIM_DEFAULTS = {
  simInfobipPort: 18888,
  simGatewayApiPort: 12775,
  simMtaPort: 12776,
  simLabsMobilePort: 22775,
  simMtaTlsCert: undefined,
  simMtaTlsKey: undefined,
  simDlrDelayMs: 10,
  simAccounts: [{ system_id: 'simuser', password: 'simpass' }],
};

/** Defaults of the bus and outbox relay keys (libs/bus). */
const BUS_DEFAULTS = {
  rabbitmqUrl: undefined,
  rabbitmqPrefetch: 100,
  rabbitmqPublishTimeoutMs: 10_000,
  outboxPollMs: 100,
  outboxBatchSize: 500,
};

/** Defaults of the admin API and bootstrap-file keys. */
const ADMIN_DEFAULTS = { adminBootstrapKey: undefined, aggregatorConfig: undefined };

/** Defaults of the background jobs' keys (RoutingAutoRefresh, ReservationSweeper, FinalDlrSweeper). */
const JOB_DEFAULTS = {
  routingRefreshIntervalMs: 60_000,
  billingSweepIntervalMs: 60_000,
  billingReservationTtlMs: 72 * 3_600_000,
  pipelineFinalDlrTimeoutMs: 48 * 3_600_000,
};

/** Defaults of one connector's keys (apps/connector-*): MTA is TLS only (seed 003). */
function connectorDefaults(prefix: string, tls: boolean, tps: number): Record<string, unknown> {
  const values: Record<string, unknown> = {
    Hosts: undefined,
    Tls: tls,
    TlsCa: undefined,
    SystemId: undefined,
    Password: undefined,
    Sessions: 1,
    Tps: tps,
    Window: 10,
    Indeterminate: 'give-up',
  };
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}${key}`, value]));
}

const CONNECTOR_DEFAULTS = {
  ...connectorDefaults('infobip', false, 50),
  infobipHlr: false,
  ...connectorDefaults('gatewayApi', false, 50),
  ...connectorDefaults('mta', true, 10),
  ...connectorDefaults('labsMobile', false, 10),
};

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      embeddedPgDir: resolve('.data/pg'),
      embeddedPgPort: 54329,
      databasePoolSize: 10,
      logLevel: 'log',
      smppPort: 2775,
      smppTlsPort: undefined,
      httpPort: 8080,
      nodeEnv: 'development',
      deliveryRetentionHours: 48,
      deliveryRetryMinMs: 5000,
      deliveryRetryMaxMs: 600_000,
      deliveryWindow: 10,
      deliveryLeaseMs: 60_000,
      deliveryPollMs: 5000,
      ...GATEWAY_DEFAULTS,
      ...SIM_DEFAULTS,
      ...BUS_DEFAULTS,
      ...LOG_DEFAULTS,
      ...ADMIN_DEFAULTS,
      ...JOB_DEFAULTS,
      ...CONNECTOR_DEFAULTS,
    });
  });

  it('reads every key when set, trimming blanks and treating empty values as unset', () => {
    const config = loadConfig({
      DATABASE_URL: ' postgresql://app:s3cret@db.internal:6432/sms ',
      EMBEDDED_PG_DIR: '/var/lib/smsagg/pg',
      EMBEDDED_PG_PORT: '55000',
      DATABASE_POOL_SIZE: '25',
      LOG_LEVEL: 'debug',
      SMPP_PORT: '2776',
      SMPP_TLS_PORT: '3550',
      HTTP_PORT: '',
      NODE_ENV: 'production',
    });
    expect(config).toEqual({
      databaseUrl: 'postgresql://app:s3cret@db.internal:6432/sms',
      embeddedPgDir: '/var/lib/smsagg/pg',
      embeddedPgPort: 55000,
      databasePoolSize: 25,
      logLevel: 'debug',
      smppPort: 2776,
      smppTlsPort: 3550,
      httpPort: 8080,
      nodeEnv: 'production',
      deliveryRetentionHours: 48,
      deliveryRetryMinMs: 5000,
      deliveryRetryMaxMs: 600_000,
      deliveryWindow: 10,
      deliveryLeaseMs: 60_000,
      deliveryPollMs: 5000,
      ...GATEWAY_DEFAULTS,
      ...SIM_DEFAULTS,
      ...BUS_DEFAULTS,
      ...LOG_DEFAULTS,
      ...ADMIN_DEFAULTS,
      ...JOB_DEFAULTS,
      ...CONNECTOR_DEFAULTS,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ['DATABASE_URL', 'mysql://root@localhost/db', 'DATABASE_URL: not a postgres:// URL'],
    ['RABBITMQ_URL', 'http://localhost:5672', 'RABBITMQ_URL: not an amqp:// URL'],
    ['DATABASE_URL', 'not a url', 'DATABASE_URL: not a postgres:// URL'],
    ['DATABASE_URL', 'postgres:///db', 'DATABASE_URL: not a postgres:// URL'],
    ['SMPP_PORT', 'abc', 'SMPP_PORT: must be an integer 1-65535, got "abc"'],
    ['SMPP_PORT', '0', 'SMPP_PORT: must be an integer 1-65535, got "0"'],
    ['SMPP_PORT', '65536', 'SMPP_PORT: must be an integer 1-65535, got "65536"'],
    ['SMPP_PORT', '27.5', 'SMPP_PORT: must be an integer 1-65535, got "27.5"'],
    ['SMPP_PORT', '0x10', 'SMPP_PORT: must be an integer 1-65535, got "0x10"'],
    ['SMPP_TLS_PORT', '-1', 'SMPP_TLS_PORT: must be an integer 1-65535, got "-1"'],
    ['HTTP_PORT', '1e3', 'HTTP_PORT: must be an integer 1-65535, got "1e3"'],
    ['EMBEDDED_PG_PORT', '99999', 'EMBEDDED_PG_PORT: must be an integer 1-65535, got "99999"'],
    ['DATABASE_POOL_SIZE', '1', 'DATABASE_POOL_SIZE: must be an integer 2-1000, got "1"'],
    ['DATABASE_POOL_SIZE', 'many', 'DATABASE_POOL_SIZE: must be an integer 2-1000, got "many"'],
    ['LOG_LEVEL', 'info', 'LOG_LEVEL: must be one of fatal, error, warn, log, debug, verbose, got "info"'],
    ['LOG_FORMAT', 'text', 'LOG_FORMAT: must be one of json, pretty, got "text"'],
    ['LOG_REDACT', 'yes', 'LOG_REDACT: must be true or false, got "yes"'],
    ['NODE_ENV', 'staging', 'NODE_ENV: must be one of development, production, test, got "staging"'],
  ])('refuses %s=%j', (variable, value, message) => {
    expect(issuesOf({ [variable]: value })).toEqual([message]);
  });

  it('lists every invalid variable at once, in the message too', () => {
    let caught: unknown;
    try {
      loadConfig({ SMPP_PORT: 'abc', HTTP_PORT: '0', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.issues.map((issue) => issue.variable)).toEqual(['LOG_LEVEL', 'SMPP_PORT', 'HTTP_PORT']);
    expect(error.message).toContain('Invalid configuration (3 variables)');
    expect(error.message).toContain('  SMPP_PORT: must be an integer 1-65535, got "abc"');
  });

  it('never echoes a refused DATABASE_URL, which may hold a password', () => {
    const [issue] = issuesOf({ DATABASE_URL: 'mysql://app:hunter2@db/sms' });
    expect(issue).not.toContain('hunter2');
  });

  it('cuts long refused values', () => {
    const [issue] = issuesOf({ HTTP_PORT: 'x'.repeat(100) });
    expect(issue).toBe(`HTTP_PORT: must be an integer 1-65535, got "${'x'.repeat(40)}..."`);
  });
});

describe('redactUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/sms')).toBe('postgres://app:***@db:5432/sms');
  });

  it('masks percent-encoded passwords', () => {
    expect(redactUrl('postgres://app:a%40b%3Ac@db/sms')).toBe('postgres://app:***@db/sms');
  });

  it('leaves a URL without password unchanged', () => {
    expect(redactUrl('postgres://root@127.0.0.1:5432/test')).toBe('postgres://root@127.0.0.1:5432/test');
  });

  it('masks the credentials of a value that is not a URL', () => {
    expect(redactUrl('postgres://app:pa ss@db:port/sms')).toBe('postgres://***@db:port/sms');
  });
});

describe('SIM_ACCOUNTS', () => {
  it('reads system_id:password pairs; a password may contain a colon', () => {
    expect(loadConfig({ SIM_ACCOUNTS: 'alice:s3cret, bob:a:b' }).simAccounts).toEqual([
      { system_id: 'alice', password: 's3cret' },
      { system_id: 'bob', password: 'a:b' },
    ]);
  });

  it('refuses an entry without a password, never echoing the value', () => {
    expect(() => loadConfig({ SIM_ACCOUNTS: 'alice:s3cret,bob' })).toThrow(
      'SIM_ACCOUNTS: entry 2 is not system_id:password',
    );
  });
});
