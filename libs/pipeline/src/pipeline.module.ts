import {
  Inject,
  Logger,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { InProcessBus, OutboxRelay, RabbitMqBus, type Bus } from '@app/bus';
import { LedgerRepository } from '@app/billing';
import {
  ConnectorConfigError,
  ConnectorRuntime,
  connectorSettings,
  SessionStatusReporter,
} from '@app/connectors';
import { DeliveryService, Gateway, GatewayModule } from '@app/gateway';
import { SmscMetrics } from '@app/observability';
import { Router } from '@app/routing';
import { PROVIDER_PROFILES, type ProviderId } from '@app/providers';
import { Dispatcher } from './dispatcher';
import { FinalDlrSweeper } from './final-dlr-sweeper';
import { LeaseReclaimer } from './lease-reclaimer';
import { RoutingLoader } from './routing-loader';
import { tenantPolicyChannel } from './tenant-policy-channel';

export interface PipelineModuleOptions {
  /**
   * 'one-process': the connectors of every provider with credentials configured run here, with their
   * dispatchers. 'server': the smpp-server of distributed mode (connectors run in their own apps).
   */
  readonly mode: 'one-process' | 'server';
  /**
   * A message without a final receipt this long after acceptance gets the synthetic final state UNKNOWN; default
   * PIPELINE_FINAL_DLR_TIMEOUT_MS.
   */
  readonly finalDlrTimeoutMs?: number;
}

/** 48 hours (PIPELINE_FINAL_DLR_TIMEOUT_MS's default): the longest validity providers keep a message for. */
export const DEFAULT_FINAL_DLR_TIMEOUT_MS = 48 * 3_600_000;

const PIPELINE_OPTIONS = Symbol('PIPELINE_OPTIONS');

/** The bus of this process: RabbitMQ when RABBITMQ_URL is set, the in-process bus otherwise. */
export function busFromConfig(config: AppConfig): Bus {
  return config.rabbitmqUrl === undefined
    ? new InProcessBus()
    : new RabbitMqBus({ url: config.rabbitmqUrl, publishTimeoutMs: config.rabbitmqPublishTimeoutMs });
}

/** The data path around the gateway: routing, outbox relay, final-receipt timeout, in-process connectors. */
class PipelineLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Pipeline');
  private readonly bus: Bus;
  private readonly relay: OutboxRelay;
  private readonly sweeper: FinalDlrSweeper;
  private readonly reclaimer: LeaseReclaimer;
  private readonly connectors: ConnectorRuntime[] = [];
  private readonly reporters: SessionStatusReporter[] = [];
  private readonly dispatchers: Dispatcher[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Gateway) private readonly gateway: Gateway,
    @Inject(RoutingLoader) private readonly routing: RoutingLoader,
    @Inject(PIPELINE_OPTIONS) private readonly options: PipelineModuleOptions,
    @Optional() @Inject(SmscMetrics) private readonly metrics?: SmscMetrics,
  ) {
    this.bus = busFromConfig(config);
    this.relay = new OutboxRelay(dataSource, this.bus, {
      batchSize: config.outboxBatchSize,
      pollMs: config.outboxPollMs,
    });
    const finalDlrTimeoutMs = options.finalDlrTimeoutMs ?? config.pipelineFinalDlrTimeoutMs;
    this.sweeper = new FinalDlrSweeper({
      dataSource,
      delivery: this.delivery(),
      billing: new LedgerRepository(dataSource),
      timeoutMs: finalDlrTimeoutMs,
      intervalMs: Math.min(60_000, finalDlrTimeoutMs),
    });
    // In one process the connectors of every provider run here: all providers' unanswered attempts are ours.
    this.reclaimer = new LeaseReclaimer(dataSource, { leaseMs: 2 * config.smppResponseTimeoutMs });
  }

  async onModuleInit(): Promise<void> {
    await this.routing.start();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.mode === 'one-process') {
      this.reclaimer.start();
      await this.startConnectors();
    }
    this.relay.start();
    this.sweeper.start();
    this.logger.log(
      `${this.options.mode === 'one-process' ? 'one process' : 'distributed'}: ` +
        `${this.config.rabbitmqUrl === undefined ? 'in-process bus' : 'RabbitMQ bus'}, outbox relay started`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.dispatchers.map((dispatcher) => dispatcher.stop()));
    await Promise.all(this.connectors.map((connector) => connector.stop()));
    await Promise.all(this.reporters.map((reporter) => reporter.stop()));
    await this.reclaimer.stop();
    await this.relay.stop();
    await this.sweeper.stop();
    await this.routing.stop();
    await this.bus.close();
  }

  private delivery(): DeliveryService {
    const delivery = this.gateway.delivery;
    if (!(delivery instanceof DeliveryService))
      throw new Error('the pipeline needs the gateway DeliveryService');
    return delivery;
  }

  private async startConnectors(): Promise<void> {
    const billing = new LedgerRepository(this.dataSource);
    for (const provider of Object.keys(PROVIDER_PROFILES) as ProviderId[]) {
      let settings;
      try {
        settings = connectorSettings(this.config, provider);
      } catch (error) {
        if (error instanceof ConnectorConfigError) continue;
        throw error;
      }
      const runtime = new ConnectorRuntime({
        profile: PROVIDER_PROFILES[provider],
        ...settings,
        responseTimeoutMs: this.config.smppResponseTimeoutMs,
        dataSource: this.dataSource,
        delivery: this.delivery(),
        billing,
        ...(this.metrics === undefined ? {} : { metrics: this.metrics }),
      });
      runtime.start();
      this.connectors.push(runtime);
      // The admin API shows these sessions from provider_sessions, as for the connector apps.
      const reporter = new SessionStatusReporter({
        dataSource: this.dataSource,
        runtime,
        windowSize: settings.windowSize,
      });
      reporter.start();
      this.reporters.push(reporter);
      const dispatcher = new Dispatcher({
        dataSource: this.dataSource,
        bus: this.bus,
        sender: runtime,
        prefetch: settings.windowSize * settings.sessions,
        delivery: this.delivery(),
        billing,
        onOutboxWritten: () => this.relay.wake(),
        ...(this.metrics === undefined ? {} : { metrics: this.metrics }),
      });
      await dispatcher.start();
      this.dispatchers.push(dispatcher);
      this.logger.log(
        `connector ${provider}: ${settings.sessions} session(s), window ${settings.windowSize}`,
      );
    }
  }
}

/**
 * The gateway with its data path, for apps/aggregator ('one-process') and apps/smpp-server ('server'). Needs
 * ConfigModule and DatabaseModule in the application; exports the Gateway.
 */
@Module({})
export class PipelineModule {
  static forRoot(options: PipelineModuleOptions): DynamicModule {
    const router = new Router();
    return {
      module: PipelineModule,
      imports: [GatewayModule.forRoot({ router })],
      providers: [
        { provide: PIPELINE_OPTIONS, useValue: options },
        {
          provide: RoutingLoader,
          inject: [DataSource, Gateway, APP_CONFIG],
          // Its LISTEN connection also carries tenant policy changes to this process's SMPP gateway.
          useFactory: (dataSource: DataSource, gateway: Gateway, config: AppConfig) =>
            new RoutingLoader(dataSource, router, {
              checkMs: 1_000,
              reloadMs: config.routingRefreshIntervalMs,
              channels: tenantPolicyChannel(gateway.server),
            }),
        },
        PipelineLifecycle,
      ],
      exports: [GatewayModule],
    };
  }
}
