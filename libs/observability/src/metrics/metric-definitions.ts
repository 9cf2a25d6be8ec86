/**
 * Every metric of the product, in one place: name, type, labels and meaning. `SmscMetrics` creates exactly these,
 * the dashboard test checks its queries against them, and the README's metrics list is this table.
 *
 * Labels are bounded: tenant and provider are ids from the operator's own tables, status is a command_status
 * name, stat a receipt stat, category our DLR category; never a phone number, a message id or free text.
 */
export interface MetricDefinition {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Histogram buckets, in seconds. */
  readonly buckets?: readonly number[];
  /** Filled when scraped, from Postgres (`registerDatabaseSource`) or the bus (`registerQueueSource`). */
  readonly collectedOnScrape?: 'database' | 'bus';
}

/** Tenant-facing submit_sm_resp: accepting is a local durable write, so milliseconds, with a tail for batches. */
const SUBMIT_RESP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Upstream submit_sm to submit_sm_resp: a network round trip to the provider, up to its response timeout. */
const UPSTREAM_SUBMIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Submit to final DLR: seconds for a handset that is on, up to the 48 h default validity. */
const DLR_DELAY_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 86_400, 172_800];

export const METRIC_DEFINITIONS = [
  {
    name: 'smsc_submits_total',
    type: 'counter',
    help: 'Submits from tenants answered, by tenant, command (submit_sm, data_sm, submit_multi) and response command_status (ESME_ROK: accepted)',
    labelNames: ['tenant', 'command', 'status'],
  },
  {
    name: 'smsc_submit_resp_seconds',
    type: 'histogram',
    help: 'Time from a tenant submit received to its response sent, by command',
    labelNames: ['command'],
    buckets: SUBMIT_RESP_BUCKETS,
  },
  {
    name: 'smsc_upstream_submits_total',
    type: 'counter',
    help: 'submit_sm sent to providers and answered, by provider and submit_sm_resp command_status',
    labelNames: ['provider', 'status'],
  },
  {
    name: 'smsc_upstream_submit_seconds',
    type: 'histogram',
    help: 'Time from submit_sm sent to a provider to its submit_sm_resp, by provider',
    labelNames: ['provider'],
    buckets: UPSTREAM_SUBMIT_BUCKETS,
  },
  {
    name: 'smsc_dlrs_total',
    type: 'counter',
    help: 'Delivery receipts received from providers and correlated, by provider, stat and our error category',
    labelNames: ['provider', 'stat', 'category'],
  },
  {
    name: 'smsc_dlr_delay_seconds',
    type: 'histogram',
    help: 'Time from a message accepted to its final delivery receipt, by provider',
    labelNames: ['provider'],
    buckets: DLR_DELAY_BUCKETS,
  },
  {
    name: 'smsc_orphan_dlrs_total',
    type: 'counter',
    help: 'Receipts not correlated on arrival, by provider and reason (early: parked before its submit_sm_resp; unknown: no attempt has its id; expired: dropped unmatched)',
    labelNames: ['provider', 'reason'],
  },
  {
    name: 'smsc_duplicate_dlrs_total',
    type: 'counter',
    help: 'Receipts for a message that already had a final outcome, by provider',
    labelNames: ['provider'],
  },
  {
    name: 'smsc_indeterminate_attempts_total',
    type: 'counter',
    help: 'Upstream attempts without a submit_sm_resp (session lost, response timeout), by provider',
    labelNames: ['provider'],
  },
  {
    name: 'smsc_reroutes_total',
    type: 'counter',
    help: 'Messages sent on to the next provider of their route plan, by the provider they left',
    labelNames: ['provider'],
  },
  {
    name: 'smsc_throttling_events_total',
    type: 'counter',
    help: 'ESME_RTHROTTLED, by side (upstream: a provider throttled us; tenant: we throttled a tenant) and peer (provider or tenant id)',
    labelNames: ['side', 'peer'],
  },
  {
    name: 'smsc_tenant_deliveries_expired_total',
    type: 'counter',
    help: 'DLRs and MO that expired unsent after their retention, by kind (dlr, mo)',
    labelNames: ['kind'],
  },
  {
    name: 'smsc_window_occupancy_ratio',
    type: 'gauge',
    help: "Unanswered requests over the window, 0 to 1, by side (upstream: our submits to a provider; tenant: a tenant's submits to us; tenant_delivery: our deliver_sm to a tenant) and peer",
    labelNames: ['side', 'peer'],
  },
  {
    name: 'smsc_tenant_binds',
    type: 'gauge',
    help: 'Bound tenant SMPP sessions, by tenant and bind type',
    labelNames: ['tenant', 'bind_type'],
  },
  {
    name: 'smsc_provider_sessions',
    type: 'gauge',
    help: 'Upstream SMPP sessions, by provider and session state (OPEN, BOUND_TX, BOUND_RX, BOUND_TRX, UNBINDING, CLOSED)',
    labelNames: ['provider', 'state'],
  },
  {
    name: 'smsc_bus_queue_depth',
    type: 'gauge',
    help: 'Messages waiting in a bus topic, not yet delivered to a consumer',
    labelNames: ['topic'],
    collectedOnScrape: 'bus',
  },
  {
    name: 'smsc_bus_consumers',
    type: 'gauge',
    help: 'Consumers attached to a bus topic',
    labelNames: ['topic'],
    collectedOnScrape: 'bus',
  },
  {
    name: 'smsc_messages_pending',
    type: 'gauge',
    help: 'Messages not yet handed to a provider, by status (accepted, scheduled, queued)',
    labelNames: ['status'],
    collectedOnScrape: 'database',
  },
  {
    name: 'smsc_outbox_unpublished',
    type: 'gauge',
    help: 'Outbox rows not yet published to the bus',
    labelNames: [],
    collectedOnScrape: 'database',
  },
  {
    name: 'smsc_outbox_lag_seconds',
    type: 'gauge',
    help: 'Age of the oldest unpublished outbox row (0 when none)',
    labelNames: [],
    collectedOnScrape: 'database',
  },
  {
    name: 'smsc_tenant_deliveries_pending',
    type: 'gauge',
    help: 'DLRs and MO waiting for delivery to their tenant, by tenant and kind',
    labelNames: ['tenant', 'kind'],
    collectedOnScrape: 'database',
  },
  {
    name: 'smsc_reservations_pending',
    type: 'gauge',
    help: "Balance reservations waiting for their message's final outcome",
    labelNames: [],
    collectedOnScrape: 'database',
  },
  {
    name: 'smsc_reservation_oldest_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest pending balance reservation (0 when none)',
    labelNames: [],
    collectedOnScrape: 'database',
  },
  {
    name: 'smsc_scrape_source_up',
    type: 'gauge',
    help: 'Whether the last read of a collect-on-scrape source succeeded (1) or failed (0), by source (database, bus)',
    labelNames: ['source'],
  },
] as const satisfies readonly MetricDefinition[];

export type MetricName = (typeof METRIC_DEFINITIONS)[number]['name'];

/** Names of every metric the product defines (not the default process metrics). */
export const METRIC_NAMES: readonly MetricName[] = METRIC_DEFINITIONS.map((definition) => definition.name);
