import {
  CommandStatus,
  createPdu,
  encodePdu,
  findTlv,
  parseDeliveryReceipt,
  SmppBindRejectedError,
  Tlv,
  tlvString,
  type DeliverSm,
} from '@app/smpp';
import { parseDeliver, parseNumberLookup, PROVIDER_PROFILES, type ProviderId } from '@app/providers';
import { DEFAULT_SIM_ACCOUNT, startProviderSim } from './provider-sim';
import { selfSignedCertificate } from './self-signed';
import { bindEsme, openSocket } from './testing/esme';
import type { ProviderSim, ProviderSimOptions } from './types';

let tls: { key: Buffer; cert: Buffer };

beforeAll(() => {
  tls = selfSignedCertificate(1);
});

const sims: ProviderSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.stop()));
});

async function sim(provider: ProviderId, options: Partial<ProviderSimOptions> = {}): Promise<ProviderSim> {
  const started = await startProviderSim({
    provider,
    dlrDelayMs: 0,
    ...(provider === 'mta' ? { tls } : {}),
    ...options,
  });
  sims.push(started);
  return started;
}

const isTls = (provider: ProviderId) => provider === 'mta';
const destination = (provider: ProviderId, lastDigit: number) =>
  `${provider === 'mta' ? '+' : ''}4520304${lastDigit}`;
const receiptText = (pdu: DeliverSm) => pdu.short_message.toString('latin1');

const MESSAGE_ID_FORMAT: Record<ProviderId, RegExp> = {
  infobip: /^\d{17}$/,
  gatewayapi: /^\d{10}$/,
  mta: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  labsmobile: /^[0-9a-f]{13}$/,
};

/** submit_sm_resp status per last digit 0..9 (README table). */
const SUBMIT_STATUS: Record<ProviderId, number[]> = {
  infobip: [0, 0, 0x0b, 0, 0, 0x22, 0x58, 0, 0, 0],
  gatewayapi: [0, 0, 0x0b, 0, 0, 0x08, 0x58, 0, 0, 0],
  mta: [0, 0, 0x0e, 0, 0, 0x45, 0x58, 0, 0, 0],
  labsmobile: [0, 0, 0xff, 0, 0, 0xff, 0x58, 0, 0, 0],
};

const RECEIPT_STATS: Record<ProviderId, string[][]> = Object.fromEntries(
  (['infobip', 'gatewayapi', 'mta', 'labsmobile'] as const).map((provider) => [
    provider,
    [
      ['DELIVRD'],
      ['UNDELIV'],
      [],
      ['EXPIRED'],
      [],
      [],
      [],
      [provider === 'mta' ? 'ACCEPTD' : 'ENROUTE', 'DELIVRD'],
      ['DELIVRD', 'ENROUTE'],
      ['DELIVRD', 'DELIVRD'],
    ],
  ]),
) as Record<ProviderId, string[][]>;

describe.each(['infobip', 'gatewayapi', 'mta', 'labsmobile'] as const)('%s simulator', (provider) => {
  it('answers every scripted outcome with its status, id format and receipts', async () => {
    const server = await sim(provider);
    const esme = await bindEsme(server, { tls: isTls(provider) });
    const ids: string[] = [];
    for (let digit = 0; digit <= 9; digit++) {
      const response = await esme.submit({
        source_addr: '4570000000',
        destination_addr: destination(provider, digit),
        data_coding: provider === 'mta' ? 1 : 0,
        short_message: Buffer.from('Hello world'),
      });
      expect({ digit, status: response.command_status }).toEqual({
        digit,
        status: SUBMIT_STATUS[provider][digit],
      });
      if (response.command_status === 0) expect(response.message_id).toMatch(MESSAGE_ID_FORMAT[provider]);
      else expect(response.message_id).toBe('');
      ids.push(response.message_id);
    }
    const expected = RECEIPT_STATS[provider].reduce((n, stats) => n + stats.length, 0);
    const receipts = await esme.waitForDelivered(expected);
    for (let digit = 0; digit <= 9; digit++) {
      const stats = receipts
        .filter((pdu) => parseDeliveryReceipt(receiptText(pdu)).id === ids[digit])
        .map((pdu) => parseDeliveryReceipt(receiptText(pdu)).stat);
      expect({ digit, stats }).toEqual({
        digit,
        stats: ids[digit] === '' ? [] : RECEIPT_STATS[provider][digit],
      });
    }
    for (const pdu of receipts) {
      const parsed = parseDeliver(pdu, PROVIDER_PROFILES[provider]);
      expect(parsed.kind).toBe('dlr');
      expect(pdu.esm_class).toBe(0x04);
      expect(pdu.source_addr).toMatch(/4520304\d$/);
      expect(pdu.destination_addr).toBe('4570000000');
    }
    await esme.session.unbind();
  });

  it('logs the exact octets of every PDU received', async () => {
    const server = await sim(provider);
    const esme = await bindEsme(server, { tls: isTls(provider) });
    const submit = createPdu('submit_sm', {
      destination_addr: destination(provider, 4),
      data_coding: 8,
      short_message: Buffer.from('00480069', 'hex'),
      tlvs: [{ tag: 0x1494, value: Buffer.from('1\0') }],
    });
    const response = await esme.session.request(submit);
    const logged = await server.waitFor((p) => p.command === 'submit_sm');
    expect(logged.raw).toEqual(encodePdu({ ...submit, sequence_number: response.sequence_number }));
    expect(logged.pdu).toMatchObject({ destination_addr: destination(provider, 4), data_coding: 8 });
    expect(server.received.map((p) => p.command)).toEqual(['bind_transceiver', 'submit_sm']);
    expect(logged.sessionId).toBe(server.received[0].sessionId);
  });

  it('refuses wrong credentials and every bind under the rejectBind fault', async () => {
    const server = await sim(provider);
    await expect(bindEsme(server, { tls: isTls(provider), password: 'wrong' })).rejects.toMatchObject({
      command_status: CommandStatus.ESME_RINVPASWD,
    });
    server.setFault({ rejectBind: CommandStatus.ESME_RBINDFAIL });
    await expect(bindEsme(server, { tls: isTls(provider) })).rejects.toBeInstanceOf(SmppBindRejectedError);
    server.clearFaults();
    await bindEsme(server, { tls: isTls(provider) });
    expect(server.sessions()).toBe(1);
  });
});

describe('receipt dialects', () => {
  const submitAndReceive = async (
    provider: ProviderId,
    fields: Parameters<typeof createPdu<'submit_sm'>>[1],
  ) => {
    const server = await sim(provider, { clock: () => Date.UTC(2025, 3, 23, 15, 42, 11) });
    const esme = await bindEsme(server, { tls: isTls(provider) });
    const response = await esme.submit({ source_addr: 'SENDER', ...fields });
    const [receipt] = await esme.waitForDelivered(1);
    return { id: response.message_id, receipt };
  };

  it('Infobip: no text field, err in the GSM network_error_code, message_state and receipted_message_id', async () => {
    const { id, receipt } = await submitAndReceive('infobip', { destination_addr: '385911234561' });
    expect(receiptText(receipt)).toBe(
      `id:${id} sub:001 dlvrd:000 submit date:2504231542 done date:2504231542 stat:UNDELIV err:001`,
    );
    expect(findTlv(receipt, Tlv.network_error_code)).toEqual(Buffer.from([3, 0, 1]));
    expect(findTlv(receipt, Tlv.message_state)).toEqual(Buffer.from([5]));
    expect(tlvString(findTlv(receipt, Tlv.receipted_message_id)!)).toBe(id);
  });

  it('GatewayAPI: dlvrd:000 on DELIVRD, text = first 20 chars of user_message_reference, TLV 0x0204 echoed', async () => {
    const { id, receipt } = await submitAndReceive('gatewayapi', {
      destination_addr: '4512345670',
      tlvs: [{ tag: Tlv.user_message_reference, value: Buffer.from([0x30, 0x39]) }],
    });
    expect(receiptText(receipt)).toBe(
      `id:${id} sub:001 dlvrd:000 submit date:2504231542 done date:2504231542 stat:DELIVRD err:000 text:09`,
    );
    expect(findTlv(receipt, Tlv.user_message_reference)).toEqual(Buffer.from('09'));
  });

  it('GatewayAPI: UNDELIV err:019 (0x1013 absent subscriber)', async () => {
    const { receipt } = await submitAndReceive('gatewayapi', { destination_addr: '4512345671' });
    const parsed = parseDeliver(receipt, PROVIDER_PROFILES.gatewayapi);
    expect(receiptText(receipt)).toContain('stat:UNDELIV err:019');
    expect(parsed).toMatchObject({ kind: 'dlr', final: true, category: 'temporary_failure' });
  });

  it('LabsMobile: no sub, dlvrd or text; message_state and receipted_message_id; id starts with the submit time', async () => {
    const { id, receipt } = await submitAndReceive('labsmobile', { destination_addr: '573137464370' });
    expect(id.slice(0, 8)).toBe('68090a53');
    expect(receiptText(receipt)).toBe(
      `id:${id} submit date:2504231542 done date:2504231542 stat:DELIVRD err:000`,
    );
    expect(findTlv(receipt, Tlv.message_state)).toEqual(Buffer.from([2]));
    expect(tlvString(findTlv(receipt, Tlv.receipted_message_id)!)).toBe(id);
  });

  it('MTA: text = first 20 chars of the message, decoded per data_coding', async () => {
    const { id, receipt } = await submitAndReceive('mta', {
      destination_addr: '+12125551230',
      data_coding: 3,
      short_message: Buffer.from('Café au lait: deux sucres', 'latin1'),
    });
    expect(receiptText(receipt)).toBe(
      `id:${id} sub:001 dlvrd:001 submit date:2504231542 done date:2504231542 stat:DELIVRD err:000 text:Café au lait: deux s`,
    );
    expect(receipt.tlvs).toEqual([]);
  });
});

describe('bind rules', () => {
  it('Infobip: four sessions per account, the fifth refused with ESME_RBINDFAIL', async () => {
    const server = await sim('infobip');
    for (let i = 0; i < 4; i++) await bindEsme(server);
    await expect(bindEsme(server)).rejects.toMatchObject({ command_status: CommandStatus.ESME_RBINDFAIL });
    expect(server.sessions()).toBe(4);
  });

  it('Infobip: accepts passwords longer than 8 characters, untruncated', async () => {
    const server = await sim('infobip', { credentials: [{ system_id: 'ib', password: 'Abcdefgh1234' }] });
    await bindEsme(server, { systemId: 'ib', password: 'Abcdefgh1234' });
    const bind = await server.waitFor((p) => p.command === 'bind_transceiver');
    expect(bind.pdu).toMatchObject({ password: 'Abcdefgh1234' });
  });

  it('LabsMobile: refusing TRX on demand with ESME_RINVCMDID, TX and RX still bind and receipts reach the RX', async () => {
    const server = await sim('labsmobile');
    server.setFault({ refuseBindTypes: ['transceiver'] });
    await expect(bindEsme(server)).rejects.toMatchObject({ command_status: CommandStatus.ESME_RINVCMDID });
    const tx = await bindEsme(server, { bindType: 'transmitter' });
    const response = await tx.submit({ destination_addr: '573137464370', short_message: Buffer.from('hi') });
    const rx = await bindEsme(server, { bindType: 'receiver' });
    const [receipt] = await rx.waitForDelivered(1);
    expect(parseDeliveryReceipt(receiptText(receipt)).id).toBe(response.message_id);
    expect(tx.delivered).toEqual([]);
  });

  it('MTA: a plain TCP connection is closed without an answer', async () => {
    const server = await sim('mta');
    const socket = await openSocket(server, false);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write(
      encodePdu(
        createPdu('bind_transceiver', {
          sequence_number: 1,
          system_id: DEFAULT_SIM_ACCOUNT.system_id,
          password: DEFAULT_SIM_ACCOUNT.password,
          interface_version: 0x34,
        }),
      ),
    );
    await closed;
    expect(received).toEqual([]);
    expect(server.sessions()).toBe(0);
  });

  it('MTA: refuses to start without a certificate', async () => {
    await expect(startProviderSim({ provider: 'mta' })).rejects.toThrow(/TLS only/);
  });

  it('MTA: closes a session idle beyond the configured limit', async () => {
    const server = await sim('mta', { idleTimeoutMs: 50 });
    const esme = await bindEsme(server, { tls: true });
    await expect(esme.session.whenClosed()).resolves.toBe('peer_closed');
    expect(server.sessions()).toBe(0);
  });
});

describe('faults', () => {
  const submit = (esme: Awaited<ReturnType<typeof bindEsme>>, lastDigit = 0) =>
    esme.submit({ destination_addr: `4520304${lastDigit}`, short_message: Buffer.from('x') });

  it('slowResponseMs delays the answer; noResponse never answers', async () => {
    const server = await sim('gatewayapi');
    const esme = await bindEsme(server);
    server.setFault({ slowResponseMs: 20 });
    const slow = await submit(esme);
    expect(slow.command_status).toBe(0);
    server.setFault({ slowResponseMs: 0, noResponse: true });
    let answered = false;
    const pending = submit(esme).then(() => (answered = true));
    await server.waitFor((p) => p.command === 'submit_sm' && p.sequenceNumber !== slow.sequence_number);
    const probe = await esme.session.request(createPdu('enquire_link'));
    expect(probe.command_status).toBe(0);
    expect(answered).toBe(false);
    esme.session.close();
    await expect(pending).rejects.toThrow();
  });

  it('dropSessionAfter answers n submits then drops the connection with the rest unanswered', async () => {
    const server = await sim('infobip');
    const esme = await bindEsme(server);
    server.setFault({ dropSessionAfter: 2 });
    const outcomes = await Promise.allSettled([0, 1, 2, 3].map(() => submit(esme)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    await esme.session.whenClosed();
    const again = await bindEsme(server);
    expect((await submit(again)).command_status).toBe(0);
  });

  it('dropSessions drops every connection at once, with the submits in flight unanswered', async () => {
    const server = await sim('labsmobile');
    const [first, second] = [await bindEsme(server), await bindEsme(server)];
    server.setFault({ noResponse: true });
    const pending = [submit(first), submit(first), submit(second)];
    await server.waitFor(() => server.received.filter((q) => q.command === 'submit_sm').length === 3);
    expect(server.dropSessions()).toBe(2);
    const outcomes = await Promise.allSettled(pending);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await Promise.all([first.session.whenClosed(), second.session.whenClosed()]);
    expect(server.received.some((p) => p.command === 'unbind')).toBe(false);
    expect(server.messageCount()).toBe(0);
  });

  it('dlrBeforeResp sends the receipt before the submit_sm_resp', async () => {
    const server = await sim('gatewayapi');
    const esme = await bindEsme(server);
    server.setFault({ dlrBeforeResp: true });
    const deliveredAtResponse: number[] = [];
    const response = await submit(esme).then((r) => {
      deliveredAtResponse.push(esme.delivered.length);
      return r;
    });
    expect(deliveredAtResponse).toEqual([1]);
    expect(parseDeliveryReceipt(receiptText(esme.delivered[0])).id).toBe(response.message_id);
  });

  it('duplicateDlr repeats every final receipt; enrouteAfterDelivered follows DELIVRD with ENROUTE', async () => {
    const server = await sim('gatewayapi');
    const esme = await bindEsme(server);
    server.setFault({ duplicateDlr: true });
    await submit(esme, 1);
    server.setFault({ duplicateDlr: false, enrouteAfterDelivered: true });
    await submit(esme, 0);
    const receipts = await esme.waitForDelivered(4);
    expect(receipts.map((pdu) => parseDeliveryReceipt(receiptText(pdu)).stat).sort()).toEqual(
      ['DELIVRD', 'ENROUTE', 'UNDELIV', 'UNDELIV'].sort(),
    );
  });

  it('throttles submits above the TPS with the provider status', async () => {
    const server = await sim('mta', { tps: 2, clock: () => 1_000_000 });
    const esme = await bindEsme(server, { tls: true });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await esme.submit({ destination_addr: '+12125551234', short_message: Buffer.from('x') }))
          .command_status,
      );
    }
    expect(statuses).toEqual([0, 0, 0x58, 0x58]);
  });

  it('rejects a data_coding the provider does not accept', async () => {
    const server = await sim('mta');
    const esme = await bindEsme(server, { tls: true });
    const refused = await esme.submit({
      destination_addr: '+12125551230',
      data_coding: 0x10,
      short_message: Buffer.from('x'),
    });
    const accepted = await esme.submit({
      destination_addr: '+12125551230',
      data_coding: 0x08,
      short_message: Buffer.from('0078', 'hex'),
    });
    expect([refused.command_status, accepted.command_status]).toEqual([CommandStatus.ESME_RSUBMITFAIL, 0]);
  });
});

describe('features', () => {
  it('LabsMobile answers a reject with a bare 16-octet submit_sm_resp', async () => {
    const server = await sim('labsmobile');
    const socket = await openSocket(server, false);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const bind = createPdu('bind_transmitter', {
      sequence_number: 1,
      ...DEFAULT_SIM_ACCOUNT,
      interface_version: 0x34,
    });
    const reject = createPdu('submit_sm', { sequence_number: 2, destination_addr: '34600000002' });
    const received = async (octets: Buffer) => {
      for (let i = 0; i < 200 && !Buffer.concat(chunks).includes(octets); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return Buffer.concat(chunks);
    };
    socket.write(encodePdu(bind));
    await received(Buffer.from('800000020000000000000001', 'hex'));
    chunks.length = 0;
    socket.write(encodePdu(reject));
    // command_length 16, submit_sm_resp, ESME_RUNKNOWNERR, sequence 2: no body at all.
    const expected = Buffer.from('00000010' + '80000004' + '000000ff' + '00000002', 'hex');
    expect(await received(expected)).toEqual(expected);
    socket.destroy();
  });

  it('MTA: query_sm reports the state; cancel_sm works only before the receipt', async () => {
    const server = await sim('mta', { dlrDelayMs: 60_000 });
    const esme = await bindEsme(server, { tls: true });
    const first = await esme.submit({ destination_addr: '+12125551230', short_message: Buffer.from('x') });
    const query = await esme.session.request(createPdu('query_sm', { message_id: first.message_id }));
    expect(query).toMatchObject({ command_status: 0, message_id: first.message_id, message_state: 1 });
    const cancel = await esme.session.request(createPdu('cancel_sm', { message_id: first.message_id }));
    expect(cancel.command_status).toBe(0);
    const twice = await esme.session.request(createPdu('cancel_sm', { message_id: first.message_id }));
    expect(twice.command_status).toBe(CommandStatus.ESME_RCANCELFAIL);
    const unknown = await esme.session.request(createPdu('query_sm', { message_id: 'nope' }));
    expect(unknown.command_status).toBe(CommandStatus.ESME_RQUERYFAIL);

    const instant = await sim('mta', { dlrDelayMs: 0 });
    const esme2 = await bindEsme(instant, { tls: true });
    const delivered = await esme2.submit({
      destination_addr: '+12125551230',
      short_message: Buffer.from('x'),
    });
    await esme2.waitForDelivered(1);
    const late = await esme2.session.request(createPdu('cancel_sm', { message_id: delivered.message_id }));
    expect(late.command_status).toBe(CommandStatus.ESME_RCANCELFAIL);
    const final = await esme2.session.request(createPdu('query_sm', { message_id: delivered.message_id }));
    expect(final).toMatchObject({ message_state: 2 });
    expect(final.final_date).toMatch(/^\d{13}00\+$/);
  });

  it('query_sm is not supported outside MTA', async () => {
    const server = await sim('infobip');
    const esme = await bindEsme(server);
    const query = await esme.session.request(createPdu('query_sm', { message_id: '1' }));
    expect(query.command_status).toBe(CommandStatus.ESME_RINVCMDID);
  });

  it('Infobip Number Lookup: HLR bind answers with the 0x14xx TLVs', async () => {
    const server = await sim('infobip');
    const esme = await bindEsme(server, { systemType: 'HLR' });
    await esme.submit({ destination_addr: '385911234565' });
    await esme.submit({ destination_addr: '385911234561' });
    const [found, missing] = await esme.waitForDelivered(2);
    const result = parseNumberLookup(found, PROVIDER_PROFILES.infobip);
    expect(result).toMatchObject({
      found: true,
      imsi: '219101100935850',
      mcc: '219',
      mnc: '10',
      ported: true,
    });
    expect(parseNumberLookup(missing, PROVIDER_PROFILES.infobip)).toMatchObject({ found: false });
  });

  it('sendMo delivers an MO on a receiving session and resolves on deliver_sm_resp', async () => {
    const server = await sim('gatewayapi');
    const esme = await bindEsme(server);
    await server.sendMo({}, { source: '4520304050', destination: '4570000000', text: 'STOP' });
    const [mo] = esme.delivered;
    expect(parseDeliver(mo, PROVIDER_PROFILES.gatewayapi)).toMatchObject({ kind: 'mo' });
    expect(mo.short_message).toEqual(Buffer.from('STOP'));
  });
});

describe('scripted outcomes per destination', () => {
  it('GatewayAPI: SMS error 0x107E is written as err:126, which the profile reads back as 0x107E', async () => {
    const server = await sim('gatewayapi', {
      script: [{ suffix: '4520000126', receipts: [{ stat: 'UNDELIV', code: 0x107e }] }],
      logSent: true,
    });
    const esme = await bindEsme(server);
    const response = await esme.submit({ source_addr: 'SENDER', destination_addr: '4520000126' });
    expect(response.command_status).toBe(CommandStatus.ESME_ROK);
    const [receipt] = await esme.waitForDelivered(1);
    expect(receiptText(receipt)).toMatch(/ stat:UNDELIV err:126$/);
    // The octets that left the simulator carry the same text.
    const sent = await server.waitForSent((p) => p.command === 'deliver_sm');
    expect(sent.raw.includes(Buffer.from('stat:UNDELIV err:126', 'latin1'))).toBe(true);
    expect(sent.raw.readUInt32BE(0)).toBe(sent.raw.length);
    const parsed = parseDeliver(receipt, PROVIDER_PROFILES.gatewayapi);
    expect(parsed).toMatchObject({
      kind: 'dlr',
      err: '404',
      providerError: { raw: '126', code: 0x107e, display: '0x107E', name: 'request failed' },
    });
  });

  it('GatewayAPI: a GWAPI code prints with four digits (0x1904 → err:2308)', async () => {
    const server = await sim('gatewayapi', {
      script: [{ suffix: '77', receipts: [{ stat: 'UNDELIV', code: 0x1904 }] }],
    });
    const esme = await bindEsme(server);
    await esme.submit({ source_addr: 'SENDER', destination_addr: '4520000077' });
    const [receipt] = await esme.waitForDelivered(1);
    expect(receiptText(receipt)).toContain('stat:UNDELIV err:2308');
    const parsed = parseDeliver(receipt, PROVIDER_PROFILES.gatewayapi);
    expect(parsed).toMatchObject({ providerError: { code: 0x1904, display: '0x1904' } });
  });

  it('Infobip: the code goes into err and the GSM network_error_code', async () => {
    const server = await sim('infobip', {
      script: [{ suffix: '0', receipts: [{ stat: 'UNDELIV', code: 27 }] }],
    });
    const esme = await bindEsme(server);
    await esme.submit({ source_addr: 'SENDER', destination_addr: '385911234560' });
    const [receipt] = await esme.waitForDelivered(1);
    expect(receiptText(receipt)).toContain('stat:UNDELIV err:027');
    expect(findTlv(receipt, Tlv.network_error_code)).toEqual(Buffer.from([3, 0, 27]));
  });

  it('the longest suffix wins, a submitStatus rejects, the rest keeps the last-digit table', async () => {
    const server = await sim('labsmobile', {
      script: [
        { suffix: '3', receipts: [{ stat: 'REJECTD' }] },
        { suffix: '123', receipts: [{ stat: 'ACCEPTD' }, { stat: 'DELETED' }] },
        { suffix: '9', submitStatus: CommandStatus.ESME_RSYSERR },
      ],
    });
    const esme = await bindEsme(server);
    const submit = (destination_addr: string) => esme.submit({ source_addr: 'S', destination_addr });
    expect((await submit('34600000123')).command_status).toBe(0);
    expect((await submit('34600000003')).command_status).toBe(0);
    expect((await submit('34600000009')).command_status).toBe(CommandStatus.ESME_RSYSERR);
    expect((await submit('34600000000')).command_status).toBe(0);
    const stats = (await esme.waitForDelivered(4)).map((pdu) => parseDeliveryReceipt(receiptText(pdu)).stat);
    expect(stats.sort()).toEqual(['ACCEPTD', 'DELETED', 'DELIVRD', 'REJECTD']);
    server.setScript([]);
    expect((await submit('34600000009')).command_status).toBe(0);
  });

  it('refuses a rule it cannot follow, naming it', async () => {
    await expect(sim('gatewayapi', { script: [{ suffix: '+45' }] })).rejects.toThrow(
      'script[0].suffix must be 1 to 20 digits',
    );
    await expect(
      sim('gatewayapi', { script: [{ suffix: '1', receipts: [{ stat: 'UNDELIV', code: 0x7e }] }] }),
    ).rejects.toThrow('script[0].receipts[0].code 126 is not an error code gatewayapi can write');
    await expect(
      sim('infobip', { script: [{ suffix: '1', receipts: [{ stat: 'LOST' as 'UNKNOWN' }] }] }),
    ).rejects.toThrow('script[0].receipts[0].stat LOST is not a stat');
    await expect(
      sim('infobip', { script: [{ suffix: '1', submitStatus: 0x0b, receipts: [{ stat: 'DELIVRD' }] }] }),
    ).rejects.toThrow('script[0]: a rejected submit has no receipts');
    const server = await sim('infobip');
    expect(() => server.setScript([{ suffix: '1', submitStatus: -1 }])).toThrow(
      'script[0].submitStatus must be a 32-bit command_status',
    );
    expect(() => server.waitForSent(() => true)).toThrow('waitForSent needs the logSent option');
  });

  it('logSent keeps the exact octets of every PDU written: bind_resp, submit_sm_resp, receipts', async () => {
    const server = await sim('mta', { logSent: true });
    const esme = await bindEsme(server, { tls: true });
    const response = await esme.submit({ source_addr: 'S', destination_addr: '+4520000000', data_coding: 1 });
    await esme.waitForDelivered(1);
    await server.waitForSent((p) => p.command === 'deliver_sm');
    expect(server.sent.map((p) => p.command)).toEqual([
      'bind_transceiver_resp',
      'submit_sm_resp',
      'deliver_sm',
    ]);
    const resp = server.sent[1];
    expect(resp.sequenceNumber).toBe(response.sequence_number);
    expect(resp.raw).toEqual(encodePdu(response));
  });
});
