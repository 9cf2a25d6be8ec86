import { DlrMessageState, Tlv } from '@app/smpp';
import fc from 'fast-check';
import { ProviderInputError } from '../errors';
import { PROVIDER_PROFILES } from '../profiles';
import { deliverSm, tlvOf } from '../testing/fixtures';
import { parseDeliver, type InboundDlr, type InboundMo } from './parse-deliver';
import { DLR_ERR_DESCRIPTIONS, DlrErr } from './taxonomy';

const { gatewayapi: GW, infobip: IB, mta: MTA } = PROVIDER_PROFILES;

function dlr(...args: Parameters<typeof deliverSm>): InboundDlr {
  const parsed = parseDeliver(deliverSm(...args), GW);
  if (parsed.kind !== 'dlr') throw new Error('expected a receipt');
  return parsed;
}

function mo(...args: Parameters<typeof deliverSm>): InboundMo {
  const parsed = parseDeliver(deliverSm(...args), IB);
  if (parsed.kind !== 'mo') throw new Error('expected an MO');
  return parsed;
}

const line = (stat: string, err = '000') =>
  `id:77 submit date:2504231542 done date:2504231543 stat:${stat} err:${err}`;

describe('parseDeliver: receipts', () => {
  it.each([
    ['EXPIRED', 'expired', DlrErr.expired, 'FAIL'],
    ['DELETED', 'permanent_failure', DlrErr.deleted, 'FAIL'],
    ['REJECTD', 'rejected', DlrErr.messageRefused, 'REROUTE'],
    ['UNDELIV', 'permanent_failure', DlrErr.permanentFailure, 'FAIL'],
  ])('a final %s without a reason is %s, err %s, %s', (stat, category, err, action) => {
    expect(dlr(line(stat))).toMatchObject({ final: true, category, err, decision: { action } });
  });

  it('never makes an intermediate notification (esm_class 0x20) final', () => {
    const parsed = dlr(line('DELIVRD'), { esmClass: 0x20 });
    expect(parsed).toMatchObject({ intermediate: true, final: false });
    expect(parsed.decision).toBeUndefined();
  });

  it('reads the receipt from message_payload when short_message is empty', () => {
    const parsed = dlr(Buffer.alloc(0), {
      tlvs: [{ tag: Tlv.message_payload, value: Buffer.from(line('DELIVRD')) }],
    });
    expect(parsed).toMatchObject({ providerMessageId: '77', category: 'delivered' });
  });

  it('takes id and state from the TLVs when the text is unreadable', () => {
    const parsed = dlr('garbage', { tlvs: [tlvOf.receiptedMessageId('0042'), tlvOf.messageState(3)] });
    expect(parsed).toMatchObject({
      providerMessageId: '42',
      messageState: DlrMessageState.EXPIRED,
      stat: 'EXPIRED',
    });
    expect(parsed.receipt).toBeUndefined();
    expect(parsed.problems.join(' ')).toMatch(/receipt text/);
  });

  it('falls back on the text when message_state is not a state, and says so', () => {
    const parsed = dlr(line('DELIVRD'), { tlvs: [tlvOf.messageState(9)] });
    expect(parsed.messageState).toBe(DlrMessageState.DELIVERED);
    expect(parsed.problems).toEqual(['message_state TLV 09 is not a state']);
  });

  it('reports a network_error_code of the wrong length and carries on', () => {
    const parsed = dlr(line('DELIVRD'), { tlvs: [tlvOf.networkErrorCode('0300')] });
    expect(parsed.networkErrorCode).toBeUndefined();
    expect(parsed.problems).toEqual(['network_error_code TLV has 2 octets, not 3']);
  });

  it('uses a GSM network_error_code at Infobip even when err is 000, and not at GatewayAPI', () => {
    const tlvs = [tlvOf.networkErrorCode('0304a1')];
    const infobip = parseDeliver(deliverSm(line('UNDELIV'), { tlvs }), IB) as InboundDlr;
    expect(infobip.providerError).toMatchObject({
      code: 0x4a1,
      source: 'network_error_code',
      name: expect.stringMatching(/SS7/),
    });
    const gateway = dlr(line('UNDELIV'), { tlvs });
    expect(gateway.providerError).toMatchObject({ code: 0x1000, source: 'err' });
    expect(gateway.networkErrorCode).toEqual({ networkType: 3, networkTypeName: 'GSM', errorCode: 0x4a1 });
  });

  it('refuses a receipt with no id or no state', () => {
    expect(() => dlr('stat:DELIVRD')).toThrow(expect.objectContaining({ code: 'invalid-deliver' }));
    expect(() => dlr('id:1 stat:WEIRD')).toThrow(expect.objectContaining({ code: 'invalid-deliver' }));
    expect(() => dlr('', { tlvs: [tlvOf.receiptedMessageId('')] })).toThrow(ProviderInputError);
  });

  it('throws nothing but ProviderInputError, whatever the bytes', () => {
    const anyTlv = fc.record({
      tag: fc.integer({ min: 0, max: 0x3fff }),
      value: fc.uint8Array({ maxLength: 8 }),
    });
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom(0x04, 0x20),
        fc.array(anyTlv, { maxLength: 4 }),
        fc.constantFrom(GW, IB, MTA),
        (bytes, esmClass, tlvs, profile) => {
          const pdu = deliverSm(Buffer.from(bytes), {
            esmClass,
            tlvs: tlvs.map(({ tag, value }) => ({ tag, value: Buffer.from(value) })),
          });
          try {
            parseDeliver(pdu, profile);
          } catch (error) {
            expect(error).toBeInstanceOf(ProviderInputError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parseDeliver: MO messages', () => {
  it('reads a concatenated part: the UDH goes into concat, the text is decoded', () => {
    const body = Buffer.concat([Buffer.from('050003010201', 'hex'), Buffer.from('Hi', 'latin1')]);
    const parsed = mo(body, { esmClass: 0x40, sourceAddr: '4512345678', destinationAddr: '4520000000' });
    expect(parsed).toMatchObject({ messageType: 'normal', text: 'Hi', destinationNumber: '4520000000' });
    expect(parsed.concat).toEqual({ reference: 1, total: 2, sequence: 1, referenceBits: 8 });
  });

  it('decodes UCS-2 and leaves binary undecoded', () => {
    expect(mo(Buffer.from('0416', 'hex'), { esmClass: 0, dataCoding: 8 }).text).toBe('Ж');
    const binary = mo(Buffer.from([0xff, 0x00]), { esmClass: 0, dataCoding: 4 });
    expect(binary.text).toBeUndefined();
    expect(binary.problems).toEqual([]);
  });

  it('reports a broken UDH or undecodable octets instead of throwing', () => {
    expect(mo(Buffer.from('09000301', 'hex'), { esmClass: 0x40 }).problems[0]).toMatch(/^body:/);
    expect(mo(Buffer.from([0x04]), { esmClass: 0, dataCoding: 8 }).problems).toHaveLength(1);
    expect(mo(Buffer.from('x'), { esmClass: 0, dataCoding: 0x05 }).problems[0]).toMatch(/jis/);
  });

  it('names SME acknowledgements and other non-receipt types', () => {
    expect(mo('ok', { esmClass: 0x08 }).messageType).toBe('sme-delivery-ack');
    expect(mo('ok', { esmClass: 0x10 }).messageType).toBe('sme-manual-ack');
    expect(mo('ok', { esmClass: 0x18 }).messageType).toBe('conversation-abort');
    expect(mo('ok', { esmClass: 0x0c }).messageType).toBe('other');
  });
});

describe('the normalised err scheme', () => {
  it('describes every code, all of three digits', () => {
    for (const code of Object.values(DlrErr)) {
      expect(code).toMatch(/^\d{3}$/);
      expect(DLR_ERR_DESCRIPTIONS[code]).toBeTruthy();
    }
    expect(new Set(Object.values(DlrErr)).size).toBe(Object.values(DlrErr).length);
  });

  it('keeps every provider table entry within the scheme', () => {
    for (const profile of [GW, IB]) {
      for (let code = 0; code <= 0x2000; code++) {
        const entry = profile.receipts.errors.lookup(code);
        if (entry !== undefined) expect(DLR_ERR_DESCRIPTIONS[entry.err]).toBeTruthy();
      }
    }
  });
});
