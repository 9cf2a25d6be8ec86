import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { bindEsme, openSocket } from './testing/esme';
import type { ProviderSim, ProviderSimOptions } from './types';

let tlsDir: string;
let tls: { key: Buffer; cert: Buffer };

beforeAll(() => {
  tlsDir = mkdtempSync(join(tmpdir(), 'provider-sim-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(tlsDir, 'key.pem'),
      '-out',
      join(tlsDir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
  tls = { key: readFileSync(join(tlsDir, 'key.pem')), cert: readFileSync(join(tlsDir, 'cert.pem')) };
});

afterAll(() => rmSync(tlsDir, { recursive: true, force: true }));

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
