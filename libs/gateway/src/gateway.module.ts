import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerRepository, ReservationSweeper } from '@app/billing';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SmscMetrics } from '@app/observability';
import type { RoutePlanner } from './accept/accept-service';
import type { UpstreamCanceller } from './messages/message-queries';
import { Gateway, gatewaySettingsFromConfig } from './server/gateway';

export interface GatewayModuleOptions {
  /** Routing for the accept path; default: an empty Router (no routes until a routing table is loaded). */
  readonly router?: RoutePlanner;
  readonly upstreamCanceller?: UpstreamCanceller;
}

const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');

/** Starts the gateway when the application boots; stops it gracefully (unbind, drain) on shutdown. */
class GatewayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Gateway');

  constructor(@Inject(Gateway) private readonly gateway: Gateway) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.gateway.start();
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`stopping SMPP gateway${signal ? ` (${signal})` : ''}: unbinding tenants`);
    await this.gateway.stop();
  }
}

/** Expires reservations left unresolved past BILLING_RESERVATION_TTL_MS (safe with several instances). */
class ReservationSweeperLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(ReservationSweeper) private readonly sweeper: ReservationSweeper) {}

  onModuleInit(): void {
    this.sweeper.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.sweeper.stop();
  }
}

/**
 * The ESME-facing SMPP server as a Nest module. Needs ConfigModule and DatabaseModule (a DataSource) in the
 * application; exports the Gateway.
 */
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayModuleOptions = {}): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        {
          provide: Gateway,
          inject: [APP_CONFIG, DataSource, GATEWAY_OPTIONS, { token: SmscMetrics, optional: true }],
          useFactory: (
            config: AppConfig,
            dataSource: DataSource,
            moduleOptions: GatewayModuleOptions,
            metrics: SmscMetrics | undefined,
          ) =>
            new Gateway(
              gatewaySettingsFromConfig(config),
              {
                dataSource,
                ...(metrics === undefined ? {} : { metrics }),
                ...(moduleOptions.router ? { router: moduleOptions.router } : {}),
                ...(moduleOptions.upstreamCanceller
                  ? { upstreamCanceller: moduleOptions.upstreamCanceller }
                  : {}),
              },
              config,
            ),
        },
        GatewayLifecycle,
        {
          provide: ReservationSweeper,
          inject: [APP_CONFIG, DataSource],
          useFactory: (config: AppConfig, dataSource: DataSource) =>
            new ReservationSweeper({
              ledger: new LedgerRepository(dataSource, { reservationTtlMs: config.billingReservationTtlMs }),
              intervalMs: config.billingSweepIntervalMs,
            }),
        },
        ReservationSweeperLifecycle,
      ],
      exports: [Gateway],
    };
  }
}
