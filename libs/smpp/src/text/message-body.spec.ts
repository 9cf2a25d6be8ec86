import fc from 'fast-check';
import { MessageBodyError } from './errors';
import {
  buildConcatUdh,
  buildSarTlvs,
  parseMessageBody,
  parseSarTlvs,
  parseUserDataHeader,
} from './message-body';

const bytes = (hex: string) => Buffer.from(hex.replace(/ /g, ''), 'hex');

describe('parseUserDataHeader', () => {
  it('reads IE 0x00 (8-bit reference)', () => {
    expect(parseUserDataHeader(bytes('05 00 03 2a 03 02 41'))).toEqual({
      length: 6,
      elements: [{ id: 0x00, data: bytes('2a0302') }],
      concat: { reference: 0x2a, total: 3, sequence: 2, referenceBits: 8 },
    });
  });

  it('reads IE 0x08 (16-bit reference)', () => {
    expect(parseUserDataHeader(bytes('06 08 04 12 34 02 01')).concat).toEqual({
      reference: 0x1234,
      total: 2,
      sequence: 1,
      referenceBits: 16,
    });
  });

  it('skips unknown IEs and still finds the concatenation IE', () => {
    // Application port IE 0x05 (WAP push port 0x0B84) before the concatenation IE.
    const udh = parseUserDataHeader(bytes('0b 05 04 0b 84 23 f0 00 03 09 02 01 ff'));
    expect(udh.length).toBe(12);
    expect(udh.elements.map((element) => element.id)).toEqual([0x05, 0x00]);
    expect(udh.concat).toMatchObject({ reference: 9, total: 2, sequence: 1 });
  });

  it('accepts an empty header (UDHL 0)', () => {
    expect(parseUserDataHeader(bytes('00 41'))).toEqual({ length: 1, elements: [] });
  });

  it.each([
    ['', 'empty-udh'],
    ['05 00 03 01 02', 'udh-overflow'],
    ['06 00 03 01 02 01', 'udh-overflow'],
    ['03 00 03 01', 'ie-overflow'],
    ['01 00', 'ie-overflow'],
    ['04 00 02 01 02', 'invalid-concat'],
    ['05 00 03 01 00 01', 'invalid-concat'],
    ['05 00 03 01 02 03', 'invalid-concat'],
    ['05 00 03 01 02 00', 'invalid-concat'],
  ])('rejects %j as %s', (hex, code) => {
    expect(() => parseUserDataHeader(bytes(hex))).toThrow(MessageBodyError);
    expect(() => parseUserDataHeader(bytes(hex))).toThrow(expect.objectContaining({ code }));
  });

  it('never throws anything but MessageBodyError and never reads past the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (octets) => {
        try {
          const udh = parseUserDataHeader(Buffer.from(octets));
          expect(udh.length).toBeLessThanOrEqual(octets.length);
        } catch (error) {
          expect(error).toBeInstanceOf(MessageBodyError);
        }
      }),
    );
  });

  it('reads back what buildConcatUdh writes', () => {
    const concat = { reference: 0xbeef, total: 4, sequence: 4, referenceBits: 16 } as const;
    expect(parseUserDataHeader(buildConcatUdh(concat)).concat).toEqual(concat);
    expect(() => buildConcatUdh({ ...concat, referenceBits: 8 })).toThrow(RangeError);
  });
});

describe('SAR TLVs', () => {
  it('round-trips and is absent when no SAR TLV is present', () => {
    const tlvs = buildSarTlvs({ reference: 513, total: 3, sequence: 2 });
    expect(parseSarTlvs(tlvs)).toEqual({ reference: 513, total: 3, sequence: 2, referenceBits: 16 });
    expect(parseSarTlvs([{ tag: 0x0204, value: bytes('0001') }])).toBeUndefined();
  });

  it('rejects an incomplete or malformed set', () => {
    const [reference, total, sequence] = buildSarTlvs({ reference: 1, total: 2, sequence: 1 });
    expect(() => parseSarTlvs([reference, total])).toThrow(
      expect.objectContaining({ code: 'incomplete-sar' }),
    );
    expect(() => parseSarTlvs([{ ...reference, value: bytes('01') }, total, sequence])).toThrow(
      expect.objectContaining({ code: 'invalid-sar' }),
    );
    expect(() => parseSarTlvs([reference, total, { ...sequence, value: bytes('03') }])).toThrow(
      expect.objectContaining({ code: 'invalid-sar' }),
    );
  });
});

describe('parseMessageBody', () => {
  it('strips the UDH when UDHI is set and keeps it when not', () => {
    const shortMessage = bytes('05 00 03 07 02 01 48 69');
    expect(parseMessageBody({ shortMessage, esmClass: 0x40 })).toMatchObject({
      userData: bytes('4869'),
      concat: { reference: 7, total: 2, sequence: 1 },
      carrier: 'short_message',
    });
    expect(parseMessageBody({ shortMessage, esmClass: 0x00 }).userData).toEqual(shortMessage);
  });

  it('takes message_payload and refuses it together with a short_message', () => {
    const tlvs = [{ tag: 0x0424, value: bytes('4869') }];
    expect(parseMessageBody({ shortMessage: Buffer.alloc(0), esmClass: 0, tlvs })).toEqual({
      userData: bytes('4869'),
      carrier: 'message_payload',
    });
    expect(() => parseMessageBody({ shortMessage: bytes('41'), esmClass: 0, tlvs })).toThrow(
      expect.objectContaining({ code: 'short-message-and-payload' }),
    );
  });

  it('falls back to SAR TLVs for concatenation', () => {
    const tlvs = buildSarTlvs({ reference: 300, total: 2, sequence: 2 });
    expect(parseMessageBody({ shortMessage: bytes('41'), esmClass: 0, tlvs }).concat).toEqual({
      reference: 300,
      total: 2,
      sequence: 2,
      referenceBits: 16,
    });
  });
});
