import {
  DlrMessageState,
  interpretDataCoding,
  parseRelativeTime,
  receiptTextOf,
  resolveRelativeTime,
  Tlv,
} from '@app/smpp';
import { mergeState } from '../dlr/merge-state';
import { parseDeliver, type InboundDlr } from '../dlr/parse-deliver';
import { shapeSubmit } from '../submit/shape-submit';
import { deliverSm, NOW, submitted, textMessage } from '../testing/fixtures';
import { GATEWAYAPI_PROFILE as GW } from './gatewayapi.profile';

function receipt(text: string, tlvs: Tlv[] = []): InboundDlr {
  const parsed = parseDeliver(deliverSm(text, { tlvs }), GW);
  if (parsed.kind !== 'dlr') throw new Error('expected a receipt');
  return parsed;
}

const undeliv = (err: string) =>
  receipt(
    `id:1390125333 sub:001 dlvrd:000 submit date:2011181145 done date:2011181145 stat:UNDELIV err:${err} text:ref`,
  );

describe('GatewayAPI profile (providers.md §7)', () => {
  it('TV-01: err:126 is SMS error 0x107E "request failed", rerouted', () => {
    const dlr = undeliv('126');
    expect(dlr.providerError).toEqual({
      raw: '126',
      source: 'err',
      code: 0x107e,
      display: '0x107E',
      known: true,
      name: 'request failed',
      group: 'ESME',
    });
    expect(dlr.decision?.action).toBe('REROUTE');
    expect(dlr.err).toBe('404');
    expect(dlr.category).toBe('temporary_failure');
  });

  it('TV-02: the failure sample reads as UNDELIVERABLE with HLR "absent subscriber"', () => {
    const dlr = receipt(
      'id:1390125333 sub:001 dlvrd:000 submit date:2011181145 done date:2011181145 stat:UNDELIV err:019 text:user_message_reference',
    );
    expect(dlr.providerMessageId).toBe('1390125333');
    expect(dlr.submitDate).toEqual(new Date('2020-11-18T11:45:00Z'));
    expect(dlr.doneDate).toEqual(new Date('2020-11-18T11:45:00Z'));
    expect(dlr.messageState).toBe(DlrMessageState.UNDELIVERABLE);
    expect(dlr.final).toBe(true);
    expect(dlr.providerError).toMatchObject({
      raw: '019',
      code: 0x1013,
      group: 'HLR',
      name: 'absent subscriber',
    });
    expect(dlr.err).toBe('101');
    expect(dlr.decision?.action).toBe('FAIL');
    expect(dlr.text).toBe('user_message_reference');
  });

  it('TV-03: DELIVRD is delivered even with dlvrd:000; sub and dlvrd are ignored', () => {
    const dlr = receipt(
      'id:1390125333 sub:001 dlvrd:000 submit date:2011181054 done date:2011181054 stat:DELIVRD err:000 text:user_message_reference',
    );
    expect(dlr.messageState).toBe(DlrMessageState.DELIVERED);
    expect(dlr.final).toBe(true);
    expect(dlr.category).toBe('delivered');
    expect(dlr.err).toBe('000');
    expect(dlr.providerError).toMatchObject({ code: 0x1000, name: 'success' });
    expect(dlr.decision?.action).toBe('OK');
  });

  it('TV-04: an ENROUTE after DELIVRD for the same id is dropped; DELIVERED stays', () => {
    const delivered = receipt(
      'id:1390125333 submit date:2011181054 done date:2011181054 stat:DELIVRD err:000',
    );
    const enroute = receipt('id:1390125333 submit date:2011181054 done date:2011181055 stat:ENROUTE err:000');
    expect(enroute.providerMessageId).toBe(delivered.providerMessageId);
    expect(enroute.final).toBe(false);

    const first = mergeState(undefined, delivered);
    const second = mergeState(first.state, enroute);
    expect(second.outcome).toBe('stale');
    expect(second.state.messageState).toBe(DlrMessageState.DELIVERED);
  });

  it('TV-05: err 046, 128 and 146 map to MSC internal error, queue full and insufficient funds', () => {
    const msc = undeliv('046');
    expect(msc.providerError).toMatchObject({ code: 0x102e, name: 'MSC internal error' });
    expect(msc.decision?.action).toBe('REROUTE');

    const queueFull = undeliv('128');
    expect(queueFull.providerError).toMatchObject({ code: 0x1080, name: 'message queue full' });
    expect(queueFull.decision?.action).toBe('THROTTLE');

    const funds = undeliv('146');
    expect(funds.providerError).toMatchObject({ code: 0x1092, name: 'operation barred, insufficient funds' });
    expect(funds.decision).toMatchObject({ action: 'REROUTE', circuitBreak: true, alert: true });
    expect(funds.err).toBe('402');
  });

  it('TV-06: the full reference travels in TLV 0x0204; correlation uses the TLV, not the 20-char text', () => {
    const reference = 'ORDER-2024-000123456789';
    const shaped = submitted(
      shapeSubmit(textMessage('Your order', { userMessageReference: reference }), GW, { now: NOW }),
    );
    const sent = shaped.pdus[0].tlvs.find((tlv) => tlv.tag === Tlv.user_message_reference);
    expect(sent?.value.toString('latin1')).toBe(reference);

    // providers.md gives `text:ORDER-2024-00012345`, which is 19 characters: a slip in the doc. The
    // rule (002_*.txt) is the first 20 characters: ORDER-2024-000123456.
    const text = receiptTextOf(reference);
    expect(text).toBe('ORDER-2024-000123456');
    const dlr = receipt(
      `id:1390125333 sub:001 dlvrd:001 submit date:2011181054 done date:2011181054 stat:DELIVRD err:000 text:${text}`,
      [{ tag: Tlv.user_message_reference, value: Buffer.from(reference, 'latin1') }],
    );
    expect(dlr.text).toBe(text);
    expect(dlr.userMessageReference?.text).toBe(reference);
  });

  it('TV-06: a numeric reference is sent in the SPEC 2-octet form', () => {
    const shaped = submitted(shapeSubmit(textMessage('Hi', { userMessageReference: 513 }), GW, { now: NOW }));
    const sent = shaped.pdus[0].tlvs.find((tlv) => tlv.tag === Tlv.user_message_reference);
    expect(sent?.value).toEqual(Buffer.from([0x02, 0x01]));
  });

  it('TV-07: DCS 240 is GSM7 flash and 24 UCS-2 flash; GatewayAPI gets DCS 0/8 plus dest_addr_subunit 1', () => {
    expect(interpretDataCoding(0xf0)).toMatchObject({ alphabet: 'gsm7', messageClass: 0, flash: true });
    expect(interpretDataCoding(0x18)).toMatchObject({ alphabet: 'ucs2', messageClass: 0, flash: true });

    const gsm = submitted(shapeSubmit(textMessage('Alert', { dataCoding: 0xf0 }), GW, { now: NOW }));
    expect(gsm.pdus[0].data_coding).toBe(0x00);
    expect(gsm.pdus[0].tlvs).toContainEqual({ tag: Tlv.dest_addr_subunit, value: Buffer.from([1]) });
    expect(gsm.flash).toBe(true);

    const ucs2 = submitted(shapeSubmit(textMessage('Тревога', { dataCoding: 0x18 }), GW, { now: NOW }));
    expect(ucs2.pdus[0].data_coding).toBe(0x08);
    expect(ucs2.pdus[0].tlvs).toContainEqual({ tag: Tlv.dest_addr_subunit, value: Buffer.from([1]) });
  });

  it('TV-08: DCS 1 "Hello" goes as DCS 0 with GSM7 octets 48 65 6C 6C 6F', () => {
    const shaped = submitted(shapeSubmit(textMessage('Hello', { dataCoding: 0x01 }), GW, { now: NOW }));
    expect(shaped.pdus).toHaveLength(1);
    expect(shaped.pdus[0].data_coding).toBe(0x00);
    expect(shaped.pdus[0].short_message).toEqual(Buffer.from([0x48, 0x65, 0x6c, 0x6c, 0x6f]));
  });

  it('TV-09: TON 0 is sent as international TON 1; a national TON 2 number is converted first', () => {
    const unknownTon = submitted(
      shapeSubmit(textMessage('Hi', { destination: { number: '4512345678', ton: 0, npi: 0 } }), GW, {
        now: NOW,
      }),
    );
    expect(unknownTon.pdus[0]).toMatchObject({
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '4512345678',
    });

    const national = submitted(
      shapeSubmit(
        textMessage('Hi', { destination: { number: '07700900123', ton: 2, countryCallingCode: '44' } }),
        GW,
        { now: NOW },
      ),
    );
    expect(national.pdus[0]).toMatchObject({
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '447700900123',
    });

    expect(() =>
      shapeSubmit(textMessage('Hi', { destination: { number: '07700900123', ton: 2 } }), GW, { now: NOW }),
    ).toThrow(expect.objectContaining({ code: 'invalid-destination' }));
  });

  it('TV-10: a schedule is held by the engine, then sent without schedule_delivery_time', () => {
    const scheduleAt = resolveRelativeTime(parseRelativeTime('000000010000000R'), NOW);
    expect(scheduleAt).toEqual(new Date(NOW.getTime() + 3_600_000));

    const held = shapeSubmit(textMessage('Later', { scheduleAt }), GW, { now: NOW });
    expect(held).toMatchObject({ kind: 'hold', holdUntil: scheduleAt });

    const released = submitted(shapeSubmit(textMessage('Later', { scheduleAt }), GW, { now: scheduleAt }));
    expect(released.pdus[0].schedule_delivery_time).toBe('');
  });

  it('TV-11: a four-digit err 2306 is accepted and read as 0x1902 "messageclass not configured"', () => {
    const dlr = undeliv('2306');
    expect(dlr.providerError).toMatchObject({ raw: '2306', code: 0x1902, display: '0x1902', group: 'GWAPI' });
    expect(dlr.providerError?.name).toBe('messageclass not configured');
    expect(dlr.decision).toMatchObject({ action: 'REROUTE', malformedPdu: true });
    expect(dlr.problems).toEqual([]);
  });
});

describe('GatewayAPI shaping beyond the test vectors', () => {
  it('sends a long message in one PDU with message_payload and counts its segments', () => {
    const text = 'a'.repeat(400);
    const shaped = submitted(shapeSubmit(textMessage(text), GW, { now: NOW }));
    expect(shaped.pdus).toHaveLength(1);
    expect(shaped.segments).toBe(3);
    expect(shaped.pdus[0].short_message).toHaveLength(0);
    expect(shaped.pdus[0].tlvs.find((tlv) => tlv.tag === Tlv.message_payload)?.value).toHaveLength(400);
  });

  it('sends binary bodies with DCS 4', () => {
    const body = { kind: 'binary' as const, octets: Buffer.from('0605040b8423f0', 'hex') };
    const shaped = submitted(shapeSubmit(textMessage('', { body, dataCoding: 0xf5 }), GW, { now: NOW }));
    expect(shaped.pdus[0].data_coding).toBe(0x04);
    expect(shaped.pdus[0].short_message).toEqual(body.octets);
  });

  it('puts the message class in its vendor TLV 0x2900', () => {
    const shaped = submitted(shapeSubmit(textMessage('Hi'), GW, { now: NOW, messageClass: 'premium' }));
    expect(shaped.pdus[0].tlvs).toContainEqual({ tag: 0x2900, value: Buffer.from('premium') });
  });

  it('reads ENROUTE and BUFFERD as pending and ACCEPTD as final', () => {
    const line = (stat: string) => `id:1 submit date:2011181054 done date:2011181054 stat:${stat} err:000`;
    expect(receipt(line('BUFFERD'))).toMatchObject({ final: false, category: 'pending' });
    expect(receipt(line('ENROUTE'))).toMatchObject({ final: false, category: 'pending' });
    expect(receipt(line('ACCEPTD'))).toMatchObject({ final: true, category: 'delivered' });
    expect(receipt(line('UNKNOWN'))).toMatchObject({ final: false, category: 'unknown', err: '999' });
  });

  it('keeps a code missing from the table verbatim and falls back on the state', () => {
    const dlr = undeliv('255');
    expect(dlr.providerError).toMatchObject({ raw: '255', code: 0x10ff, known: false });
    expect(dlr).toMatchObject({ category: 'permanent_failure', err: '299' });
    expect(dlr.decision?.action).toBe('FAIL');
  });

  it('normalises a decimal id with leading zeros for correlation and keeps the raw one', () => {
    const dlr = receipt('id:0001390125333 stat:DELIVRD err:000');
    expect(dlr.providerMessageId).toBe('1390125333');
    expect(dlr.rawMessageId).toBe('0001390125333');
  });
});
