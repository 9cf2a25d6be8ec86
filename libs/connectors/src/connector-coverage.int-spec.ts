/**
 * Issue 5 "Done when", the items connectors-vs-simulators and provider-quirks leave open, for each of the four
 * connectors over real sockets (TLS for MTA) against its simulator: error normalisation 0x107E ↔ 126 end to end,
 * every command_status class, every receipt stat, reconnect backoff on a fake clock, coding and address octets,
 * rebind after the provider drops every session, and a whole window lost with its session.
 */
import type { DlrEvent } from '@app/gateway';
import {
  classifySubmitResp,
  GATEWAYAPI_PROFILE,
  parseDeliver,
  PROVIDER_PROFILES,
  type ProviderAction,
  type ProviderId,
} from '@app/providers';
import { LedgerRepository } from '@app/billing';
import type { ProviderSim, ReceivedPdu, SimReceiptStat } from '@app/provider-sim';
import type { DeliverSm, SubmitSm } from '@app/smpp';
import type { ConnectorRuntime, DeliveryPort } from './connector-runtime';
import {
  attemptStatuses,
  eventually,
  finalReceipts,
  messageRow,
  openConnectorTestDatabase,
  queueMessage,
  testDelivery,
  type ConnectorTestDatabase,
} from './testing/harness';
import { ManualReconnectClock } from './testing/manual-reconnect-clock';
import { startSim, startSimConnector } from './testing/sim-connector';

jest.setTimeout(30_000);

const PROVIDERS: readonly ProviderId[] = ['infobip', 'gatewayapi', 'mta', 'labsmobile'];
const NUMBER_SOURCE = { type: 'number', number: '4512345678' } as const;

let context: ConnectorTestDatabase;
let sim: ProviderSim;
let runtime: ConnectorRuntime | undefined;

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await sim?.stop();
  await context?.db.drop();
});

/** The gateway's delivery queue, with every DlrEvent the connector hands it kept in order. */
function recordingDelivery(): DeliveryPort & { events: DlrEvent[] } {
  const inner = testDelivery(context.db.dataSource);
  const events: DlrEvent[] = [];
  return {
    events,
    recordDlr: (event, tx) => {
      events.push(event);
      return inner.recordDlr(event, tx);
    },
    recordDlrBatch: (batch, tx) => {
      events.push(...batch);
      return inner.recordDlrBatch(batch, tx);
    },
    recordMo: (event, tx) => inner.recordMo(event, tx),
  };
}

/** The receipt text of the tenant's queued DLRs for a message, in order. */
async function tenantReceiptTexts(id: string): Promise<Array<{ final: boolean; text: string }>> {
  const rows: Array<{ final: boolean; pdu: { short_message: string } }> = await context.db.dataSource.query(
    `SELECT final, pdu FROM tenant_deliveries WHERE message_id = $1 ORDER BY id`,
    [id],
  );
  return rows.map((row) => ({
    final: row.final,
    text: Buffer.from(row.pdu.short_message, 'hex').toString('latin1'),
  }));
}

const submitsOf = (server: ProviderSim): ReceivedPdu[] =>
  server.received.filter((p) => p.command === 'submit_sm');

describe('GatewayAPI error normalisation over a socket: SMS error 0x107E ↔ err:126', () => {
  it('the simulator writes err:126 for 0x107E; we store our err 404 and the tenant gets err:404', async () => {
    context = await openConnectorTestDatabase('gatewayapi');
    sim = await startSim('gatewayapi', {
      logSent: true,
      script: [{ suffix: '4520000126', receipts: [{ stat: 'UNDELIV', code: 0x107e }] }],
    });
    const delivery = recordingDelivery();
    runtime = startSimConnector(context, sim, { delivery });
    await runtime.whenBound();
    const message = await queueMessage(context, '4520000126', { source: NUMBER_SOURCE });
    const outcome = await runtime.send(message);
    if (outcome.kind !== 'accepted') throw new Error(`not accepted: ${outcome.kind}`);
    const [providerId] = outcome.providerMessageIds;

    // 0x107E → 126: the octets the simulator wrote on the connector's session.
    const sent = await sim.waitForSent((p) => p.command === 'deliver_sm');
    const receiptText = `id:${providerId} sub:001 dlvrd:000 submit date:`;
    expect(sent.raw.includes(Buffer.from(receiptText, 'latin1'))).toBe(true);
    expect(sent.raw.includes(Buffer.from(' stat:UNDELIV err:126', 'latin1'))).toBe(true);
    expect(sent.raw.includes(Buffer.from('err:4222', 'latin1'))).toBe(false);

    // 126 → 0x107E: what the GatewayAPI profile makes of exactly those octets.
    const parsed = parseDeliver(sent.pdu as DeliverSm, GATEWAYAPI_PROFILE);
    expect(parsed).toMatchObject({
      kind: 'dlr',
      providerMessageId: providerId,
      stat: 'UNDELIV',
      final: true,
      category: 'temporary_failure',
      err: '404',
      providerError: { raw: '126', source: 'err', code: 0x107e, display: '0x107E', known: true },
      decision: { action: 'REROUTE' },
    });

    // What the connector recorded: the DlrEvent, the message row and the tenant's receipt.
    await eventually(async () => (await messageRow(context, message.message.id)).final);
    expect(delivery.events).toEqual([
      expect.objectContaining({ messageId: message.message.id, state: 'undeliverable', err: '404' }),
    ]);
    expect(await messageRow(context, message.message.id)).toEqual({
      status: 'undeliverable',
      final: true,
      error_code: '404',
    });
    const receipts = await tenantReceiptTexts(message.message.id);
    expect(receipts).toHaveLength(1);
    expect(receipts[0].final).toBe(true);
    expect(receipts[0].text).toContain('stat:UNDELIV err:404');
    expect(await runtime.sweepParked()).toBe(0);
    expect(runtime.counters).toMatchObject({ dlrs: 1, dlrsUnknown: 0, dlrsDuplicate: 0 });
  });
});

/**
 * A submit_sm_resp status per engine class and provider: the provider's own documented status where it has one
 * (Infobip 0x22, MTA 0x0D/0x0E, LabsMobile 0xFF), SMPP 3.4's otherwise (smpp34.md §3).
 */
const STATUS_BY_CLASS: Readonly<Record<ProviderId, Readonly<Record<ProviderAction, number>>>> = {
  infobip: { OK: 0x00, RETRY: 0x08, REROUTE: 0x22, FAIL: 0x0b, THROTTLE: 0x58, SESSION: 0x53 },
  gatewayapi: { OK: 0x00, RETRY: 0x08, REROUTE: 0x0a, FAIL: 0x0b, THROTTLE: 0x58, SESSION: 0x53 },
  mta: { OK: 0x00, RETRY: 0x08, REROUTE: 0x0d, FAIL: 0x0e, THROTTLE: 0x58, SESSION: 0x53 },
  labsmobile: { OK: 0x00, RETRY: 0x08, REROUTE: 0xff, FAIL: 0x0b, THROTTLE: 0x58, SESSION: 0x53 },
};

/**
 * Receipt stats and what each leaves on the message: an intermediate stat keeps the status the accepted submit set
 * ('sent'); ACCEPTD and UNKNOWN are intermediate at the gateway whatever the profile (libs/gateway deliver-sm.ts).
 */
const STATS: ReadonlyArray<{ stat: SimReceiptStat; status: string; final: boolean }> = [
  { stat: 'DELIVRD', status: 'delivered', final: true },
  { stat: 'UNDELIV', status: 'undeliverable', final: true },
  { stat: 'EXPIRED', status: 'expired', final: true },
  { stat: 'REJECTD', status: 'rejected', final: true },
  { stat: 'DELETED', status: 'deleted', final: true },
  { stat: 'UNKNOWN', status: 'unknown', final: false },
  { stat: 'ENROUTE', status: 'sent', final: false },
  { stat: 'ACCEPTD', status: 'sent', final: false },
];

/** Reconnect delays with random() = 0.5: Infobip and LabsMobile jitter 20 % ([policy]), MTA and GatewayAPI none. */
const RECONNECT: Readonly<Record<ProviderId, number[]>> = {
  infobip: [900, 1_800, 3_600, 7_200],
  gatewayapi: [30_000, 30_000, 30_000, 30_000],
  mta: [1_000, 2_000, 4_000, 8_000],
  labsmobile: [900, 1_800, 3_600, 7_200],
};

/** What each profile sends for three texts: data_coding and the exact short_message octets. */
const GSM_TEXT = 'Hi €5 {ok}';
const GSM_OCTETS = Buffer.from([
  0x48, 0x69, 0x20, 0x1b, 0x65, 0x35, 0x20, 0x1b, 0x28, 0x6f, 0x6b, 0x1b, 0x29,
]);
const UCS2 = (text: string) => Buffer.from(text, 'utf16le').swap16();
const CODING: Readonly<
  Record<ProviderId, ReadonlyArray<{ text: string; dataCoding?: number; dcs: number; octets: Buffer }>>
> = {
  infobip: [
    { text: GSM_TEXT, dcs: 0x00, octets: GSM_OCTETS },
    { text: 'Привет', dcs: 0x08, octets: UCS2('Привет') },
    { text: 'café', dataCoding: 0x03, dcs: 0x03, octets: Buffer.from('café', 'latin1') },
  ],
  gatewayapi: [
    { text: GSM_TEXT, dcs: 0x00, octets: GSM_OCTETS },
    { text: 'Привет', dcs: 0x08, octets: UCS2('Привет') },
    { text: 'café', dataCoding: 0x03, dcs: 0x03, octets: Buffer.from('café', 'latin1') },
  ],
  // ASCII 0x01 → Latin-1 0x03 → UCS-2 0x08 (003_*.txt): '€' is in neither 8-bit set.
  mta: [
    { text: GSM_TEXT, dcs: 0x08, octets: UCS2(GSM_TEXT) },
    { text: 'Привет', dcs: 0x08, octets: UCS2('Привет') },
    { text: 'café', dataCoding: 0x03, dcs: 0x03, octets: Buffer.from('café', 'latin1') },
  ],
  // Only DCS 0 and 8 ([policy]): a Latin-1 text that fits GSM 03.38 goes as GSM ('é' is 0x05).
  labsmobile: [
    { text: GSM_TEXT, dcs: 0x00, octets: GSM_OCTETS },
    { text: 'Привет', dcs: 0x08, octets: UCS2('Привет') },
    { text: 'café', dataCoding: 0x03, dcs: 0x00, octets: Buffer.from([0x63, 0x61, 0x66, 0x05]) },
  ],
};

/** How each profile sends a 200-character text, a flash message and a binary body (providers.md §5). */
const LONG_TEXT = 'a'.repeat(200);
const SHAPING: Readonly<
  Record<
    ProviderId,
    {
      long: { method: 'udh8' | 'payload'; dcs: number };
      flash: { dcs: number; subunit: boolean };
      binary: number | 'reroute';
    }
  >
> = {
  infobip: { long: { method: 'udh8', dcs: 0x00 }, flash: { dcs: 0x10, subunit: false }, binary: 'reroute' },
  gatewayapi: { long: { method: 'payload', dcs: 0x00 }, flash: { dcs: 0x00, subunit: true }, binary: 0x04 },
  // No flash at MTA or LabsMobile: sent as a plain message (the default unsupportedFlash policy).
  mta: { long: { method: 'udh8', dcs: 0x01 }, flash: { dcs: 0x01, subunit: false }, binary: 'reroute' },
  labsmobile: {
    long: { method: 'udh8', dcs: 0x00 },
    flash: { dcs: 0x00, subunit: false },
    binary: 'reroute',
  },
};

describe.each(PROVIDERS)('%s connector: the rest of the issue 5 checklist', (provider) => {
  const profile = PROVIDER_PROFILES[provider];
  const plus = provider === 'mta' ? '+' : '';
  const queue = (destination: string, overrides: Parameters<typeof queueMessage>[2] = {}) =>
    queueMessage(context, destination, { source: NUMBER_SOURCE, ...overrides });

  beforeEach(async () => {
    context = await openConnectorTestDatabase(provider);
  });

  it('classifies one status of every class: OK, RETRY, REROUTE, FAIL, THROTTLE, SESSION', async () => {
    const statuses = STATUS_BY_CLASS[provider];
    const suffix: Record<ProviderAction, string> = {
      OK: '9100',
      RETRY: '9101',
      REROUTE: '9102',
      FAIL: '9103',
      THROTTLE: '9104',
      SESSION: '9105',
    };
    for (const [action, status] of Object.entries(statuses)) {
      expect({ status, action: classifySubmitResp(status, profile).action }).toEqual({ status, action });
    }
    sim = await startSim(provider, {
      script: Object.entries(statuses).map(([action, submitStatus]) => ({
        suffix: suffix[action as ProviderAction],
        submitStatus,
      })),
    });
    runtime = startSimConnector(context, sim);
    await runtime.whenBound();
    const send = async (action: ProviderAction) => {
      const message = await queue(`452000${suffix[action]}`);
      return { message, outcome: await runtime!.send(message) };
    };

    const ok = await send('OK');
    expect(ok.outcome).toMatchObject({ kind: 'accepted', attempts: 1 });
    expect(await attemptStatuses(context, ok.message.message.id)).toEqual(['accepted']);

    // RETRY: once more on this provider (smpp34.md "R → RR"), then handed back for the next route.
    const retry = await send('RETRY');
    expect(retry.outcome).toMatchObject({ kind: 'reroute', attempts: 2 });
    expect(await attemptStatuses(context, retry.message.message.id)).toEqual(['rejected', 'rejected']);
    expect((await messageRow(context, retry.message.message.id)).final).toBe(false);

    const reroute = await send('REROUTE');
    expect(reroute.outcome).toMatchObject({ kind: 'reroute', attempts: 1 });
    expect((await messageRow(context, reroute.message.message.id)).final).toBe(false);

    const fail = await send('FAIL');
    expect(fail.outcome).toMatchObject({ kind: 'failed', commandStatus: statuses.FAIL, attempts: 1 });
    expect(await messageRow(context, fail.message.message.id)).toMatchObject({
      status: 'rejected',
      final: true,
    });
    expect(await finalReceipts(context, fail.message.message.id)).toBe(1);

    // THROTTLE: one retry (maxRetries 1), the connector slowed down, then the next route.
    const throttled = await send('THROTTLE');
    expect(throttled.outcome).toMatchObject({ kind: 'reroute', attempts: 2 });
    expect(runtime.counters.throttled).toBe(2);

    // SESSION: the provider is marked down, every session closed, nothing is bound again.
    const session = await send('SESSION');
    expect(session.outcome).toMatchObject({ kind: 'reroute', attempts: 1 });
    expect(runtime.down).toBeDefined();
    await eventually(() => sim.sessions() === 0);
    const health: Array<{ health: string }> = await context.db.dataSource.query(
      `SELECT health FROM providers WHERE id = $1`,
      [provider],
    );
    expect(health).toEqual([{ health: 'down' }]);
    expect(await runtime.send(await queue('4520000000'))).toMatchObject({ kind: 'reroute', attempts: 0 });
    expect(sim.received.filter((p) => p.command.startsWith('bind_'))).toHaveLength(1);
  });

  it('takes every receipt stat into the message state, one final receipt for each final stat', async () => {
    sim = await startSim(provider, {
      script: STATS.map(({ stat }, index) => ({ suffix: `93${index}`, receipts: [{ stat }] })),
    });
    runtime = startSimConnector(context, sim);
    await runtime.whenBound();
    const messages = await Promise.all(STATS.map((_, index) => queue(`4520000093${index}`)));
    for (const message of messages) expect(await runtime.send(message)).toMatchObject({ kind: 'accepted' });
    await eventually(() => runtime!.counters.dlrs === STATS.length);
    await runtime.stop();
    for (const [index, { stat, status, final }] of STATS.entries()) {
      const id = messages[index].message.id;
      expect({ stat, row: await messageRow(context, id) }).toMatchObject({ stat, row: { status, final } });
      const receipts = await tenantReceiptTexts(id);
      // registered_delivery 1: the tenant gets the final outcome only, with its stat.
      expect({ stat, receipts: receipts.length }).toEqual({ stat, receipts: final ? 1 : 0 });
      if (final) expect(receipts[0].text).toContain(`stat:${stat} err:`);
    }
    expect(runtime.counters).toMatchObject({ dlrsUnknown: 0, dlrsDuplicate: 0 });
  });

  it('reconnects on the profile schedule (fake clock)', async () => {
    sim = await startSim(provider);
    const clock = new ManualReconnectClock();
    runtime = startSimConnector(context, sim, { reconnect: {}, reconnectClock: clock, random: () => 0.5 });
    await runtime.whenBound();
    await sim.stop();
    for (let attempt = 1; attempt <= 3; attempt++) {
      await eventually(() => clock.delays.length === attempt);
      clock.fireLatest();
    }
    await eventually(() => clock.delays.length === 4);
    expect(clock.delays).toEqual(RECONNECT[provider]);
  });

  it('sends the coding and the addresses the profile chooses, octet for octet', async () => {
    sim = await startSim(provider);
    runtime = startSimConnector(context, sim);
    await runtime.whenBound();
    const cases = CODING[provider];
    for (const { text, dataCoding } of cases) {
      const message = await queue('4520000000', {
        body: { kind: 'text', text },
        ...(dataCoding === undefined ? {} : { dataCoding }),
      });
      expect(await runtime.send(message)).toMatchObject({ kind: 'accepted' });
    }
    const sent = submitsOf(sim);
    expect(sent).toHaveLength(cases.length);
    // service_type "", source TON 1 / NPI 1, destination TON 1 / NPI 1, international numbers per the profile.
    const addresses = Buffer.concat([
      Buffer.from([0x00, 0x01, 0x01]),
      Buffer.from(`${plus}4512345678\0`, 'latin1'),
      Buffer.from([0x01, 0x01]),
      Buffer.from(`${plus}4520000000\0`, 'latin1'),
    ]);
    for (const [index, { text, dcs, octets }] of cases.entries()) {
      const pdu = sent[index];
      expect({ text, start: pdu.raw.subarray(16, 16 + addresses.length) }).toEqual({
        text,
        start: addresses,
      });
      expect({ text, dcs: (pdu.pdu as SubmitSm).data_coding }).toEqual({ text, dcs });
      // sm_length then the octets, at the end of the mandatory part.
      const body = Buffer.concat([Buffer.from([octets.length]), octets]);
      expect({ text, body: pdu.raw.includes(body) }).toEqual({ text, body: true });
      expect((pdu.pdu as SubmitSm).short_message).toEqual(octets);
    }
  });

  it('segments a long text, marks flash and sends or reroutes binary as the profile says, octet for octet', async () => {
    const expected = SHAPING[provider];
    sim = await startSim(provider);
    runtime = startSimConnector(context, sim);
    await runtime.whenBound();

    const long = await queue('4520000000', { body: { kind: 'text', text: LONG_TEXT } });
    const longOutcome = await runtime.send(long);
    const parts = submitsOf(sim).map((p) => p.pdu as SubmitSm);
    if (expected.long.method === 'payload') {
      // One submit_sm, empty short_message, the whole text in message_payload (0x0424, 200 octets).
      expect(parts).toHaveLength(1);
      expect(parts[0]).toMatchObject({ data_coding: expected.long.dcs, esm_class: 0 });
      expect(parts[0].short_message).toHaveLength(0);
      const tlv = Buffer.concat([Buffer.from([0x04, 0x24, 0x00, 200]), Buffer.from(LONG_TEXT, 'latin1')]);
      expect(submitsOf(sim)[0].raw.includes(tlv)).toBe(true);
    } else {
      // 153 + 47 characters, each part behind a UDH 05 00 03 <ref> 02 <n>, esm_class UDHI.
      expect(parts).toHaveLength(2);
      const reference = parts[0].short_message[3];
      parts.forEach((part, index) => {
        expect(part).toMatchObject({ data_coding: expected.long.dcs, esm_class: 0x40 });
        expect(part.short_message.subarray(0, 6)).toEqual(Buffer.from([5, 0, 3, reference, 2, index + 1]));
      });
      expect(parts.map((part) => part.short_message.length - 6)).toEqual([153, 47]);
      const text = Buffer.concat(parts.map((part) => part.short_message.subarray(6)));
      expect(text).toEqual(Buffer.from(LONG_TEXT, 'latin1'));
    }
    if (longOutcome.kind !== 'accepted') throw new Error(`long message not accepted: ${longOutcome.kind}`);
    expect(longOutcome.providerMessageIds).toHaveLength(parts.length);
    // A receipt per part; the message ends once, with one final receipt to the tenant.
    await eventually(() => runtime!.counters.dlrs === parts.length);
    await eventually(async () => (await messageRow(context, long.message.id)).status === 'delivered');
    expect(await finalReceipts(context, long.message.id)).toBe(1);

    const flash = await queue('4520000000', { body: { kind: 'text', text: 'Now' }, flash: true });
    expect(await runtime.send(flash)).toMatchObject({ kind: 'accepted' });
    const flashPdu = submitsOf(sim).at(-1)!;
    expect((flashPdu.pdu as SubmitSm).data_coding).toBe(expected.flash.dcs);
    // dest_addr_subunit (0x0005) = 1, "flash / display" (GatewayAPI's advice).
    const subunit = Buffer.from([0x00, 0x05, 0x00, 0x01, 0x01]);
    expect(flashPdu.raw.subarray(16).includes(subunit)).toBe(expected.flash.subunit);

    const submitsBefore = submitsOf(sim).length;
    const octets = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const binary = await queue('4520000000', { body: { kind: 'binary', octets } });
    const binaryOutcome = await runtime.send(binary);
    if (expected.binary === 'reroute') {
      expect(binaryOutcome).toMatchObject({ kind: 'reroute', attempts: 0 });
      expect(submitsOf(sim)).toHaveLength(submitsBefore);
    } else {
      expect(binaryOutcome).toMatchObject({ kind: 'accepted' });
      const sent = submitsOf(sim).at(-1)!;
      expect(sent.pdu).toMatchObject({ data_coding: expected.binary, short_message: octets });
      expect(sent.raw.includes(Buffer.concat([Buffer.from([octets.length]), octets]))).toBe(true);
    }
  });

  it('binds again after the provider drops every session, and sends on the new binds', async () => {
    sim = await startSim(provider);
    runtime = startSimConnector(context, sim, { sessions: 2 });
    await runtime.whenBound(2);
    const binds = () => sim.received.filter((p) => p.command.startsWith('bind_'));
    expect(binds()).toHaveLength(2);
    expect(sim.dropSessions()).toBe(2);
    await eventually(() => binds().length === 4 && sim.sessions() === 2);
    await runtime.whenBound(2);
    const message = await queue('4520000000');
    expect(await runtime.send(message)).toMatchObject({ kind: 'accepted', attempts: 1 });
    await eventually(async () => (await messageRow(context, message.message.id)).status === 'delivered');
    const sessionIds = new Set(binds().map((p) => p.sessionId));
    expect(sessionIds.size).toBe(4);
  });

  it('resubmits each of a whole window lost with its session exactly once (policy resubmit:1)', async () => {
    sim = await startSim(provider);
    runtime = startSimConnector(context, sim);
    await runtime.whenBound();
    sim.setFault({ noResponse: true });
    const messages = await Promise.all([1, 2, 3].map((n) => queue(`45200${n}0000`)));
    const sending = Promise.all(messages.map((message) => runtime!.send(message)));
    await eventually(() => submitsOf(sim).length === 3);
    sim.clearFaults();
    expect(sim.dropSessions()).toBe(1);
    const outcomes = await sending;
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(runtime.counters.indeterminate).toBe(3);
    for (const message of messages) {
      expect(await attemptStatuses(context, message.message.id)).toEqual(['resubmitted', 'accepted']);
    }
    // The lost window was never taken by the provider; each resubmit once.
    expect(sim.messageCount()).toBe(3);
    expect(submitsOf(sim)).toHaveLength(6);
  });
});

describe.each(PROVIDERS)('%s connector: receipts and MO at the edges', (provider) => {
  beforeEach(async () => {
    context = await openConnectorTestDatabase(provider);
  });

  it('answers deliver_sm at once, before the receipt is stored, and stop waits for that store before unbinding', async () => {
    sim = await startSim(provider);
    const delivery = recordingDelivery();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: DeliveryPort = {
      ...delivery,
      recordDlrBatch: async (batch, tx) => {
        await gate;
        return delivery.recordDlrBatch(batch, tx);
      },
    };
    runtime = startSimConnector(context, sim, { delivery: gated });
    await runtime.whenBound();
    const message = await queueMessage(context, '4520000000', { source: NUMBER_SOURCE });
    expect(await runtime.send(message)).toMatchObject({ kind: 'accepted' });
    const resp = await sim.waitFor((p) => p.command === 'deliver_sm_resp');
    expect(resp.commandStatus).toBe(0);
    expect(await messageRow(context, message.message.id)).toMatchObject({ status: 'sent', final: false });

    const stopping = runtime.stop();
    // Not a timing assertion: whatever the delay, no unbind may go out while the receipt is being stored.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.received.some((p) => p.command === 'unbind')).toBe(false);
    release();
    await stopping;
    expect(sim.received.filter((p) => p.command === 'unbind')).toHaveLength(1);
    expect(await messageRow(context, message.message.id)).toMatchObject({ status: 'delivered', final: true });
    expect(await finalReceipts(context, message.message.id)).toBe(1);
  });

  it('hands an MO to its tenant with the coding and octets as received (GSM or ASCII, UCS-2)', async () => {
    sim = await startSim(provider);
    runtime = startSimConnector(context, sim);
    await runtime.whenBound();
    await context.db.dataSource.query(
      `INSERT INTO mo_numbers (number, match, tenant_id) VALUES ('4570', 'prefix', $1)`,
      [context.tenantId],
    );
    await sim.sendMo({}, { source: '4599999999', destination: '4570123456', text: 'STOP' });
    await sim.sendMo({}, { source: '4599999999', destination: '4570123456', text: 'Привет' });
    await eventually(() => runtime!.counters.mo === 2);
    await runtime.stop();
    const rows: Array<{
      pdu: { data_coding: number; short_message: string; source_addr: string; destination_addr: string };
    }> = await context.db.dataSource.query(`SELECT pdu FROM tenant_deliveries WHERE kind = 'mo' ORDER BY id`);
    // MTA's default alphabet is ASCII (DCS 1 for 'STOP'), the others' GSM 03.38 (DCS 0). The two MO are taken in
    // concurrently, so their queue order is not asserted.
    const plain = provider === 'mta' ? 0x01 : 0x00;
    const received = rows
      .map((row) => ({ dcs: row.pdu.data_coding, octets: Buffer.from(row.pdu.short_message, 'hex') }))
      .sort((a, b) => a.dcs - b.dcs);
    expect(received).toEqual([
      { dcs: plain, octets: Buffer.from('STOP', 'latin1') },
      { dcs: 0x08, octets: UCS2('Привет') },
    ]);
    for (const row of rows) {
      expect(row.pdu).toMatchObject({ source_addr: '4599999999', destination_addr: '4570123456' });
    }
  });
});

/**
 * The provider's own error code scripted per provider, as its receipt writes it, and our err for it: Infobip GSM 27
 * EC_ABSENT_SUBSCRIBER (also in network_error_code, which reaches the tenant), GatewayAPI 0x1013 absent subscriber
 * as err:019, MTA and LabsMobile publish no codes (unknown code → 299).
 */
const PROVIDER_ERRORS: ReadonlyArray<{
  provider: ProviderId;
  code: number;
  written: string;
  err: string;
  networkErrorCode?: string;
}> = [
  { provider: 'infobip', code: 27, written: 'err:027', err: '101', networkErrorCode: '03001b' },
  { provider: 'gatewayapi', code: 0x1013, written: 'err:019', err: '101' },
  { provider: 'mta', code: 5, written: 'err:005', err: '299' },
  { provider: 'labsmobile', code: 5, written: 'err:005', err: '299' },
];

describe.each(PROVIDER_ERRORS)(
  '$provider error normalisation over a socket',
  ({ provider, code, written, err, networkErrorCode }) => {
    const shown = code > 0xff ? `0x${code.toString(16).toUpperCase()}` : String(code);
    it(`code ${shown} is written as ${written} and recorded as our err ${err}`, async () => {
      context = await openConnectorTestDatabase(provider);
      sim = await startSim(provider, {
        logSent: true,
        script: [{ suffix: '4520000321', receipts: [{ stat: 'UNDELIV', code }] }],
      });
      runtime = startSimConnector(context, sim);
      await runtime.whenBound();
      const message = await queueMessage(context, '4520000321', { source: NUMBER_SOURCE });
      expect(await runtime.send(message)).toMatchObject({ kind: 'accepted' });
      const sent = await sim.waitForSent((p) => p.command === 'deliver_sm');
      expect(sent.raw.includes(Buffer.from(`stat:UNDELIV ${written}`, 'latin1'))).toBe(true);
      await eventually(async () => (await messageRow(context, message.message.id)).final);
      expect(await messageRow(context, message.message.id)).toEqual({
        status: 'undeliverable',
        final: true,
        error_code: err,
      });
      const [stored]: Array<{ network_error_code: Buffer | null }> = await context.db.dataSource.query(
        `SELECT network_error_code FROM messages WHERE id = $1`,
        [message.message.id],
      );
      expect(stored.network_error_code?.toString('hex')).toBe(networkErrorCode);
      const [receipt]: Array<{ pdu: { short_message: string; tlvs: Array<{ tag: number; hex: string }> } }> =
        await context.db.dataSource.query(`SELECT pdu FROM tenant_deliveries WHERE message_id = $1`, [
          message.message.id,
        ]);
      expect(Buffer.from(receipt.pdu.short_message, 'hex').toString('latin1')).toContain(
        `stat:UNDELIV err:${err}`,
      );
      expect(receipt.pdu.tlvs.find((tlv) => tlv.tag === 0x0423)?.hex).toBe(networkErrorCode);
    });
  },
);

/**
 * KNOWN BUG, reported, not ours to fix (libs/connectors/src/connector-runtime.ts belongs to another change): where the
 * profile makes ACCEPTD final (SPEC; GatewayAPI and LabsMobile), takeIn() marks the outcome final and
 * applyOutcomes() settles the reservation on it, while recordDlr() keeps 'accepted' open. The later UNDELIV then
 * voids an already posted reservation, the whole receipt is rolled back and lost ("intake failed"), and the message
 * stays 'sent'. `it.failing` keeps the suite green until the fix: then this fails, and `.failing` must go.
 */
describe('a receipt the profile calls final but the gateway keeps open (ACCEPTD where SPEC makes it final)', () => {
  it.failing.each([
    { provider: 'labsmobile' as const, code: 1 },
    { provider: 'gatewayapi' as const, code: 0x1013 },
  ])(
    '$provider ACCEPTD then UNDELIV, refund on undeliverable: the message ends UNDELIV, the reservation voided',
    async ({ provider, code }) => {
      context = await openConnectorTestDatabase(provider);
      expect(PROVIDER_PROFILES[provider].receipts.acceptedIsFinal).toBe(true);
      const ledger = new LedgerRepository(context.db.dataSource);
      const tx = context.db.dataSource.manager;
      const account = await ledger.openAccount(tx, { tenantId: context.tenantId, currency: 'EUR' });
      await ledger.topUp(tx, {
        accountId: account.id,
        currency: 'EUR',
        amount: 1_000_000n,
        idempotencyKey: 'top-up',
      });
      sim = await startSim(provider, {
        script: [{ suffix: '4520000555', receipts: [{ stat: 'ACCEPTD' }, { stat: 'UNDELIV', code }] }],
      });
      runtime = startSimConnector(context, sim, {
        billing: ledger,
        refundPolicy: { refund_on_undeliverable: true, refund_on_expired: true, refund_on_rejected: true },
      });
      await runtime.whenBound();
      const message = await queueMessage(context, '4520000555', { source: NUMBER_SOURCE });
      const reservation = await ledger.reserve(tx, {
        idempotencyKey: message.message.id,
        accountId: account.id,
        currency: 'EUR',
        segments: 1,
        pricePerSegment: 1_000n,
      });
      await context.db.dataSource.query(`UPDATE messages SET reservation_id = $2 WHERE id = $1`, [
        message.message.id,
        reservation.reservationId,
      ]);
      expect(await runtime.send({ ...message, reservationId: reservation.reservationId })).toMatchObject({
        kind: 'accepted',
      });
      await eventually(() => runtime!.counters.dlrs === 2);
      await runtime.stop();
      expect(await messageRow(context, message.message.id)).toMatchObject({
        status: 'undeliverable',
        final: true,
      });
      const [row] = await context.db.dataSource.query(`SELECT status FROM reservations WHERE id = $1`, [
        reservation.reservationId,
      ]);
      expect(row).toEqual({ status: 'voided' });
    },
  );
});

/**
 * KNOWN GAP, reported, not ours to fix (connector-runtime.ts): README and libs/providers/README.md say Infobip's
 * 0xFF (insufficient balance) is REROUTE + circuit break, and the profile's decision carries `circuitBreak: true`,
 * but the runtime reads only `action`: the next message goes to Infobip again. `.failing` must go with the fix.
 */
it.failing('Infobip 0xFF (insufficient balance) stops sending to Infobip for a while', async () => {
  context = await openConnectorTestDatabase('infobip');
  sim = await startSim('infobip', { script: [{ suffix: '4520000255', submitStatus: 0xff }] });
  runtime = startSimConnector(context, sim);
  await runtime.whenBound();
  const broke = await queueMessage(context, '4520000255', { source: NUMBER_SOURCE });
  expect(await runtime.send(broke)).toMatchObject({ kind: 'reroute', attempts: 1 });
  const next = await queueMessage(context, '4520000000', { source: NUMBER_SOURCE });
  expect(await runtime.send(next)).toMatchObject({ kind: 'reroute', attempts: 0 });
  expect(submitsOf(sim)).toHaveLength(1);
});
