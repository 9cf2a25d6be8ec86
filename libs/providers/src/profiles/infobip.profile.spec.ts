import {
  createPdu,
  decodePdu,
  DlrMessageState,
  encodePdu,
  parseRelativeTime,
  readFrame,
  resolveRelativeTime,
  type BindTransceiver,
} from '@app/smpp';
import { parseDeliver, type InboundDlr } from '../dlr/parse-deliver';
import {
  numberLookupBind,
  numberLookupSubmit,
  NumberLookupTlv as T,
  parseNumberLookup,
} from '../infobip/number-lookup';
import { submitRespMessageId } from '../message-id';
import { classifyBindResp, classifySubmitResp } from '../status/classify-status';
import { shapeSubmit } from '../submit/shape-submit';
import { deliverSm, NOW, submitted, textMessage, tlvOf } from '../testing/fixtures';
import { LABSMOBILE_PROFILE } from './labsmobile.profile';
import { INFOBIP_PROFILE as IB, InfobipTlv } from './infobip.profile';
import { MTA_PROFILE } from './mta.profile';

const DELIVERED_TEXT =
  'id:40072910491427628 sub:001 dlvrd:001 submit date:1007291049 done date:1007291049 stat:DELIVRD err:000';
const FAILED_TEXT =
  'id:40072910491419819 sub:001 dlvrd:001 submit date:1007291049 done date:1007291049 stat:UNDELIV err:001';

function receipt(...args: Parameters<typeof deliverSm>): InboundDlr {
  const parsed = parseDeliver(deliverSm(...args), IB);
  if (parsed.kind !== 'dlr') throw new Error('expected a receipt');
  return parsed;
}

/** The successful Number Lookup answer of 000_*.txt, TLV by TLV. */
function lookupAnswer() {
  return deliverSm(
    `${DELIVERED_TEXT}\nIMSI:219101100935850 MSC:38591016 HLR:38591xxxxxxx ORN:VipNet PON:VipNet RON:VipNet ROC:HR MCCMNC:21910`,
    {
      sourceAddr: '38591xxxxxxx',
      destinationAddr: '0000000000',
      tlvs: [
        tlvOf.networkErrorCode('030000'),
        tlvOf.messageState(2),
        tlvOf.receiptedMessageId('40072910491427628'),
        tlvOf.text(T.servingHlr, '38591xxxxxxx'),
        tlvOf.text(T.originalNetworkName, 'VipNet'),
        tlvOf.text(T.portedNetworkName, 'VipNet'),
        tlvOf.text(T.roamingNetworkName, 'VipNet'),
        tlvOf.text(T.roamingCountryName, 'Croatia '),
        tlvOf.text(T.roamingCountryCode, 'HR'),
        tlvOf.text(T.mccMnc, '21910'),
        tlvOf.int32(T.pricePerMessage, 1),
        tlvOf.text(T.roamingNetworkPrefix, '91'),
        tlvOf.text(T.roamingCountryPrefix, '385'),
        tlvOf.int32(T.isNumberPorted, 1),
        tlvOf.text(T.originalCountry, 'Croatia '),
        tlvOf.text(T.originalCountryCode, 'HR'),
        tlvOf.text(T.originalCountryPrefix, '385'),
        tlvOf.int32(T.isNumberCorrect, 1),
        tlvOf.hex(T.imsi, '323139313031313030393335383530'),
      ],
    },
  );
}

describe('Infobip profile (providers.md §7)', () => {
  it('TV-12: the delivered sample with its TLVs', () => {
    const dlr = receipt(DELIVERED_TEXT, {
      tlvs: [
        tlvOf.networkErrorCode('030000'),
        tlvOf.messageState(2),
        tlvOf.receiptedMessageId('40072910491427628'),
      ],
    });
    expect(dlr.providerMessageId).toBe('40072910491427628');
    expect(dlr.rawMessageId).toBe(dlr.receipt?.id);
    expect(dlr.submitDate).toEqual(new Date('2010-07-29T10:49:00Z'));
    expect(dlr.doneDate).toEqual(new Date('2010-07-29T10:49:00Z'));
    expect(dlr).toMatchObject({
      messageState: DlrMessageState.DELIVERED,
      final: true,
      category: 'delivered',
      err: '000',
    });
    expect(dlr.networkErrorCode).toEqual({ networkType: 3, networkTypeName: 'GSM', errorCode: 0 });
    expect(dlr.providerError).toMatchObject({ code: 0, name: 'NO_ERROR', source: 'network_error_code' });
    expect(dlr.problems).toEqual([]);
  });

  it('TV-13: HLR failure err:001 is EC_UNKNOWN_SUBSCRIBER, permanent, not rerouted', () => {
    const dlr = receipt(FAILED_TEXT, { tlvs: [tlvOf.networkErrorCode('030001'), tlvOf.messageState(5)] });
    expect(dlr).toMatchObject({
      messageState: DlrMessageState.UNDELIVERABLE,
      final: true,
      category: 'permanent_failure',
    });
    expect(dlr.providerError).toMatchObject({
      code: 1,
      name: 'EC_UNKNOWN_SUBSCRIBER',
      group: '1',
      permanent: true,
    });
    expect(dlr.err).toBe('201');
    expect(dlr.decision?.action).toBe('FAIL');
  });

  it('TV-13: without the TLV the GSM error is read from err', () => {
    const dlr = receipt(FAILED_TEXT);
    expect(dlr.providerError).toMatchObject({
      raw: '001',
      code: 1,
      source: 'err',
      name: 'EC_UNKNOWN_SUBSCRIBER',
    });
  });

  it('TV-14: Number Lookup TLVs: IMSI, MCC/MNC, ported, price ×100', () => {
    const result = parseNumberLookup(lookupAnswer(), IB);
    expect(result.imsi).toBe('219101100935850');
    expect(result).toMatchObject({
      mccMnc: '21910',
      mcc: '219',
      mnc: '10',
      ported: true,
      priceHundredths: 1,
    });
    expect(result.found).toBe(true);
    expect(result.numberCorrect).toBe(true);
    expect(result.servingHlr).toBe('38591xxxxxxx');
    expect(result.original).toEqual({
      networkName: 'VipNet',
      countryName: 'Croatia',
      countryCode: 'HR',
      countryPrefix: '385',
    });
    expect(result.roaming).toBe(false);
    expect(result.textFields).toMatchObject({ imsi: '219101100935850', msc: '38591016', mccmnc: '21910' });
  });

  it('TV-14: a failed lookup keeps its GSM error and no IMSI', () => {
    const answer = deliverSm(`${FAILED_TEXT}\nIMSI: MSC: ORN:VipNet MCCMNC:`, {
      tlvs: [
        tlvOf.networkErrorCode('030001'),
        tlvOf.messageState(5),
        tlvOf.receiptedMessageId('40072910491419819'),
        tlvOf.text(T.originalNetworkName, 'VipNet'),
        tlvOf.text(T.mccMnc, ''),
        tlvOf.int32(T.isNumberPorted, 0),
      ],
    });
    const result = parseNumberLookup(answer, IB);
    expect(result.found).toBe(false);
    expect(result.imsi).toBeUndefined();
    expect(result.mccMnc).toBeUndefined();
    expect(result.ported).toBe(false);
    expect(result.receipt.providerError).toMatchObject({ code: 1, name: 'EC_UNKNOWN_SUBSCRIBER' });
  });

  it('TV-15: Number Lookup binds with system_type HLR and submits only destination_addr', () => {
    expect(numberLookupBind(IB)).toEqual({ systemType: 'HLR', bindType: 'transceiver' });
    const request = numberLookupSubmit({ number: '+38591234567' }, IB);
    expect(request).toMatchObject({
      destination_addr: '38591234567',
      source_addr: '',
      short_message: Buffer.alloc(0),
      tlvs: [],
    });
    const resp = createPdu('submit_sm_resp', { message_id: '40072910491427628' });
    const answer = parseNumberLookup(lookupAnswer(), IB);
    expect(answer.receipt.providerMessageId).toBe(submitRespMessageId(resp, IB));
    expect(() => numberLookupBind(MTA_PROFILE)).toThrow(expect.objectContaining({ code: 'invalid-message' }));
  });

  it('TV-16: 0x22 "network not covered" is rerouted', () => {
    expect(classifySubmitResp(0x22, IB)).toMatchObject({ action: 'REROUTE', source: 'provider' });
  });

  it('TV-17: 0xFF is insufficient balance at Infobip, a generic error at MTA and LabsMobile', () => {
    expect(classifySubmitResp(0xff, IB)).toMatchObject({
      action: 'REROUTE',
      circuitBreak: true,
      alert: true,
      reason: 'account has insufficient balance',
    });
    const mta = classifySubmitResp(0xff, MTA_PROFILE);
    expect(mta).toMatchObject({
      action: 'RETRY',
      retries: 1,
      then: 'REROUTE',
      statusName: 'ESME_RUNKNOWNERR',
    });
    expect(mta.circuitBreak).toBeUndefined();
    const labsMobile = classifySubmitResp(0xff, LABSMOBILE_PROFILE);
    expect(labsMobile).toMatchObject({ action: 'REROUTE', suspectBalance: true });
    expect(labsMobile.circuitBreak).toBeUndefined();
  });

  it('TV-18: bind_resp 0x0E is invalid credentials: SESSION, no re-bind loop', () => {
    expect(classifyBindResp(0x0e, IB)).toMatchObject({
      action: 'SESSION',
      alert: true,
      mayBeBindType: false,
    });
  });

  it('TV-19: 0x4A1 "system error or channel disabled" is retried with backoff, then rerouted', () => {
    expect(classifySubmitResp(0x4a1, IB)).toMatchObject({ action: 'RETRY', retries: 2, then: 'REROUTE' });
  });

  it('TV-20: "deliver in 30 minutes" is forwarded as relative 000000003000000R', () => {
    const scheduleAt = new Date(NOW.getTime() + 30 * 60_000);
    const shaped = submitted(shapeSubmit(textMessage('Later', { scheduleAt }), IB, { now: NOW }));
    expect(shaped.pdus[0].schedule_delivery_time).toBe('000000003000000R');
  });

  it("TV-21: Infobip's example 070605040302100R keeps its tenth of a second, and round-trips", () => {
    const duration = parseRelativeTime('070605040302100R');
    expect(duration).toEqual({ years: 7, months: 6, days: 5, hours: 4, minutes: 3, seconds: 2, tenths: 1 });
    const scheduleAt = resolveRelativeTime(duration, NOW);
    const shaped = submitted(shapeSubmit(textMessage('Much later', { scheduleAt }), IB, { now: NOW }));
    expect(shaped.pdus[0].schedule_delivery_time).toBe('070605040302100R');
  });

  it('TV-22: a 2-part flash message goes as DCS 0 in 2 parts, or is rerouted, per config', () => {
    const text = 'x'.repeat(200);
    const plain = submitted(shapeSubmit(textMessage(text, { dataCoding: 0x10 }), IB, { now: NOW }));
    expect(plain.pdus).toHaveLength(2);
    expect(plain.pdus.map((pdu) => pdu.data_coding)).toEqual([0x00, 0x00]);
    expect(plain.pdus.map((pdu) => pdu.esm_class)).toEqual([0x40, 0x40]);
    expect(plain.flash).toBe(false);
    expect(plain.notes.join(' ')).toMatch(/multipart flash/);

    const rerouted = shapeSubmit(textMessage(text, { dataCoding: 0x10 }), IB, {
      now: NOW,
      unsupportedFlash: 'reroute',
    });
    expect(rerouted.kind).toBe('reroute');
  });

  it('TV-22: a single-part flash goes as DCS 16 (GSM7) or 24 (UCS-2)', () => {
    const gsm = submitted(shapeSubmit(textMessage('Flash!', { dataCoding: 0x10 }), IB, { now: NOW }));
    expect(gsm.pdus[0].data_coding).toBe(16);
    const ucs2 = submitted(shapeSubmit(textMessage('Молния', { flash: true }), IB, { now: NOW }));
    expect(ucs2.pdus[0].data_coding).toBe(24);
    // A Latin-1 request cannot be flash at Infobip (only 16 and 24 exist): the text goes as flash GSM7.
    const latin = submitted(
      shapeSubmit(textMessage('Café', { dataCoding: 0x03, flash: true }), IB, { now: NOW }),
    );
    expect(latin.pdus[0].data_coding).toBe(16);
  });

  it('TV-23: a 12-character password is sent untruncated (13 octets with its NUL)', () => {
    expect(IB.connection.allowLongPassword).toBe(true);
    const bind = createPdu('bind_transceiver', { system_id: 'user', password: 'Abcdefgh1234' });
    const bytes = encodePdu(bind);
    const field = Buffer.from('Abcdefgh1234\0', 'latin1');
    expect(field).toHaveLength(13);
    expect(bytes.indexOf(field)).toBeGreaterThan(16);
    const decoded = decodePdu(readFrame(bytes), { allowLongPassword: IB.connection.allowLongPassword });
    expect((decoded as BindTransceiver).password).toBe('Abcdefgh1234');
  });
});

describe('Infobip shaping beyond the test vectors', () => {
  it('reroutes binary bodies (support not documented)', () => {
    const body = { kind: 'binary' as const, octets: Buffer.from([1, 2, 3]) };
    expect(shapeSubmit(textMessage('', { body }), IB, { now: NOW }).kind).toBe('reroute');
  });

  it('keeps a Latin-1 request as DCS 3 and transcodes Cyrillic (DCS 6) to UCS-2', () => {
    const latin = submitted(shapeSubmit(textMessage('Café', { dataCoding: 0x03 }), IB, { now: NOW }));
    expect(latin.pdus[0]).toMatchObject({ data_coding: 0x03, short_message: Buffer.from('Café', 'latin1') });
    const cyrillic = submitted(shapeSubmit(textMessage('Привет', { dataCoding: 0x06 }), IB, { now: NOW }));
    expect(cyrillic.pdus[0].data_coding).toBe(0x08);
  });

  it('reroutes a message of more than 25 parts', () => {
    expect(shapeSubmit(textMessage('y'.repeat(153 * 26)), IB, { now: NOW }).kind).toBe('reroute');
  });

  it('adds URL shortening TLVs when asked', () => {
    const shaped = submitted(
      shapeSubmit(textMessage('See https://example.com'), IB, {
        now: NOW,
        urlShortening: { customDomain: 'https://go.example', removeProtocol: true },
      }),
    );
    expect(shaped.pdus[0].tlvs).toEqual([
      { tag: InfobipTlv.customDomain, value: Buffer.from('go.example\0') },
      { tag: InfobipTlv.removeProtocol, value: Buffer.from('true\0') },
    ]);
  });

  it('sends a relative validity period', () => {
    const validUntil = new Date(NOW.getTime() + 48 * 3_600_000);
    const shaped = submitted(shapeSubmit(textMessage('Hi', { validUntil }), IB, { now: NOW }));
    expect(shaped.pdus[0].validity_period).toBe('000002000000000R');
    expect(shaped.expiresAt).toBeUndefined();
  });

  it('reads ACCEPTD as pending, not final', () => {
    const dlr = receipt('id:1 submit date:1007291049 done date:1007291049 stat:ACCEPTD err:000');
    expect(dlr).toMatchObject({ final: false, category: 'pending', err: '000' });
    expect(dlr.decision).toBeUndefined();
  });
});
