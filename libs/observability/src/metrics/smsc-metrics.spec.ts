import { Counter, Registry } from 'prom-client';
import { BoundedLabel, OTHER_LABEL, statLabel, statusLabel } from './labels';
import { METRIC_DEFINITIONS, METRIC_NAMES } from './metric-definitions';
import { ScrapeCache } from './scrape-cache';
import { SmscMetrics, type QueueDepth } from './smsc-metrics';
import type { DatabaseSnapshot, SqlQueryable } from './database-snapshot';

/** The sample lines of one metric in the text exposition, without HELP and TYPE. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('metric definitions', () => {
  it('names every metric once, in Prometheus syntax, with the smsc_ prefix and a unit suffix where it has one', () => {
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
    for (const definition of METRIC_DEFINITIONS) {
      expect(definition.name).toMatch(/^smsc_[a-z_]+[a-z]$/);
      if (definition.type === 'counter') expect(definition.name).toMatch(/_total$/);
      if (definition.type === 'histogram') expect(definition.name).toMatch(/_seconds$/);
      expect(definition.help.length).toBeGreaterThan(10);
    }
  });

  it('never labels by phone number, message id or text', () => {
    const forbidden = /addr|msisdn|phone|number|message|text|id$/;
    for (const definition of METRIC_DEFINITIONS) {
      for (const label of definition.labelNames) expect(label).not.toMatch(forbidden);
    }
  });
});

describe('labels', () => {
  it('names SMPP 3.4 statuses and collapses vendor codes', () => {
    expect(statusLabel(0)).toBe('ESME_ROK');
    expect(statusLabel(0x58)).toBe('ESME_RTHROTTLED');
    expect(statusLabel(0x4a1)).toBe(OTHER_LABEL);
    expect(statusLabel(0x400 + 7)).toBe(OTHER_LABEL);
  });

  it('normalises receipt stats and refuses free text', () => {
    expect(statLabel('DELIVRD')).toBe('DELIVRD');
    expect(statLabel('delivered')).toBe('DELIVRD');
    expect(statLabel('BUFFERD')).toBe('ENROUTE');
    expect(statLabel('+447700900123')).toBe(OTHER_LABEL);
  });

  it('keeps at most `limit` values and never a phone number or a long string', () => {
    const label = new BoundedLabel('tenant', 2);
    expect(label.value('+447700900123')).toBe(OTHER_LABEL);
    expect(label.value('447700900123')).toBe(OTHER_LABEL);
    expect(label.value('x'.repeat(65))).toBe(OTHER_LABEL);
    expect(label.value('has space')).toBe(OTHER_LABEL);
    expect(label.value('acme')).toBe('acme');
    expect(label.value('5f0c2a8e-0d5e-4e0e-9f7a-2b1c3d4e5f60')).toBe('5f0c2a8e-0d5e-4e0e-9f7a-2b1c3d4e5f60');
    expect(label.value('third')).toBe(OTHER_LABEL);
    expect(label.value('acme')).toBe('acme');
    expect(label.size).toBe(2);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new BoundedLabel('tenant', 0)).toThrow(RangeError);
  });
});

describe('SmscMetrics', () => {
  it('renders every product metric and the default process metrics', async () => {
    const metrics = new SmscMetrics();
    const text = await metrics.render();
    for (const name of METRIC_NAMES) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(metrics.contentType).toContain('text/plain');
  });

  it('refuses a registry that already holds one of its metrics', () => {
    const registry = new Registry();
    new SmscMetrics({ registry, defaultMetrics: false });
    expect(() => new SmscMetrics({ registry, defaultMetrics: false })).toThrow(
      'metric smsc_submits_total is already registered',
    );
  });

  it('counts submits by tenant, command and status name, observes latency and counts throttling once', async () => {
    const metrics = new SmscMetrics({ defaultMetrics: false });
    metrics.submitAnswered('acme', 'submit_sm', 0, 0.004);
    metrics.submitAnswered('acme', 'submit_sm', 0, 0.002);
    metrics.submitAnswered('acme', 'submit_sm', 0x58, 0.001);
    metrics.submitAnswered('+447700900123', 'data_sm', 0x4a1, 0.001);
    const text = await metrics.render();
    expect(samples(text, 'smsc_submits_total')).toEqual([
      'smsc_submits_total{tenant="acme",command="submit_sm",status="ESME_ROK"} 2',
      'smsc_submits_total{tenant="acme",command="submit_sm",status="ESME_RTHROTTLED"} 1',
      'smsc_submits_total{tenant="other",command="data_sm",status="other"} 1',
    ]);
    expect(text).toContain('smsc_submit_resp_seconds_count{command="submit_sm"} 3');
    expect(samples(text, 'smsc_throttling_events_total')).toEqual([
      'smsc_throttling_events_total{side="tenant",peer="acme"} 1',
    ]);
  });

  it('records the upstream side: submits, latency, DLRs with delay, orphans, duplicates, indeterminate, reroutes', async () => {
    const metrics = new SmscMetrics({ defaultMetrics: false });
    metrics.upstreamSubmitAnswered('infobip', 0, 0.08);
    metrics.upstreamSubmitAnswered('infobip', 0x58, 0.02);
    metrics.dlrReceived('infobip', 'ENROUTE', 'pending');
    metrics.dlrReceived('infobip', 'DELIVRD', 'delivered', 12);
    metrics.orphanDlr('infobip', 'early');
    metrics.duplicateDlr('infobip');
    metrics.indeterminateAttempt('mta');
    metrics.rerouted('mta');
    metrics.tenantDeliveryExpired('mo', 2);
    const text = await metrics.render();
    expect(samples(text, 'smsc_upstream_submits_total')).toEqual([
      'smsc_upstream_submits_total{provider="infobip",status="ESME_ROK"} 1',
      'smsc_upstream_submits_total{provider="infobip",status="ESME_RTHROTTLED"} 1',
    ]);
    expect(text).toContain('smsc_upstream_submit_seconds_count{provider="infobip"} 2');
    expect(samples(text, 'smsc_dlrs_total')).toEqual([
      'smsc_dlrs_total{provider="infobip",stat="ENROUTE",category="pending"} 1',
      'smsc_dlrs_total{provider="infobip",stat="DELIVRD",category="delivered"} 1',
    ]);
    expect(text).toContain('smsc_dlr_delay_seconds_bucket{le="30",provider="infobip"} 1');
    expect(text).toContain('smsc_dlr_delay_seconds_bucket{le="10",provider="infobip"} 0');
    expect(text).toContain('smsc_orphan_dlrs_total{provider="infobip",reason="early"} 1');
    expect(text).toContain('smsc_duplicate_dlrs_total{provider="infobip"} 1');
    expect(text).toContain('smsc_indeterminate_attempts_total{provider="mta"} 1');
    expect(text).toContain('smsc_reroutes_total{provider="mta"} 1');
    expect(text).toContain('smsc_throttling_events_total{side="upstream",peer="infobip"} 1');
    expect(text).toContain('smsc_tenant_deliveries_expired_total{kind="mo"} 2');
  });

  it('sets session gauges for every state and bind type, zero when absent, and bounds the window ratio', async () => {
    const metrics = new SmscMetrics({ defaultMetrics: false });
    metrics.tenantBinds('acme', { transceiver: 2 });
    metrics.providerSessions('infobip', { BOUND_TRX: 3, OPEN: 1 });
    metrics.windowOccupancy('upstream', 'infobip', 30, 20);
    metrics.windowOccupancy('tenant', 'acme', 5, 0);
    const text = await metrics.render();
    expect(samples(text, 'smsc_tenant_binds')).toEqual([
      'smsc_tenant_binds{tenant="acme",bind_type="transmitter"} 0',
      'smsc_tenant_binds{tenant="acme",bind_type="receiver"} 0',
      'smsc_tenant_binds{tenant="acme",bind_type="transceiver"} 2',
    ]);
    expect(samples(text, 'smsc_provider_sessions')).toHaveLength(6);
    expect(text).toContain('smsc_provider_sessions{provider="infobip",state="BOUND_TRX"} 3');
    expect(text).toContain('smsc_provider_sessions{provider="infobip",state="CLOSED"} 0');
    expect(text).toContain('smsc_window_occupancy_ratio{side="upstream",peer="infobip"} 1');
    expect(text).toContain('smsc_window_occupancy_ratio{side="tenant",peer="acme"} 0');
  });

  it('reads window sources at scrape: sessions summed per peer, bounded peers folded, gone peers removed', async () => {
    const metrics = new SmscMetrics({ defaultMetrics: false, maxTenants: 2 });
    metrics.windowOccupancy('upstream', 'infobip', 5, 10);
    let sessions = [
      { peer: 'acme', inFlight: 3, window: 10 },
      { peer: 'acme', inFlight: 1, window: 10 },
      { peer: 'beta', inFlight: 0, window: 10 },
      // Past maxTenants, and not a valid label value: both count as `other`, summed.
      { peer: 'gamma', inFlight: 2, window: 10 },
      { peer: '+447700900123', inFlight: 4, window: 10 },
    ];
    metrics.registerWindowSource('tenant', () => sessions);
    metrics.registerWindowSource('tenant_delivery', () => [{ peer: 'acme', inFlight: 9, window: 5 }]);
    const lines = async (): Promise<string[]> =>
      samples(await metrics.render(), 'smsc_window_occupancy_ratio').sort();
    expect(await lines()).toEqual([
      'smsc_window_occupancy_ratio{side="tenant",peer="acme"} 0.2',
      'smsc_window_occupancy_ratio{side="tenant",peer="beta"} 0',
      'smsc_window_occupancy_ratio{side="tenant",peer="other"} 0.3',
      'smsc_window_occupancy_ratio{side="tenant_delivery",peer="acme"} 1',
      'smsc_window_occupancy_ratio{side="upstream",peer="infobip"} 0.5',
    ]);
    sessions = [{ peer: 'beta', inFlight: 5, window: 10 }];
    expect(await lines()).toEqual([
      'smsc_window_occupancy_ratio{side="tenant",peer="beta"} 0.5',
      'smsc_window_occupancy_ratio{side="tenant_delivery",peer="acme"} 1',
      'smsc_window_occupancy_ratio{side="upstream",peer="infobip"} 0.5',
    ]);
  });

  it('owns smsc_tenant_deliveries_expired_total so that the delivery code reuses it from the same registry', () => {
    const metrics = new SmscMetrics({ defaultMetrics: false });
    // What DeliveryService's expiredCounter does with `registry: metrics.registry`.
    expect(metrics.registry.getSingleMetric('smsc_tenant_deliveries_expired_total')).toBeInstanceOf(Counter);
  });

  describe('collect-on-scrape sources', () => {
    const snapshotRows: Record<string, unknown[]> = {
      messages: [
        { status: 'queued', count: 7 },
        { status: 'accepted', count: '3' },
      ],
      outbox: [{ count: 4, age: 1.5 }],
      tenant_deliveries: [{ tenant: 'acme', kind: 'dlr', count: 2 }],
      reservations: [{ count: 9, age: 30 }],
    };

    function fakeDatabase(): SqlQueryable & { queries: number; failing: boolean } {
      const db = {
        queries: 0,
        failing: false,
        query(sql: string): Promise<unknown> {
          db.queries += 1;
          if (db.failing) return Promise.reject(new Error('connection refused'));
          const table = Object.keys(snapshotRows).find((name) => sql.includes(`FROM ${name}\n`));
          return Promise.resolve(table === undefined ? undefined : snapshotRows[table]);
        },
      };
      return db;
    }

    it('fills the Postgres gauges from one cached read per TTL, however many gauges and scrapes', async () => {
      let now = 0;
      const db = fakeDatabase();
      const metrics = new SmscMetrics({ defaultMetrics: false });
      metrics.registerDatabaseSource(db, { ttlMs: 1_000, now: () => now });
      const first = await metrics.render();
      await metrics.render();
      expect(db.queries).toBe(4);
      expect(samples(first, 'smsc_messages_pending')).toEqual([
        'smsc_messages_pending{status="queued"} 7',
        'smsc_messages_pending{status="accepted"} 3',
      ]);
      expect(first).toContain('smsc_outbox_unpublished 4');
      expect(first).toContain('smsc_outbox_lag_seconds 1.5');
      expect(first).toContain('smsc_tenant_deliveries_pending{tenant="acme",kind="dlr"} 2');
      expect(first).toContain('smsc_reservations_pending 9');
      expect(first).toContain('smsc_reservation_oldest_age_seconds 30');
      expect(first).toContain('smsc_scrape_source_up{source="database"} 1');

      now = 1_000;
      db.failing = true;
      const failed = await metrics.render();
      expect(db.queries).toBe(8);
      expect(samples(failed, 'smsc_messages_pending')).toEqual([]);
      expect(samples(failed, 'smsc_tenant_deliveries_pending')).toEqual([]);
      expect(failed).toContain('smsc_scrape_source_up{source="database"} 0');
    });

    it('fills the bus gauges from the registered queue source', async () => {
      const metrics = new SmscMetrics({ defaultMetrics: false });
      const queues: QueueDepth[] = [{ topic: 'send.infobip', ready: 12, consumers: 2 }];
      metrics.registerQueueSource(() => Promise.resolve(queues));
      const text = await metrics.render();
      expect(text).toContain('smsc_bus_queue_depth{topic="send.infobip"} 12');
      expect(text).toContain('smsc_bus_consumers{topic="send.infobip"} 2');
      expect(text).toContain('smsc_scrape_source_up{source="bus"} 1');
    });

    it('leaves the labelled gauges empty while no source is registered', async () => {
      const text = await new SmscMetrics({ defaultMetrics: false }).render();
      expect(samples(text, 'smsc_messages_pending')).toEqual([]);
      expect(samples(text, 'smsc_bus_queue_depth')).toEqual([]);
      expect(samples(text, 'smsc_scrape_source_up')).toEqual([]);
    });
  });
});

describe('ScrapeCache', () => {
  it('shares one read among concurrent callers', async () => {
    let loads = 0;
    let release: (value: DatabaseSnapshot['outboxUnpublished']) => void = () => undefined;
    const cache = new ScrapeCache(() => {
      loads += 1;
      return new Promise<number>((resolve) => (release = resolve));
    }, 1_000);
    const reads = [cache.read(), cache.read(), cache.read()];
    release(5);
    expect(await Promise.all(reads)).toEqual([
      { ok: true, value: 5 },
      { ok: true, value: 5 },
      { ok: true, value: 5 },
    ]);
    expect(loads).toBe(1);
  });

  it('refuses a negative TTL', () => {
    expect(() => new ScrapeCache(() => Promise.resolve(1), -1)).toThrow(RangeError);
  });
});
