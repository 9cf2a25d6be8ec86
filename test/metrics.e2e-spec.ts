import { CommandStatus } from '@app/smpp';
import { createTestDatabase, type RunningApp, type TestDatabase } from '@app/testing';
import { eventually, finalReceiptCounts, receiptCollector } from './pipeline/pipeline-fixture';
import {
  sandboxEnvironment,
  startSandboxApp,
  stopApp,
  type SandboxEnvironment,
} from './sandbox/sandbox-fixture';

/** Sum of the samples of `name` whose labels include every pair of `labels` (Prometheus text format). */
function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const sample = new Map([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => sample.get(key) === value)) sum += Number(match[3]);
  }
  return sum;
}

/** Last digit 0: delivered; 1: undeliverable (the simulators' script). */
const DESTINATIONS = ['447700900010', '447700900020', '4520000030', '447700900041', '4520000051'];

describe('/metrics after traffic through the sandbox aggregator', () => {
  jest.setTimeout(180_000);
  let database: TestDatabase;
  let sandbox: SandboxEnvironment;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    sandbox = await sandboxEnvironment(database.url);
  });
  afterAll(async () => {
    await stopApp(app);
    await database?.drop();
  });

  const scrape = async (): Promise<string> => {
    const response = await fetch(`http://127.0.0.1:${sandbox.httpPort}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('counts every accepted submit, upstream submit, receipt by stat and bind; pending and outbox gauges return to 0', async () => {
    const started = await startSandboxApp(sandbox.env);
    app = started.app;
    const { client, receipts } = await receiptCollector(started.bind.port, 'transceiver', started.bind);
    expect(sampleSum(await scrape(), 'smsc_tenant_binds', { bind_type: 'transceiver' })).toBe(1);
    const ids: string[] = [];
    for (const destination of DESTINATIONS) {
      const response = await client.submit({
        source_addr: '4512345678',
        destination_addr: destination,
        registered_delivery: 1,
        short_message: 'metrics',
      });
      expect(response.command_status).toBe(CommandStatus.ESME_ROK);
      ids.push(response.message_id!);
    }
    // No route for a destination outside every deck: answered, and counted under its status.
    const refused = await client.submit({
      source_addr: '4512345678',
      destination_addr: '0000',
      registered_delivery: 1,
      short_message: 'metrics',
    });
    expect(refused.command_status).not.toBe(CommandStatus.ESME_ROK);
    await eventually(
      'a final receipt for every message',
      () => Promise.resolve(ids.every((id) => finalReceiptCounts(receipts).has(id))),
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${JSON.stringify(receipts)}\n${app?.output() ?? ''}`);
    });

    const text = await scrape();
    expect(sampleSum(text, 'smsc_submits_total', { status: 'ESME_ROK', command: 'submit_sm' })).toBe(
      DESTINATIONS.length,
    );
    expect(sampleSum(text, 'smsc_submits_total')).toBe(DESTINATIONS.length + 1);
    expect(sampleSum(text, 'smsc_submit_resp_seconds_count')).toBe(DESTINATIONS.length + 1);
    // The receipts the tenant got, by final stat, are what the script says.
    const stats = ids.map((id) => receipts.find((r) => r.final && r.messageId === id)?.stat);
    expect(stats).toEqual(['DELIVRD', 'DELIVRD', 'DELIVRD', 'UNDELIV', 'UNDELIV']);
    // Upstream, each message was one accepted submit_sm, and each final receipt was counted by its stat before the
    // tenant's copy was queued.
    expect(sampleSum(text, 'smsc_upstream_submits_total', { status: 'ESME_ROK' })).toBe(DESTINATIONS.length);
    expect(sampleSum(text, 'smsc_upstream_submit_seconds_count')).toBe(
      sampleSum(text, 'smsc_upstream_submits_total'),
    );
    expect(sampleSum(text, 'smsc_dlrs_total', { stat: 'DELIVRD' })).toBe(3);
    expect(sampleSum(text, 'smsc_dlrs_total', { stat: 'UNDELIV' })).toBe(2);
    expect(sampleSum(text, 'smsc_dlr_delay_seconds_count')).toBe(DESTINATIONS.length);
    expect(sampleSum(text, 'smsc_duplicate_dlrs_total')).toBe(0);
    expect(sampleSum(text, 'smsc_indeterminate_attempts_total')).toBe(0);
    const bound = ['BOUND_TX', 'BOUND_RX', 'BOUND_TRX'].map((state) =>
      sampleSum(text, 'smsc_provider_sessions', { state }),
    );
    expect(bound.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);

    // Database-derived gauges are cached for up to 5 s per scrape: poll until they settle.
    let last = '';
    await eventually(
      'pending, outbox and tenant-delivery gauges at 0',
      async () => {
        last = await scrape();
        return (
          sampleSum(last, 'smsc_messages_pending') === 0 &&
          sampleSum(last, 'smsc_outbox_unpublished') === 0 &&
          sampleSum(last, 'smsc_tenant_deliveries_pending') === 0 &&
          sampleSum(last, 'smsc_scrape_source_up', { source: 'database' }) === 1
        );
      },
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${last}`);
    });

    await client.close();
    await eventually('the bind gauge back to 0', async () => {
      last = await scrape();
      return sampleSum(last, 'smsc_tenant_binds') === 0;
    });
  });
});
