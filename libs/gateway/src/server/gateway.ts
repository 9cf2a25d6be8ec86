import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import type { SmscMetrics } from '@app/observability';
import { Router } from '@app/routing';
import { DeliveryService, deliveryOptionsFromConfig } from '../delivery';
import { BindAuthenticator } from '../auth/bind-authenticator';
import { AcceptService, type AcceptOptions, type RoutePlanner } from '../accept/accept-service';
import type { TenantDeliveryPort } from '../messages/delivery-port';
import { MessageQueries, type UpstreamCanceller } from '../messages/message-queries';
import { MessageScheduler, type MessageSchedulerOptions } from '../messages/message-scheduler';
import { SmppGatewayServer, type SmppServerOptions } from './smpp-gateway-server';

const HOUR_MS = 3_600_000;

export interface GatewaySettings {
  readonly server: SmppServerOptions;
  readonly accept: AcceptOptions;
  readonly scheduler: MessageSchedulerOptions;
  readonly lockoutFailures: number;
  readonly lockoutMs: number;
  /** How long a bind counts towards max_binds across instances without being renewed. */
  readonly bindLeaseMs: number;
}

export class GatewayConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayConfigError';
  }
}

/** The gateway's settings from the validated configuration; reads the TLS files when a TLS port is set. */
export function gatewaySettingsFromConfig(config: AppConfig): GatewaySettings {
  let tls: SmppServerOptions['tls'];
  if (config.smppTlsPort !== undefined) {
    if (config.smppTlsCert === undefined || config.smppTlsKey === undefined) {
      throw new GatewayConfigError('SMPP_TLS_PORT is set: SMPP_TLS_CERT and SMPP_TLS_KEY are required');
    }
    tls = {
      port: config.smppTlsPort,
      cert: readFileSync(config.smppTlsCert),
      key: readFileSync(config.smppTlsKey),
    };
  }
  return {
    server: {
      host: config.smppHost,
      port: config.smppPort,
      ...(tls === undefined ? {} : { tls }),
      sessionInitTimeoutMs: config.smppSessionInitTimeoutMs,
      enquireLinkIntervalMs: config.smppEnquireLinkIntervalMs,
      inactivityTimeoutMs: config.smppInactivityTimeoutMs,
      responseTimeoutMs: config.smppResponseTimeoutMs,
      unbindTimeoutMs: config.smppUnbindTimeoutMs,
      inboundWindow: config.smppInboundWindow,
      maxUnboundPerIp: config.smppMaxUnboundPerIp,
      deliveryWindow: config.deliveryWindow,
    },
    accept: {
      defaultValidityMs: config.smppDefaultValidityHours * HOUR_MS,
      maxValidityMs: config.smppMaxValidityHours * HOUR_MS,
      groupCommitWindowMs: config.smppGroupCommitWindowMs,
      groupCommitMaxBatch: config.smppGroupCommitMaxBatch,
      groupCommitMaxWaiting: config.smppGroupCommitMaxWaiting,
      groupCommitConcurrency: config.smppGroupCommitConcurrency,
      concatTtlMs: 10 * 60_000,
      reservationGraceMs: 24 * HOUR_MS,
    },
    scheduler: { intervalMs: config.smppSchedulerIntervalMs, batchSize: 500 },
    lockoutFailures: config.smppLockoutFailures,
    lockoutMs: config.smppLockoutMs,
    bindLeaseMs: config.smppBindLeaseMs,
  };
}

export interface GatewayDependencies {
  readonly dataSource: DataSource;
  /** Routing; default: an empty Router (every submit gets the no-route status). */
  readonly router?: RoutePlanner;
  /** The tenant delivery queue; default: a DeliveryService on the same DataSource. */
  readonly delivery?: TenantDeliveryPort & { start?(): void; stop?(): Promise<void> };
  /** cancel_sm for messages already sent upstream (issue 5); default none: ESME_RCANCELFAIL. */
  readonly upstreamCanceller?: UpstreamCanceller;
  /** Submit answers, tenant binds and the tenant sessions' windows are counted here when given. */
  readonly metrics?: SmscMetrics;
}

/** Everything the ESME-facing server is made of, wired together; start() listens, stop() drains and closes. */
export class Gateway {
  readonly server: SmppGatewayServer;
  readonly accept: AcceptService;
  readonly authenticator: BindAuthenticator;
  readonly scheduler: MessageScheduler;
  readonly delivery: TenantDeliveryPort & { start?(): void; stop?(): Promise<void> };

  constructor(settings: GatewaySettings, deps: GatewayDependencies, config?: AppConfig) {
    const { dataSource } = deps;
    if (deps.delivery !== undefined) this.delivery = deps.delivery;
    else if (config !== undefined)
      this.delivery = new DeliveryService(dataSource, {
        ...deliveryOptionsFromConfig(config),
        ...(deps.metrics === undefined ? {} : { registry: deps.metrics.registry }),
      });
    else throw new GatewayConfigError('a delivery port or the AppConfig for a DeliveryService is required');
    this.authenticator = new BindAuthenticator(dataSource, {
      lockoutFailures: settings.lockoutFailures,
      lockoutMs: settings.lockoutMs,
      bindLeaseMs: settings.bindLeaseMs,
    });
    this.accept = new AcceptService(dataSource, deps.router ?? new Router(), settings.accept);
    const queries = new MessageQueries(dataSource, this.delivery, deps.upstreamCanceller);
    this.scheduler = new MessageScheduler(dataSource, this.delivery, settings.scheduler);
    this.server = new SmppGatewayServer(
      settings.server,
      dataSource,
      this.authenticator,
      this.accept,
      queries,
      this.delivery,
      deps.metrics,
    );
  }

  async start(): Promise<void> {
    this.delivery.start?.();
    this.scheduler.start();
    this.authenticator.start();
    await this.server.listen();
  }

  /** Stops taking binds, unbinds every tenant (in-flight submits finish first), then stops the background work. */
  async stop(): Promise<void> {
    await this.server.shutdown();
    await this.authenticator.stop();
    await this.scheduler.stop();
    await this.delivery.stop?.();
  }
}
