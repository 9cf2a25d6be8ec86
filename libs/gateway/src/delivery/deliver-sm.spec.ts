import { decodePdu, encodePdu, findTlv, FrameDecoder, parseDeliveryReceipt, Tlv, tlvString } from '@app/smpp';
import {
  buildMo,
  buildReceipt,
  DLR_STATES,
  fromStoredDeliverSm,
  receiptRequested,
  toStoredDeliverSm,
  type DlrState,
  type ReceiptSource,
} from './deliver-sm';
import { InvalidDeliveryError } from './delivery.errors';

const message: ReceiptSource = {
  id: '9f1c2e3d4b5a69788796a5b4',
  source_addr: 'ACME',
  source_addr_ton: 5,
  source_addr_npi: 0,
  destination_addr: '4790000001',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  dlr_text: 'Your code is 123456, valid 5 min',
  user_message_reference: 4242,
  submitted_at: new Date('2025-04-23T16:34:10Z'),
};

const doneAt = new Date('2025-04-23T16:35:59Z');

/** Through the wire and back, as a tenant would read it. */
function onTheWire(pdu: ReturnType<typeof buildReceipt>) {
  let decoded: ReturnType<typeof decodePdu> | undefined;
  new FrameDecoder().push(encodePdu({ ...pdu, sequence_number: 7 }), (frame) => (decoded = decodePdu(frame)));
  if (decoded?.command !== 'deliver_sm') throw new Error('expected a deliver_sm');
  return decoded;
}

describe('receiptRequested (registered_delivery, SMPP 3.4 §5.2.17)', () => {
  const finalFailures: DlrState[] = ['undeliverable', 'expired', 'rejected', 'deleted', 'unknown_final'];
  const intermediates: DlrState[] = ['enroute', 'accepted', 'unknown'];

  it('none (00) asks for nothing', () => {
    for (const state of DLR_STATES) expect(receiptRequested(0x00, state)).toBe(false);
  });

  it('01 asks for every final outcome, success and failure', () => {
    expect(receiptRequested(0x01, 'delivered')).toBe(true);
    for (const state of finalFailures) expect(receiptRequested(0x01, state)).toBe(true);
    for (const state of intermediates) expect(receiptRequested(0x01, state)).toBe(false);
  });

  it('10 asks for failures only', () => {
    expect(receiptRequested(0x02, 'delivered')).toBe(false);
    for (const state of finalFailures) expect(receiptRequested(0x02, state)).toBe(true);
  });

  it('bit 4 (0x10) asks for intermediate notifications, independently of bits 1-0', () => {
    for (const state of intermediates) {
      expect(receiptRequested(0x10, state)).toBe(true);
      expect(receiptRequested(0x11, state)).toBe(true);
    }
    expect(receiptRequested(0x10, 'delivered')).toBe(false);
    expect(receiptRequested(0x12, 'undeliverable')).toBe(true);
  });

  it('11 (reserved) asks for no receipt; SME acknowledgement bits are not ours', () => {
    expect(receiptRequested(0x03, 'delivered')).toBe(false);
    expect(receiptRequested(0x0c, 'delivered')).toBe(false);
  });
});

describe('buildReceipt', () => {
  it('writes a final receipt: esm_class 0x04, swapped addresses, Appendix B text and the TLVs', () => {
    const pdu = onTheWire(
      buildReceipt(message, {
        state: 'delivered',
        err: '000',
        networkErrorCode: Buffer.from([3, 0, 1]),
        doneAt,
      }),
    );
    expect(pdu).toMatchObject({
      esm_class: 0x04,
      source_addr: '4790000001',
      source_addr_ton: 1,
      source_addr_npi: 1,
      destination_addr: 'ACME',
      dest_addr_ton: 5,
      dest_addr_npi: 0,
      data_coding: 0,
      registered_delivery: 0,
    });
    expect(pdu.short_message.toString('ascii')).toBe(
      'id:9f1c2e3d4b5a69788796a5b4 sub:001 dlvrd:001 submit date:2504231634 done date:2504231635 ' +
        'stat:DELIVRD err:000 text:Your code is 123456,',
    );
    expect(tlvString(findTlv(pdu, Tlv.receipted_message_id)!)).toBe(message.id);
    expect(findTlv(pdu, Tlv.message_state)).toEqual(Buffer.from([2]));
    expect(findTlv(pdu, Tlv.network_error_code)).toEqual(Buffer.from([3, 0, 1]));
    expect(findTlv(pdu, Tlv.user_message_reference)).toEqual(Buffer.from([0x10, 0x92]));
  });

  it('writes a failure with dlvrd:000 and its err, without the TLVs it has no value for', () => {
    const pdu = onTheWire(
      buildReceipt(
        { ...message, user_message_reference: null },
        { state: 'undeliverable', err: '019', doneAt },
      ),
    );
    const receipt = parseDeliveryReceipt(pdu.short_message.toString('ascii'));
    expect(receipt).toMatchObject({ id: message.id, dlvrd: 0, stat: 'UNDELIV', err: 19 });
    expect(findTlv(pdu, Tlv.message_state)).toEqual(Buffer.from([5]));
    expect(findTlv(pdu, Tlv.network_error_code)).toBeUndefined();
    expect(findTlv(pdu, Tlv.user_message_reference)).toBeUndefined();
  });

  it('writes our own final UNKNOWN (no outcome in time) as a final receipt, not an intermediate one', () => {
    const pdu = onTheWire(buildReceipt(message, { state: 'unknown_final', err: '999', doneAt }));
    expect(pdu.esm_class).toBe(0x04);
    expect(pdu.short_message.toString('ascii')).toContain(' stat:UNKNOWN ');
    expect(findTlv(pdu, Tlv.message_state)).toEqual(Buffer.from([7]));
    expect(receiptRequested(0x02, 'unknown_final')).toBe(true);
  });

  it('marks intermediate notifications with esm_class 0x20', () => {
    const pdu = onTheWire(buildReceipt(message, { state: 'enroute', err: '000', doneAt }));
    expect(pdu.esm_class).toBe(0x20);
    expect(pdu.short_message.toString('ascii')).toContain(' stat:ENROUTE ');
    expect(findTlv(pdu, Tlv.message_state)).toEqual(Buffer.from([1]));
  });

  it('keeps the text ASCII: 20 characters, non-ASCII ones as ?', () => {
    const pdu = buildReceipt(
      { ...message, dlr_text: 'Привет, мир! 😀 ok and more text' },
      {
        state: 'delivered',
        err: '000',
        doneAt,
      },
    );
    expect(pdu.short_message.toString('ascii')).toMatch(/ text:\?{6}, \?{3}! \? ok an$/);
  });

  it('refuses what it cannot report, with InvalidDeliveryError', () => {
    const bad = [
      { state: 'delivered', err: '7', doneAt },
      { state: 'delivered', err: 'abc', doneAt },
      { state: 'sent', err: '000', doneAt },
      { state: 'delivered', err: '000', doneAt: new Date(NaN) },
      { state: 'delivered', err: '000', doneAt, networkErrorCode: Buffer.from([3, 0]) },
    ] as const;
    for (const outcome of bad) {
      expect(() => buildReceipt(message, outcome as never)).toThrow(InvalidDeliveryError);
    }
    expect(() =>
      buildReceipt({ ...message, id: 'x'.repeat(65) }, { state: 'delivered', err: '000', doneAt }),
    ).toThrow(InvalidDeliveryError);
    expect(() =>
      buildReceipt({ ...message, dest_addr_ton: 300 }, { state: 'delivered', err: '000', doneAt }),
    ).toThrow(InvalidDeliveryError);
  });
});

describe('buildMo', () => {
  it('keeps addresses, coding, octets and TLVs as received, with message type 0', () => {
    const ucs2 = Buffer.from('0048006900210020d83dde00', 'hex');
    const pdu = onTheWire(
      buildMo({
        source: { addr: '4790000001', ton: 1, npi: 1 },
        destination: { addr: '2200', ton: 3, npi: 0 },
        dataCoding: 8,
        shortMessage: ucs2,
        esmClass: 0x44,
        tlvs: [{ tag: Tlv.source_port, value: Buffer.from([0x0b, 0x84]) }],
      }),
    );
    expect(pdu).toMatchObject({
      source_addr: '4790000001',
      source_addr_ton: 1,
      source_addr_npi: 1,
      destination_addr: '2200',
      dest_addr_ton: 3,
      dest_addr_npi: 0,
      esm_class: 0x40,
      data_coding: 8,
      short_message: ucs2,
    });
    expect(findTlv(pdu, Tlv.source_port)).toEqual(Buffer.from([0x0b, 0x84]));
  });

  it('refuses a message the codec cannot carry', () => {
    expect(() =>
      buildMo({
        source: { addr: '1', ton: 1, npi: 1 },
        destination: { addr: '2', ton: 1, npi: 1 },
        dataCoding: 0,
        shortMessage: Buffer.alloc(300),
      }),
    ).toThrow(InvalidDeliveryError);
  });
});

describe('stored deliver_sm', () => {
  it('round-trips through its JSON form', () => {
    const pdu = buildReceipt(message, {
      state: 'rejected',
      err: '123',
      doneAt,
      networkErrorCode: Buffer.from([8, 1, 2]),
    });
    const stored = JSON.parse(JSON.stringify(toStoredDeliverSm(pdu))) as ReturnType<typeof toStoredDeliverSm>;
    expect(encodePdu(fromStoredDeliverSm(stored))).toEqual(encodePdu(pdu));
  });
});
