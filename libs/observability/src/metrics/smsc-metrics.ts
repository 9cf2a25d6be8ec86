import type { DlrCategory } from '@app/providers';
import type { BindType, SessionState } from '@app/smpp';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { BoundedLabel, statLabel, statusLabel } from './labels';
import { METRIC_DEFINITIONS, type MetricDefinition, type MetricName } from './metric-definitions';
import { readDatabaseSnapshot, type DatabaseSnapshot, type SqlQueryable } from './database-snapshot';
import { ScrapeCache, type ScrapeResult } from './scrape-cache';

/** Commands through which a tenant submits a message. */
export type SubmitCommand = 'submit_sm' | 'data_sm' | 'submit_multi';
export type OrphanDlrReason = 'early' | 'unknown' | 'expired';
export type TenantDeliveryKindLabel = 'dlr' | 'mo';
export type ThrottlingSide = 'upstream' | 'tenant';
/**
 * Whose window: `upstream` our submits to a provider, `tenant` a tenant's submits to us (the inbound window of its
 * sessions), `tenant_delivery` our deliver_sm (DLRs, MO) to a tenant awaiting deliver_sm_resp.
 */
export type WindowSide = ThrottlingSide | 'tenant_delivery';

/** One peer's window, summed over its sessions in this process. */
export interface WindowSample {
  /** Tenant id (tenant sides) or provider id (upstream). */
  readonly peer: string;
  readonly inFlight: number;
  readonly window: number;
}

const SESSION_STATES: readonly SessionState[] = [
  'OPEN',
  'BOUND_TX',
  'BOUND_RX',
  'BOUND_TRX',
  'UNBINDING',
  'CLOSED',
];
const BIND_TYPES: readonly BindType[] = ['transmitter', 'receiver', 'transceiver'];

/** One bus topic's queue as the bus reports it (`Bus.health`). */
export interface QueueDepth {
  readonly topic: string;
  readonly ready: number;
  readonly consumers: number;
}

export interface SmscMetricsOptions {
  /** Default a new registry; pass one to share it (tests, or an app that already has one). */
  readonly registry?: Registry;
  /** Register prom-client's default process metrics (CPU, memory, event loop lag, GC). Default true. */
  readonly defaultMetrics?: boolean;
  /** Distinct tenants kept as label values before further ones count as `other`. Default 10 000. */
  readonly maxTenants?: number;
  /** Distinct providers kept as label values. Default 500. */
  readonly maxProviders?: number;
  /** Distinct bus topics kept as label values. Default 1 000. */
  readonly maxTopics?: number;
}

export interface ScrapeSourceOptions {
  /** A scrape within this long of the last read reuses it. Default 5 000 ms. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

/** Refills one gauge when it is scraped. */
type GaugeFill = (gauge: Gauge<string>) => Promise<void>;

function create(definition: MetricDefinition, registry: Registry, fill: GaugeFill | undefined): AnyMetric {
  const common = {
    name: definition.name,
    help: definition.help,
    labelNames: [...definition.labelNames],
    registers: [registry],
  };
  switch (definition.type) {
    case 'counter':
      return new Counter(common);
    case 'gauge':
      return new Gauge({
        ...common,
        ...(fill === undefined
          ? {}
          : {
              collect(this: Gauge<string>): Promise<void> {
                return fill(this);
              },
            }),
      });
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(definition.buckets ?? [])] });
  }
}

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** In flight over window, 0 to 1 (0 for an empty window). */
function ratio(inFlight: number, window: number): number {
  return window > 0 ? Math.min(1, nonNegative(inFlight) / window) : 0;
}

/**
 * The product's metrics over one registry, behind typed helpers: every label value goes through a bounded
 * mapping (`BoundedLabel`, `statusLabel`, `statLabel`) or a closed union type, so no call site can create a series
 * per message or per subscriber. Create one per process (`ObservabilityModule` does).
 */
export class SmscMetrics {
  readonly registry: Registry;
  private readonly metrics = new Map<MetricName, AnyMetric>();
  private readonly tenants: BoundedLabel;
  private readonly providers: BoundedLabel;
  private readonly topics: BoundedLabel;
  private database: ScrapeCache<DatabaseSnapshot> | undefined;
  private queues: ScrapeCache<readonly QueueDepth[]> | undefined;
  private readonly windowSources = new Map<WindowSide, () => Iterable<WindowSample>>();
  /** Label values each window source set at the last scrape, so that a peer gone since is removed. */
  private readonly windowPeers = new Map<WindowSide, Set<string>>();

  constructor(options: SmscMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.tenants = new BoundedLabel('tenant', options.maxTenants ?? 10_000);
    this.providers = new BoundedLabel('provider', options.maxProviders ?? 500);
    this.topics = new BoundedLabel('topic', options.maxTopics ?? 1_000);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const fills = this.scrapeFills();
    for (const definition of METRIC_DEFINITIONS) {
      if (this.registry.getSingleMetric(definition.name) !== undefined) {
        throw new Error(`metric ${definition.name} is already registered in this registry`);
      }
      this.metrics.set(definition.name, create(definition, this.registry, fills[definition.name]));
    }
  }

  /** The metrics in Prometheus text exposition format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A tenant submit answered: `status` is the response command_status (0: accepted). */
  submitAnswered(tenantId: string, command: SubmitCommand, status: number, seconds: number): void {
    this.counter('smsc_submits_total').inc({
      tenant: this.tenants.value(tenantId),
      command,
      status: statusLabel(status),
    });
    this.histogram('smsc_submit_resp_seconds').observe({ command }, nonNegative(seconds));
    if (status === 0x58) this.throttled('tenant', tenantId);
  }

  /** A provider's submit_sm_resp arrived `seconds` after the submit_sm. */
  upstreamSubmitAnswered(providerId: string, status: number, seconds: number): void {
    const provider = this.providers.value(providerId);
    this.counter('smsc_upstream_submits_total').inc({ provider, status: statusLabel(status) });
    this.histogram('smsc_upstream_submit_seconds').observe({ provider }, nonNegative(seconds));
    if (status === 0x58) this.throttled('upstream', providerId);
  }

  /** A receipt correlated to its message; `delaySeconds` (submit to this receipt) only for a final one. */
  dlrReceived(providerId: string, stat: string, category: DlrCategory, delaySeconds?: number): void {
    const provider = this.providers.value(providerId);
    this.counter('smsc_dlrs_total').inc({ provider, stat: statLabel(stat), category });
    if (delaySeconds !== undefined) {
      this.histogram('smsc_dlr_delay_seconds').observe({ provider }, nonNegative(delaySeconds));
    }
  }

  orphanDlr(providerId: string, reason: OrphanDlrReason): void {
    this.counter('smsc_orphan_dlrs_total').inc({ provider: this.providers.value(providerId), reason });
  }

  duplicateDlr(providerId: string): void {
    this.counter('smsc_duplicate_dlrs_total').inc({ provider: this.providers.value(providerId) });
  }

  indeterminateAttempt(providerId: string): void {
    this.counter('smsc_indeterminate_attempts_total').inc({ provider: this.providers.value(providerId) });
  }

  /** A message left `fromProviderId` for the next provider of its plan. */
  rerouted(fromProviderId: string): void {
    this.counter('smsc_reroutes_total').inc({ provider: this.providers.value(fromProviderId) });
  }

  /**
   * An ESME_RTHROTTLED outside a submit response (e.g. a throttled data_sm upstream). Submit responses are
   * counted by `submitAnswered` and `upstreamSubmitAnswered` already.
   */
  throttled(side: ThrottlingSide, peerId: string): void {
    const peer = side === 'tenant' ? this.tenants.value(peerId) : this.providers.value(peerId);
    this.counter('smsc_throttling_events_total').inc({ side, peer });
  }

  tenantDeliveryExpired(kind: TenantDeliveryKindLabel, count = 1): void {
    this.counter('smsc_tenant_deliveries_expired_total').inc({ kind }, count);
  }

  /** Unanswered requests `inFlight` over `window` (both summed over the peer's sessions). */
  windowOccupancy(side: WindowSide, peerId: string, inFlight: number, window: number): void {
    this.gauge('smsc_window_occupancy_ratio').set(
      { side, peer: this.windowPeer(side, peerId) },
      ratio(inFlight, window),
    );
  }

  /**
   * Sets `side`'s window occupancy when scraped, from `read` (synchronous and cheap: e.g. the sessions' own counters),
   * one series per peer with its sessions summed; a peer absent from the read loses its series. Replaces an earlier
   * source of the same side; series of other sides (set with `windowOccupancy`) are left alone.
   */
  registerWindowSource(side: WindowSide, read: () => Iterable<WindowSample>): void {
    this.windowSources.set(side, read);
  }

  /** The tenant's bound sessions now, by bind type; absent types are set to 0. */
  tenantBinds(tenantId: string, counts: Partial<Record<BindType, number>>): void {
    const tenant = this.tenants.value(tenantId);
    for (const bindType of BIND_TYPES) {
      this.gauge('smsc_tenant_binds').set(
        { tenant, bind_type: bindType },
        nonNegative(counts[bindType] ?? 0),
      );
    }
  }

  /** The provider's sessions now, by state; absent states are set to 0. */
  providerSessions(providerId: string, counts: Partial<Record<SessionState, number>>): void {
    const provider = this.providers.value(providerId);
    for (const state of SESSION_STATES) {
      this.gauge('smsc_provider_sessions').set({ provider, state }, nonNegative(counts[state] ?? 0));
    }
  }

  /**
   * Fills the Postgres-derived gauges (pending messages, outbox, pending tenant deliveries, reservations) when
   * scraped, reading at most once per `ttlMs` however often Prometheus scrapes. Replaces an earlier source.
   */
  registerDatabaseSource(db: SqlQueryable, options: ScrapeSourceOptions = {}): void {
    this.database = new ScrapeCache(() => readDatabaseSnapshot(db), options.ttlMs ?? 5_000, options.now);
  }

  /** Fills the bus queue gauges when scraped, e.g. from `Bus.health(topic)` over the app's topics. */
  registerQueueSource(read: () => Promise<readonly QueueDepth[]>, options: ScrapeSourceOptions = {}): void {
    this.queues = new ScrapeCache(read, options.ttlMs ?? 5_000, options.now);
  }

  /** The prom-client metric behind a name, for tests and for code that must hand a `Metric` to a library. */
  metric(name: MetricName): Metric<string> {
    const metric = this.metrics.get(name);
    if (metric === undefined) throw new Error(`unknown metric ${name}`);
    return metric;
  }

  private windowPeer(side: WindowSide, peerId: string): string {
    return side === 'upstream' ? this.providers.value(peerId) : this.tenants.value(peerId);
  }

  /** Refreshes the series of every registered window source (peers folded into `other` are summed). */
  private fillWindows(gauge: Gauge<string>): void {
    for (const [side, read] of this.windowSources) {
      const sums = new Map<string, { inFlight: number; window: number }>();
      for (const sample of read()) {
        const peer = this.windowPeer(side, sample.peer);
        const sum = sums.get(peer) ?? { inFlight: 0, window: 0 };
        sum.inFlight += nonNegative(sample.inFlight);
        sum.window += nonNegative(sample.window);
        sums.set(peer, sum);
      }
      for (const peer of this.windowPeers.get(side) ?? []) {
        if (!sums.has(peer)) gauge.remove({ side, peer });
      }
      for (const [peer, sum] of sums) gauge.set({ side, peer }, ratio(sum.inFlight, sum.window));
      this.windowPeers.set(side, new Set(sums.keys()));
    }
  }

  private counter(name: MetricName): Counter<string> {
    return this.metric(name) as Counter<string>;
  }

  private gauge(name: MetricName): Gauge<string> {
    return this.metric(name) as Gauge<string>;
  }

  private histogram(name: MetricName): Histogram<string> {
    return this.metric(name) as Histogram<string>;
  }

  private async readSource<T>(
    source: 'database' | 'bus',
    cache: ScrapeCache<T> | undefined,
  ): Promise<T | undefined> {
    if (cache === undefined) return undefined;
    const result: ScrapeResult<T> = await cache.read();
    this.gauge('smsc_scrape_source_up').set({ source }, result.ok ? 1 : 0);
    return result.ok ? result.value : undefined;
  }

  /**
   * The collect-on-scrape gauges: each is reset and refilled from its source's cached read when scraped, so a
   * label that vanished (a drained tenant queue) disappears too, and a failed read leaves the gauge empty.
   */
  private scrapeFills(): Partial<Record<MetricName, GaugeFill>> {
    const fromDatabase =
      (fill: (snapshot: DatabaseSnapshot, gauge: Gauge<string>) => void): GaugeFill =>
      async (gauge) => {
        const snapshot = await this.readSource('database', this.database);
        gauge.reset();
        if (snapshot !== undefined) fill(snapshot, gauge);
      };
    const fromQueues =
      (value: (queue: QueueDepth) => number): GaugeFill =>
      async (gauge) => {
        const queues = await this.readSource('bus', this.queues);
        gauge.reset();
        for (const queue of queues ?? [])
          gauge.set({ topic: this.topics.value(queue.topic) }, nonNegative(value(queue)));
      };
    return {
      smsc_messages_pending: fromDatabase((snapshot, gauge) => {
        for (const { status, count } of snapshot.messagesPending) gauge.set({ status }, count);
      }),
      smsc_outbox_unpublished: fromDatabase((snapshot, gauge) => gauge.set(snapshot.outboxUnpublished)),
      smsc_outbox_lag_seconds: fromDatabase((snapshot, gauge) => gauge.set(snapshot.outboxLagSeconds)),
      smsc_tenant_deliveries_pending: fromDatabase((snapshot, gauge) => {
        for (const { tenant, kind, count } of snapshot.tenantDeliveriesPending) {
          gauge.inc({ tenant: this.tenants.value(tenant), kind }, count);
        }
      }),
      smsc_reservations_pending: fromDatabase((snapshot, gauge) => gauge.set(snapshot.reservationsPending)),
      smsc_reservation_oldest_age_seconds: fromDatabase((snapshot, gauge) =>
        gauge.set(snapshot.reservationOldestAgeSeconds),
      ),
      smsc_scrape_source_up: async () => {
        // Reads the same cached results as the gauges above, so it reports the read their values came from.
        await Promise.all([this.readSource('database', this.database), this.readSource('bus', this.queues)]);
      },
      smsc_window_occupancy_ratio: (gauge) => {
        this.fillWindows(gauge);
        return Promise.resolve();
      },
      smsc_bus_queue_depth: fromQueues((queue) => queue.ready),
      smsc_bus_consumers: fromQueues((queue) => queue.consumers),
    };
  }
}
