import fc from 'fast-check';
import { TextDecodingError, TextEncodingError } from './errors';
import {
  decodeGsm7,
  decodeGsm7Packed,
  encodeGsm7,
  encodeGsm7Packed,
  gsm7FillBits,
  gsm7SeptetsFor,
  isGsm7Encodable,
  packGsm7Septets,
  unpackGsm7Septets,
} from './gsm7';
import { GSM7_BASIC_CHARACTERS, gsm7Text } from './testing/arbitraries';

const hex = (buffer: Buffer) => buffer.toString('hex');

describe('GSM 03.38 default alphabet', () => {
  it('maps the code points that differ from ASCII (smpp34.md §14)', () => {
    expect(hex(encodeGsm7('@'))).toBe('00');
    expect(hex(encodeGsm7('£'))).toBe('01');
    expect(hex(encodeGsm7('$'))).toBe('02');
    expect(hex(encodeGsm7('¤'))).toBe('24');
    expect(hex(encodeGsm7('_'))).toBe('11');
    expect(hex(encodeGsm7('¡¿§'))).toBe('40605f');
    expect(hex(encodeGsm7('ΔΣ'))).toBe('1018');
    expect(hex(encodeGsm7('\n\r'))).toBe('0a0d');
  });

  it('TV-08 encodes Hello to the same code points as ASCII', () => {
    expect(hex(encodeGsm7('Hello'))).toBe('48656c6c6f');
  });

  it('writes each extension character as ESC plus its code', () => {
    expect(hex(encodeGsm7('€'))).toBe('1b65');
    expect(hex(encodeGsm7('{}[]~|^\\\f'))).toBe('1b281b291b3c1b3e1b3d1b401b141b2f1b0a');
    expect(gsm7SeptetsFor('€'.codePointAt(0)!)).toBe(2);
    expect(gsm7SeptetsFor('a'.codePointAt(0)!)).toBe(1);
  });

  it('holds 127 default-alphabet characters at distinct septets, none of them 0x1B', () => {
    const septets = encodeGsm7(GSM7_BASIC_CHARACTERS.join(''));
    expect(new Set(septets).size).toBe(127);
    expect(septets.includes(0x1b)).toBe(false);
  });

  it.each(['`', 'ç', 'Ж', '😀', '\u001b'])(
    'refuses %j with a typed error naming the character',
    (character) => {
      const text = `ab${character}c`;
      expect(() => encodeGsm7(text)).toThrow(TextEncodingError);
      expect(() => encodeGsm7(text)).toThrow(/at index 2 cannot be encoded in gsm7/);
      expect(isGsm7Encodable(text)).toBe(false);
    },
  );

  it('replaces unrepresentable characters only when asked to', () => {
    expect(encodeGsm7('a`😀b', { replacement: '?' }).toString('latin1')).toBe('a??b');
    expect(() => encodeGsm7('a`', { replacement: '`' })).toThrow(TextEncodingError);
  });

  it('decodes what it encodes', () => {
    fc.assert(fc.property(gsm7Text(), (text) => decodeGsm7(encodeGsm7(text)) === text));
  });

  it('rejects an escape at the end and octets above 0x7F', () => {
    expect(() => decodeGsm7(Buffer.from([0x41, 0x1b]))).toThrow(TextDecodingError);
    expect(() => decodeGsm7(Buffer.from([0x41, 0x1b]))).toThrow(/escape \(0x1B\) at end/);
    expect(() => decodeGsm7(Buffer.from([0x41, 0x80]))).toThrow(/octet 0x80 is not a septet/);
    expect(() => decodeGsm7(Buffer.from([0x1b, 0xc1]))).toThrow(TextDecodingError);
  });

  it('shows an unknown extension code as its default-alphabet character and ESC ESC as a space (23.038 §6.2.1.1)', () => {
    expect(decodeGsm7(Buffer.from([0x1b, 0x41]))).toBe('A');
    expect(decodeGsm7(Buffer.from([0x1b, 0x1b, 0x41]))).toBe(' A');
  });

  it('never throws anything but TextDecodingError on arbitrary octets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 50 }), (octets) => {
        try {
          decodeGsm7(Buffer.from(octets));
        } catch (error) {
          expect(error).toBeInstanceOf(TextDecodingError);
        }
      }),
    );
  });
});

describe('packed septets', () => {
  it('packs the 23.038 example hellohello', () => {
    expect(hex(encodeGsm7Packed('hellohello'))).toBe('e8329bfd4697d9ec37');
    expect(decodeGsm7Packed(Buffer.from('e8329bfd4697d9ec37', 'hex'))).toBe('hellohello');
  });

  it('computes fill bits after a UDH: 1 after 6 octets, 0 after 7 (23.040 §9.2.3.24)', () => {
    expect(gsm7FillBits(0)).toBe(0);
    expect(gsm7FillBits(6)).toBe(1);
    expect(gsm7FillBits(7)).toBe(0);
    expect(gsm7FillBits(1)).toBe(6);
  });

  it('shifts the first septet by the fill bits', () => {
    expect(hex(encodeGsm7Packed('H', { udhLength: 6 }))).toBe('90');
    expect(decodeGsm7Packed(Buffer.from('90', 'hex'), { udhLength: 6 })).toBe('H');
  });

  it('pads 7 spare bits with CR, not with zeros that would read as @ (23.038 §6.1.2.3.1)', () => {
    const packed = encodeGsm7Packed('1234567');
    expect(packed).toHaveLength(7);
    expect(packed[6] >> 1).toBe(0x0d);
    expect(decodeGsm7Packed(packed)).toBe('1234567');
    expect(decodeGsm7Packed(packed, { septetCount: 8 })).toBe('1234567\r');
  });

  it('round-trips with any UDH length when the septet count is known', () => {
    fc.assert(
      fc.property(gsm7Text(200), fc.integer({ min: 0, max: 12 }), (text, udhLength) => {
        const septets = encodeGsm7(text);
        const packed = encodeGsm7Packed(text, { udhLength });
        expect(packed.length).toBe(
          septets.length === 0 ? 0 : Math.ceil((gsm7FillBits(udhLength) + septets.length * 7) / 8),
        );
        expect(decodeGsm7Packed(packed, { udhLength, septetCount: septets.length })).toBe(text);
      }),
    );
  });

  it('round-trips without the septet count unless the text ends with CR on an octet boundary', () => {
    fc.assert(
      fc.property(gsm7Text(200), fc.integer({ min: 0, max: 12 }), (text, udhLength) => {
        const bits = gsm7FillBits(udhLength) + encodeGsm7(text).length * 7;
        fc.pre(!(text.endsWith('\r') && bits % 8 === 0));
        expect(decodeGsm7Packed(encodeGsm7Packed(text, { udhLength }), { udhLength })).toBe(text);
      }),
    );
  });

  it('rejects a septet count the octets cannot hold and bad fill bits', () => {
    expect(() => unpackGsm7Septets(Buffer.from([0x41]), 0, 2)).toThrow(TextDecodingError);
    expect(() => packGsm7Septets(Buffer.from([0x41]), 7)).toThrow(RangeError);
    expect(() => packGsm7Septets(Buffer.from([0x80]))).toThrow(TextEncodingError);
  });
});
