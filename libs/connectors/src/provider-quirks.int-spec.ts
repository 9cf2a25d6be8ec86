import { INFOBIP_PROFILE, type ProviderId } from '@app/providers';
import { DEFAULT_SIM_ACCOUNT, type ProviderSim, type ReceivedPdu } from '@app/provider-sim';
import { DlrMessageState, Tlv, type SubmitSm } from '@app/smpp';
import type { ConnectorRuntime } from './connector-runtime';
import { NumberLookupService } from './number-lookup';
import {
  eventually,
  messageRow,
  openConnectorTestDatabase,
  queueMessage,
  type ConnectorTestDatabase,
} from './testing/harness';
import { ManualReconnectClock } from './testing/manual-reconnect-clock';
import { simHost, startSim, startSimConnector } from './testing/sim-connector';

jest.setTimeout(20_000);

const submits = (sim: ProviderSim): ReceivedPdu[] => sim.received.filter((p) => p.command === 'submit_sm');
const submitPdu = (pdu: ReceivedPdu) => pdu.pdu as SubmitSm;

let context: ConnectorTestDatabase;
const sims: ProviderSim[] = [];
let runtime: ConnectorRuntime | undefined;

async function setUp(provider: ProviderId, count = 1): Promise<ProviderSim[]> {
  context = await openConnectorTestDatabase(provider);
  for (let i = 0; i < count; i++) sims.push(await startSim(provider));
  return sims;
}

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await Promise.all(sims.splice(0).map((sim) => sim.stop()));
  await context.db.drop();
});

/** Reconnect delays after the bound session is lost and the provider stays away (three failed reconnects). */
async function reconnectSchedule(sim: ProviderSim, clock: ManualReconnectClock): Promise<number[]> {
  await sim.stop();
  for (let attempt = 1; attempt <= 3; attempt++) {
    await eventually(() => clock.delays.length === attempt);
    clock.fireLatest();
  }
  await eventually(() => clock.delays.length === 4);
  return clock.delays;
}

describe('Mobile Text Alerts connector (TLS)', () => {
  it('sends +E.164 with TON 1 and picks DCS 0x01, 0x03 or 0x08 by the text', async () => {
    const [sim] = await setUp('mta');
    runtime = startSimConnector(context, sim);
    await runtime.whenBound();
    const source = { type: 'number', number: '12125550100' } as const;
    for (const text of ['plain ascii', 'café crème', 'Привет']) {
      const message = await queueMessage(context, '4520000000', { source, body: { kind: 'text', text } });
      expect(await runtime.send(message)).toMatchObject({ kind: 'accepted' });
    }
    const sent = submits(sim);
    expect(sent.map((p) => submitPdu(p).data_coding)).toEqual([0x01, 0x03, 0x08]);
    for (const pdu of sent) {
      expect(submitPdu(pdu)).toMatchObject({
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: '+4520000000',
      });
      expect(pdu.raw.includes(Buffer.from('+4520000000\0', 'latin1'))).toBe(true);
    }
    expect(sent[1].raw.includes(Buffer.from('café crème', 'latin1'))).toBe(true);
    expect(sent[2].raw.includes(Buffer.from('\u041f\u0440', 'utf16le').swap16())).toBe(true);
  });

  it('forwards query_sm and cancel_sm with the provider id of the accepted attempt', async () => {
    const [sim] = await setUp('mta');
    runtime = startSimConnector(context, sim);
    await runtime.whenBound();
    const source = { type: 'number', number: '12125550100' } as const;
    const message = await queueMessage(context, '4520000004', { source });
    const outcome = await runtime.send(message);
    if (outcome.kind !== 'accepted') throw new Error(`not accepted: ${outcome.kind}`);
    const [providerId] = outcome.providerMessageIds;
    expect(await runtime.cancelSm(message.message.id)).toBe(true);
    const cancel = await sim.waitFor((p) => p.command === 'cancel_sm');
    expect(cancel.pdu).toMatchObject({ message_id: providerId, destination_addr: '+4520000004' });
    const query = await runtime.querySm(message.message.id);
    expect(query).toMatchObject({ message_id: providerId, message_state: DlrMessageState.DELETED });
    expect(await runtime.cancelSm(message.message.id)).toBe(false);
  });

  it('reconnects after 1, 2, 4, 8 s (003_*.txt) on a fake clock', async () => {
    const [sim] = await setUp('mta');
    const clock = new ManualReconnectClock();
    runtime = startSimConnector(context, sim, { reconnect: {}, reconnectClock: clock });
    await runtime.whenBound();
    expect(await reconnectSchedule(sim, clock)).toEqual([1_000, 2_000, 4_000, 8_000]);
  });
});

describe('GatewayAPI connector', () => {
  it('sends GSM text with DCS 0 and the user_message_reference TLV, and spreads binds over two hosts', async () => {
    const [first, second] = await setUp('gatewayapi', 2);
    runtime = startSimConnector(context, [first, second], { sessions: 2 });
    await runtime.whenBound(2);
    expect([first.sessions(), second.sessions()]).toEqual([1, 1]);
    const message = await queueMessage(context, '4520000000', { userMessageReference: 'order-42' });
    expect(await runtime.send(message)).toMatchObject({ kind: 'accepted' });
    const [sent] = [...submits(first), ...submits(second)];
    expect(submitPdu(sent)).toMatchObject({
      data_coding: 0,
      dest_addr_ton: 1,
      destination_addr: '4520000000',
    });
    const tlv = Buffer.alloc(4);
    tlv.writeUInt16BE(Tlv.user_message_reference, 0);
    expect(sent.raw.includes(tlv.subarray(0, 2))).toBe(true);
    expect(sent.raw.includes(Buffer.from('order-42', 'latin1'))).toBe(true);
    await eventually(async () => (await messageRow(context, message.message.id)).status === 'delivered');
  });

  it('reconnects every 30 s (002_*.txt) on a fake clock', async () => {
    const [sim] = await setUp('gatewayapi');
    const clock = new ManualReconnectClock();
    runtime = startSimConnector(context, sim, { reconnect: {}, reconnectClock: clock });
    await runtime.whenBound();
    expect(await reconnectSchedule(sim, clock)).toEqual([30_000, 30_000, 30_000, 30_000]);
  });
});

describe('Infobip connector', () => {
  it('caps binds at the 4 sessions of the account and sends a relative schedule', async () => {
    const [sim] = await setUp('infobip');
    const now = Date.now();
    runtime = startSimConnector(context, sim, { sessions: 6, clock: () => now });
    await runtime.whenBound(4);
    expect(sim.sessions()).toBe(4);
    const message = await queueMessage(context, '4520000000', {
      scheduleAt: new Date(now + 2 * 3_600_000 + 5 * 60_000),
    });
    expect(await runtime.send(message)).toMatchObject({ kind: 'accepted' });
    const schedule = submitPdu(submits(sim)[0]).schedule_delivery_time;
    // SPEC §7.1.1 relative time YYMMDDhhmmsst00R: 2 h 5 min from the connector's clock.
    expect(schedule).toBe('000000020500000R');
  });

  it('looks numbers up on a separate HLR bind and stores the answers', async () => {
    const [sim] = await setUp('infobip');
    const lookup = new NumberLookupService({
      profile: INFOBIP_PROFILE,
      hosts: [simHost(sim)],
      systemId: DEFAULT_SIM_ACCOUNT.system_id,
      password: DEFAULT_SIM_ACCOUNT.password,
      dataSource: context.db.dataSource,
      answerTimeoutMs: 3_000,
    });
    lookup.start();
    try {
      await lookup.whenBound();
      const bind = await sim.waitFor((p) => p.command === 'bind_transceiver');
      expect(bind.pdu).toMatchObject({ system_type: 'HLR' });
      expect(await lookup.lookupNumber('+385910000000')).toMatchObject({
        status: 'found',
        mcc: '219',
        mnc: '10',
        network: 'VIP-NET',
        ported: false,
      });
      expect(await lookup.lookupNumber('385910000005')).toMatchObject({
        status: 'found',
        network: 'T-Mobile HR',
        ported: true,
      });
      expect(await lookup.lookupNumber('385910000001')).toMatchObject({
        status: 'not_found',
        errorCode: '201',
      });
    } finally {
      await lookup.stop();
    }
    const rows: Array<{ msisdn: string; status: string; provider_message_key: string | null }> =
      await context.db.dataSource.query(
        `SELECT msisdn, status, provider_message_key FROM number_lookups ORDER BY requested_at, msisdn`,
      );
    expect(rows.map((row) => [row.msisdn, row.status])).toEqual([
      ['385910000000', 'found'],
      ['385910000005', 'found'],
      ['385910000001', 'not_found'],
    ]);
    expect(rows.every((row) => row.provider_message_key !== null)).toBe(true);
  });
});

describe('LabsMobile connector', () => {
  it('falls back to a transmitter and receiver pair when bind_transceiver is refused, and still gets receipts', async () => {
    const [sim] = await setUp('labsmobile');
    sim.setFault({ refuseBindTypes: ['transceiver'] });
    runtime = startSimConnector(context, sim);
    await runtime.whenBound(2);
    expect(runtime.bindPlanIndex).toBe(1);
    expect(runtime.boundSessions.map((s) => s.bindType).sort()).toEqual(['receiver', 'transmitter']);
    const message = await queueMessage(context, '4520000000');
    expect(await runtime.send(message)).toMatchObject({ kind: 'accepted' });
    await eventually(async () => (await messageRow(context, message.message.id)).status === 'delivered');
  });
});
