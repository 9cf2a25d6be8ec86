import { readFileSync } from 'node:fs';
import { Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { enabledLogLevels, loadConfigOrExit, type AppConfig } from '@app/config';
import { LedgerRepository } from '@app/billing';
import { DatabaseHealth, DatabaseServer, createDataSource, runMigrations } from '@app/database';
import { DeliveryService } from '@app/gateway';
import {
  createAppLogger,
  ObservabilityModule,
  providerBindsCheck,
  ReadinessRegistry,
  SmscMetrics,
} from '@app/observability';
import { endpointsFor, PROVIDER_PROFILES, type ProviderId } from '@app/providers';
import type { SmppHost } from '@app/smpp';
import type { DataSource } from 'typeorm';
import { ConnectorRuntime } from './connector-runtime';
import { parseIndeterminatePolicy, type IndeterminatePolicy } from './indeterminate-policy';
import { NumberLookupService } from './number-lookup';
import { ConnectorConfigError } from './rate-control';
import { SessionStatusReporter } from './session-status-reporter';

/** Where each provider's keys live in AppConfig (`<prefix>Hosts`, …) and in the environment (`<VARIABLE>_…`). */
const CONFIG_KEYS = {
  infobip: { prefix: 'infobip', variable: 'INFOBIP' },
  gatewayapi: { prefix: 'gatewayApi', variable: 'GATEWAYAPI' },
  mta: { prefix: 'mta', variable: 'MTA' },
  labsmobile: { prefix: 'labsMobile', variable: 'LABSMOBILE' },
} as const satisfies Record<ProviderId, { prefix: string; variable: string }>;

/** A connector's validated settings; `password` is a secret and must never be logged. */
export interface ConnectorSettings {
  hosts: SmppHost[];
  systemId: string;
  password: string;
  sessions: number;
  tps: number;
  windowSize: number;
  indeterminate: IndeterminatePolicy;
}

/**
 * The settings of one connector from the validated configuration. Hosts default to the profile's documented
 * endpoints (TLS ones when TLS is asked for or required). Throws ConnectorConfigError naming a missing variable.
 */
export function connectorSettings(config: AppConfig, provider: ProviderId): ConnectorSettings {
  const profile = PROVIDER_PROFILES[provider];
  const { prefix, variable } = CONFIG_KEYS[provider];
  const tls = config[`${prefix}Tls`] || profile.connection.tls === 'required';
  const caFile = config[`${prefix}TlsCa`];
  const tlsOptions = tls ? { tls: caFile === undefined ? {} : { ca: readFileSync(caFile) } } : {};
  const configured = config[`${prefix}Hosts`];
  const hosts = (configured ?? endpointsFor(profile, { tls })).map((endpoint): SmppHost => ({
    host: endpoint.host,
    port: endpoint.port,
    ...tlsOptions,
  }));
  const systemId = config[`${prefix}SystemId`];
  const password = config[`${prefix}Password`];
  const missing = [
    ...(systemId === undefined ? [`${variable}_SYSTEM_ID`] : []),
    ...(password === undefined ? [`${variable}_PASSWORD`] : []),
  ];
  if (systemId === undefined || password === undefined) {
    throw new ConnectorConfigError(`${profile.name} connector: set ${missing.join(' and ')}`);
  }
  return {
    hosts,
    systemId,
    password,
    sessions: config[`${prefix}Sessions`],
    tps: config[`${prefix}Tps`],
    windowSize: config[`${prefix}Window`],
    indeterminate: parseIndeterminatePolicy(config[`${prefix}Indeterminate`]),
  };
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * What a connector app runs beside its runtime (the bus consumer of libs/pipeline); stopped before the runtime. It
 * registers its own readiness checks (bus consumers) and scrape sources on the app's `readiness` and `metrics`.
 */
export type ConnectorAttachment = (context: {
  config: AppConfig;
  dataSource: DataSource;
  runtime: ConnectorRuntime;
  settings: ConnectorSettings;
  metrics: SmscMetrics;
  readiness: ReadinessRegistry;
}) => Promise<{ stop(): Promise<void> }>;

/** Several attachments as one: started in order, stopped in reverse order. */
export function attachAll(...attachments: readonly ConnectorAttachment[]): ConnectorAttachment {
  return async (context) => {
    const started: Array<{ stop(): Promise<void> }> = [];
    for (const attachment of attachments) started.push(await attachment(context));
    return {
      stop: async () => {
        for (const attached of started.reverse()) await attached.stop();
      },
    };
  };
}

/**
 * Infobip Number Lookup when INFOBIP_HLR=true: its own bind (system_type HLR) with the connector's hosts and
 * credentials, lookups stored in `number_lookups`. Nothing is started otherwise.
 */
export const attachNumberLookup: ConnectorAttachment = ({ config, dataSource, runtime, settings }) => {
  if (!config.infobipHlr) return Promise.resolve({ stop: () => Promise.resolve() });
  const lookup = new NumberLookupService({
    profile: PROVIDER_PROFILES.infobip,
    providerId: runtime.providerId,
    hosts: settings.hosts,
    systemId: settings.systemId,
    password: settings.password,
    dataSource,
    responseTimeoutMs: config.smppResponseTimeoutMs,
  });
  lookup.start();
  new Logger('connector-infobip').log('Number Lookup bind started (INFOBIP_HLR)');
  return Promise.resolve({ stop: () => lookup.stop() });
};

/** The app's logger from LOG_FORMAT, LOG_REDACT and LOG_LEVEL (the JSON logger in production). */
function connectorLogger(config: AppConfig): LoggerService {
  return createAppLogger({
    logFormat: config.logFormat,
    logRedact: config.logRedact,
    levels: enabledLogLevels(config.logLevel),
  });
}

/**
 * GET /metrics, /health and /ready on HTTP_PORT over the process's metrics, with the `database` check and the
 * `providers` check (ready once the runtime has a session able to submit, down while the provider is marked down).
 */
async function listenObserved(
  config: AppConfig,
  logger: LoggerService,
  metrics: SmscMetrics,
  dataSource: DataSource,
  runtime: () => ConnectorRuntime | undefined,
  providerId: string,
): Promise<INestApplication> {
  const app = await NestFactory.create(ObservabilityModule.forRoot({ metrics }), {
    logger,
    abortOnError: false,
  });
  const readiness = app.get(ReadinessRegistry);
  const database = new DatabaseHealth(dataSource);
  readiness.register('database', () => database.check());
  readiness.register(
    'providers',
    providerBindsCheck(() => {
      const current = runtime();
      const down = current?.down;
      return Promise.resolve([
        {
          providerId,
          enabled: true,
          boundSessions: current?.submitSessions ?? 0,
          ...(down !== undefined ? { lastError: down } : {}),
        },
      ]);
    }),
  );
  metrics.registerDatabaseSource(dataSource);
  await app.listen(config.httpPort);
  return app;
}

/**
 * The whole main() of a connector app: validated config, database, the runtime bound with the provider's profile;
 * on SIGTERM or SIGINT it stops taking messages, waits for the submits and receipts in progress, unbinds every
 * session, closes the database and exits 0. Credentials are never logged.
 */
async function runConnectorApp(provider: ProviderId, attach?: ConnectorAttachment): Promise<void> {
  const config = loadConfigOrExit();
  const appLogger = connectorLogger(config);
  Logger.overrideLogger(appLogger);
  const logger = new Logger(`connector-${provider}`);
  let settings: ConnectorSettings;
  try {
    settings = connectorSettings(config, provider);
  } catch (error) {
    if (!(error instanceof ConnectorConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const started: {
    server?: DatabaseServer;
    dataSource?: DataSource;
    runtime?: ConnectorRuntime;
    reporter?: SessionStatusReporter;
    attached?: { stop(): Promise<void> };
    http?: INestApplication;
  } = {};
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining and unbinding`);
    try {
      await started.attached?.stop();
      await started.runtime?.stop();
      await started.reporter?.stop();
      await started.http?.close();
      if (started.dataSource?.isInitialized === true) await started.dataSource.destroy();
      await started.server?.close();
    } finally {
      process.exit(0);
    }
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, (s) => void stop(s));

  const server = await DatabaseServer.open(config, { onNotice: (message) => logger.warn(message) });
  started.server = server;
  logger.log(`database: ${server.describe()}`);
  const dataSource = createDataSource(server.url, {
    poolSize: config.databasePoolSize,
    applicationName: `connector-${provider}`,
  });
  await dataSource.initialize();
  started.dataSource = dataSource;
  const applied = await runMigrations(dataSource);
  if (applied.length > 0) logger.log(`migrations applied: ${applied.join(', ')}`);
  const metrics = new SmscMetrics();
  started.http = await listenObserved(
    config,
    appLogger,
    metrics,
    dataSource,
    () => started.runtime,
    provider,
  );
  const runtime = new ConnectorRuntime({
    profile: PROVIDER_PROFILES[provider],
    ...settings,
    responseTimeoutMs: config.smppResponseTimeoutMs,
    dataSource,
    delivery: new DeliveryService(dataSource, {
      retentionMs: config.deliveryRetentionHours * 3_600_000,
      retryMinMs: config.deliveryRetryMinMs,
      retryMaxMs: config.deliveryRetryMaxMs,
      windowPerSession: config.deliveryWindow,
      leaseMs: config.deliveryLeaseMs,
      pollMs: config.deliveryPollMs,
      registry: metrics.registry,
    }),
    billing: new LedgerRepository(dataSource),
    metrics,
  });
  started.runtime = runtime;
  if (stopping) return;
  runtime.start();
  // The admin API (any process) shows these sessions from provider_sessions.
  started.reporter = new SessionStatusReporter({
    dataSource,
    runtime,
    windowSize: settings.windowSize,
  });
  started.reporter.start();
  if (attach !== undefined) {
    const readiness = started.http.get(ReadinessRegistry);
    started.attached = await attach({ config, dataSource, runtime, settings, metrics, readiness });
  }
  logger.log(
    `${PROVIDER_PROFILES[provider].name}: ${settings.sessions} session(s) to ` +
      `${settings.hosts.map((h) => `${h.host}:${h.port}${h.tls ? ' (TLS)' : ''}`).join(', ')}, ` +
      `${settings.tps} TPS, window ${settings.windowSize}; HTTP on port ${config.httpPort}: ` +
      'GET /metrics, GET /health, GET /ready',
  );
}

/** Entry point of apps/connector-<provider>/src/main.ts: runs the connector, or logs why it could not start and exits 1. */
export function startConnectorApp(provider: ProviderId, attach?: ConnectorAttachment): void {
  runConnectorApp(provider, attach).catch((error: unknown) => {
    new Logger(`connector-${provider}`).error(
      `start failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
}
