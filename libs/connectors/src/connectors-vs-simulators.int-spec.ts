import type { ProviderId } from '@app/providers';
import type { ProviderSim } from '@app/provider-sim';
import { CommandStatus, createPdu, SmppClient, type SmppSession } from '@app/smpp';
import type { ConnectorRuntime } from './connector-runtime';
import { parseIndeterminatePolicy } from './indeterminate-policy';
import {
  attemptStatuses,
  eventually,
  finalReceipts,
  messageRow,
  openConnectorTestDatabase,
  queueMessage,
  type ConnectorTestDatabase,
} from './testing/harness';
import { simHost, startSim, startSimConnector } from './testing/sim-connector';

jest.setTimeout(20_000);

/** What each provider's simulator answers (libs/provider-sim dialects) and how its profile classifies it. */
const PROVIDERS: ReadonlyArray<{
  provider: ProviderId;
  /** Outcome of destination digit 2, the provider's "invalid destination" reject. */
  rejected: { kind: 'failed' | 'reroute'; commandStatus?: number };
  /**
   * Our err for the simulator's UNDELIV receipt: Infobip network_error_code 030001 → unknown subscriber (201);
   * GatewayAPI err 019 = 0x1013 absent subscriber (101); MTA and LabsMobile publish no codes → 299.
   */
  undeliverableErr: string;
}> = [
  { provider: 'infobip', rejected: { kind: 'failed', commandStatus: 0x0b }, undeliverableErr: '201' },
  { provider: 'gatewayapi', rejected: { kind: 'failed', commandStatus: 0x0b }, undeliverableErr: '101' },
  { provider: 'mta', rejected: { kind: 'failed', commandStatus: 0x0e }, undeliverableErr: '299' },
  // 004_*.txt: ESME_RUNKNOWNERR (bare 16-octet PDU) may be balance, destination or content: try another route.
  { provider: 'labsmobile', rejected: { kind: 'reroute' }, undeliverableErr: '299' },
];

describe.each(PROVIDERS)(
  'connector against the $provider simulator',
  ({ provider, rejected, undeliverableErr }) => {
    let context: ConnectorTestDatabase;
    let sim: ProviderSim;
    let runtime: ConnectorRuntime | undefined;
    const number = (digit: number) => `4520000${String(Date.now() % 1000).padStart(3, '0')}${digit}`;
    const source = { type: 'number', number: '4512345678' } as const;
    const queue = (digit: number) => queueMessage(context, number(digit), { source });

    // A database per test: every simulator numbers its message ids from the start.
    beforeEach(async () => {
      context = await openConnectorTestDatabase(provider);
      sim = await startSim(provider);
    });
    afterEach(async () => {
      await runtime?.stop();
      runtime = undefined;
      await sim.stop();
      await context.db.drop();
    });

    it('binds several sessions, sends, and takes each receipt stat into our state exactly once', async () => {
      runtime = startSimConnector(context, sim, { sessions: 2 });
      await runtime.whenBound(2);
      expect(sim.sessions()).toBe(2);
      const cases: Array<[digit: number, status: string]> = [
        [0, 'delivered'],
        [1, 'undeliverable'],
        [3, 'expired'],
        [7, 'delivered'],
      ];
      const messages = await Promise.all(cases.map(([digit]) => queue(digit)));
      const outcomes = await Promise.all(messages.map((m) => runtime!.send(m)));
      expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
      for (const [index, [, status]] of cases.entries()) {
        const id = messages[index].message.id;
        await eventually(async () => (await messageRow(context, id)).final);
        expect(await messageRow(context, id)).toMatchObject({ status, final: true });
        expect(await finalReceipts(context, id)).toBe(1);
        expect(await attemptStatuses(context, id)).toEqual(['accepted']);
      }
      expect((await messageRow(context, messages[1].message.id)).error_code).toBe(undeliverableErr);
      expect((await messageRow(context, messages[0].message.id)).error_code).toBe('000');
      // Digit 7's first receipt is intermediate (ENROUTE, or ACCEPTD at MTA): 5 receipts for 4 messages.
      await eventually(() => runtime!.counters.dlrs === 5);
      const health: Array<{ health: string }> = await context.db.dataSource.query(
        `SELECT health FROM providers WHERE id = $1`,
        [provider],
      );
      expect(health).toEqual([{ health: 'up' }]);
    });

    it('classifies every submit_sm_resp class: reject, reroute, throttling', async () => {
      runtime = startSimConnector(context, sim);
      await runtime.whenBound();
      const reject = await queue(2);
      const outcome = await runtime.send(reject);
      expect(outcome).toMatchObject(rejected);
      expect((await messageRow(context, reject.message.id)).final).toBe(rejected.kind === 'failed');
      expect(await finalReceipts(context, reject.message.id)).toBe(rejected.kind === 'failed' ? 1 : 0);

      expect(await runtime.send(await queue(5))).toMatchObject({ kind: 'reroute', reroute: true });

      // Always throttled: one retry (maxRetries 1) on this provider, then handed back for the next route.
      const throttled = await queue(6);
      expect(await runtime.send(throttled)).toMatchObject({ kind: 'reroute', attempts: 2 });
      expect(runtime.counters.throttled).toBe(2);
      expect((await messageRow(context, throttled.message.id)).final).toBe(false);
    });

    it('slows down on a throttling answer and succeeds on the retry once the provider lets it through', async () => {
      runtime = startSimConnector(context, sim);
      await runtime.whenBound();
      sim.setFault({ tps: 0 });
      const message = await queue(0);
      const sending = runtime.send(message);
      await sim.waitFor((p) => p.command === 'submit_sm');
      sim.clearFaults();
      expect(await sending).toMatchObject({ kind: 'accepted', attempts: 2 });
      expect(runtime.counters.throttled).toBe(1);
    });

    it('marks the provider down after a SESSION-class bind refusal and binds no more', async () => {
      runtime = startSimConnector(context, sim, { password: 'wrong' });
      await eventually(() => runtime!.down !== undefined);
      expect(sim.received.filter((p) => p.command.startsWith('bind_'))).toHaveLength(1);
      expect(await runtime.send(await queue(0))).toMatchObject({ kind: 'reroute' });
      const health: Array<{ health: string }> = await context.db.dataSource.query(
        `SELECT health FROM providers WHERE id = $1`,
        [provider],
      );
      expect(health).toEqual([{ health: 'down' }]);
    });

    it('parks a receipt that arrives before its submit_sm_resp and applies it when the response lands', async () => {
      runtime = startSimConnector(context, sim);
      await runtime.whenBound();
      // The receipt goes out at once, the submit_sm_resp 200 ms later: the receipt is always early.
      sim.setFault({ dlrBeforeResp: true, slowResponseMs: 200 });
      const message = await queue(0);
      expect(await runtime.send(message)).toMatchObject({ kind: 'accepted' });
      await eventually(async () => (await messageRow(context, message.message.id)).status === 'delivered');
      expect(runtime.counters.dlrsParkedEarly).toBe(1);
      expect(await finalReceipts(context, message.message.id)).toBe(1);
      expect(await context.db.dataSource.query(`SELECT id FROM parked_dlrs`)).toEqual([]);
    });

    it('never lets a duplicate or a late ENROUTE produce a second final receipt', async () => {
      runtime = startSimConnector(context, sim);
      await runtime.whenBound();
      sim.setFault({ duplicateDlr: true, enrouteAfterDelivered: true });
      const messages = [await queue(0), await queue(8), await queue(9)];
      for (const message of messages) await runtime.send(message);
      // Each final receipt twice, then an ENROUTE: digit 0 D D E, digit 8 D D E, digit 9 D D D D E.
      await eventually(() => runtime!.counters.dlrs === 11);
      await runtime.stop();
      // Receipts are taken in concurrently, so an ENROUTE may land before its DELIVRD (and then count as an
      // update, not a duplicate); the repeated finals (1 + 1 + 3) are always duplicates.
      expect(runtime.counters.dlrsDuplicate).toBeGreaterThanOrEqual(5);
      for (const message of messages) {
        expect(await messageRow(context, message.message.id)).toMatchObject({
          status: 'delivered',
          final: true,
        });
        expect(await finalReceipts(context, message.message.id)).toBe(1);
      }
    });

    it('parks a receipt for an id it never sent, counts it, routes it to nobody, and drops it after its expiry', async () => {
      let now = Date.now();
      runtime = startSimConnector(context, sim, { clock: () => now, parkTtlMs: 60_000 });
      await runtime.whenBound();
      // Another client of the same account that cannot receive: its receipt comes to our session.
      const other = new SmppClient({
        hosts: [simHost(sim)],
        bindType: 'transmitter',
        systemId: 'simuser',
        password: 'simpass',
        session: { enquireLinkIntervalMs: 0 },
      });
      other.start();
      try {
        const session = await new Promise<SmppSession>((resolve) => other.once('bound', resolve));
        const response = await session.request(
          createPdu('submit_sm', {
            dest_addr_ton: 1,
            dest_addr_npi: 1,
            destination_addr: provider === 'mta' ? '+4520000000' : '4520000000',
            source_addr_ton: 1,
            source_addr_npi: 1,
            source_addr: '4512345678',
            data_coding: provider === 'mta' ? 1 : 0,
            registered_delivery: 1,
            short_message: Buffer.from('hi'),
          }),
        );
        expect(response.command_status).toBe(CommandStatus.ESME_ROK);
        await eventually(() => runtime!.counters.dlrsUnknown === 1);
      } finally {
        await other.stop();
      }
      const deliveries: unknown[] = await context.db.dataSource.query(
        `SELECT id FROM tenant_deliveries WHERE kind = 'dlr' AND message_id IS NULL`,
      );
      expect(deliveries).toEqual([]);
      expect(await runtime.sweepParked()).toBe(0);
      now += 60_000;
      expect(await runtime.sweepParked()).toBe(1);
      expect(runtime.counters.dlrsExpired).toBe(1);
    });

    it('routes an MO to the tenant owning the number', async () => {
      runtime = startSimConnector(context, sim);
      await runtime.whenBound();
      await context.db.dataSource.query(
        `INSERT INTO mo_numbers (number, match, tenant_id) VALUES ('4570', 'prefix', $1) ON CONFLICT DO NOTHING`,
        [context.tenantId],
      );
      await sim.sendMo({}, { source: '4599999999', destination: '4570123456', text: 'STOP' });
      await sim.sendMo({}, { source: '4599999999', destination: '4411111111', text: 'nobody' });
      await eventually(() => runtime!.counters.mo === 2);
      await runtime.stop();
      expect(runtime.counters.moUnrouted).toBe(1);
      const rows: Array<{ tenant_id: string }> = await context.db.dataSource.query(
        `SELECT tenant_id FROM tenant_deliveries WHERE kind = 'mo'`,
      );
      expect(rows).toEqual([{ tenant_id: context.tenantId }]);
    });

    it('resubmits a submit lost with its session (policy resubmit:1) and rebinds', async () => {
      runtime = startSimConnector(context, sim);
      await runtime.whenBound();
      sim.setFault({ dropSessionAfter: 0 });
      const message = await queue(4);
      expect(await runtime.send(message)).toMatchObject({ kind: 'accepted', attempts: 2 });
      expect(await attemptStatuses(context, message.message.id)).toEqual(['resubmitted', 'accepted']);
      expect(runtime.counters.indeterminate).toBe(1);
      expect(new Set(sim.received.map((p) => p.sessionId)).size).toBe(2);
    });

    it('gives up a submit lost with its session as UNKNOWN under policy give-up, exactly once', async () => {
      runtime = startSimConnector(context, sim, { indeterminate: parseIndeterminatePolicy('give-up') });
      await runtime.whenBound();
      sim.setFault({ dropSessionAfter: 0 });
      const message = await queue(4);
      expect(await runtime.send(message)).toMatchObject({ kind: 'unknown', attempts: 1 });
      expect(await attemptStatuses(context, message.message.id)).toEqual(['given_up']);
      // Giving up is our own verdict: a final UNKNOWN, so the message ends and the tenant gets one final receipt.
      expect(await messageRow(context, message.message.id)).toMatchObject({
        status: 'unknown',
        final: true,
      });
      expect(sim.received.filter((p) => p.command === 'submit_sm')).toHaveLength(1);
    });

    it('on stop, answers the sends in progress, then unbinds every session', async () => {
      runtime = startSimConnector(context, sim, { sessions: 2 });
      await runtime.whenBound(2);
      sim.setFault({ slowResponseMs: 100 });
      const sending = runtime.send(await queue(4));
      await sim.waitFor((p) => p.command === 'submit_sm');
      const stopping = runtime.stop();
      await expect(runtime.send(await queue(4))).rejects.toThrow('stopping');
      await expect(sending).resolves.toMatchObject({ kind: 'accepted' });
      await stopping;
      expect(sim.received.filter((p) => p.command === 'unbind')).toHaveLength(2);
      await eventually(() => sim.sessions() === 0);
    });
  },
);
