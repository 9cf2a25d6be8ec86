import fc from 'fast-check';
import { decodeBinaryHex, encodeBinaryHex } from './binary';
import { TextDecodingError, TextEncodingError } from './errors';
import {
  decodeAscii,
  decodeCyrillic,
  decodeLatin1,
  encodeAscii,
  encodeCyrillic,
  encodeLatin1,
} from './single-byte';
import { singleByteText, ucs2Text } from './testing/arbitraries';
import { canEncodeText, decodeText, encodeText } from './text-codec';
import { TEXT_CODINGS } from './types';
import { decodeUcs2, encodeUcs2 } from './ucs2';

const allOctets = Buffer.from(Array.from({ length: 256 }, (_, octet) => octet));

describe('ASCII / IA5', () => {
  it('encodes 0x00-0x7F and refuses anything above', () => {
    expect(encodeAscii('Hello~').toString('hex')).toBe('48656c6c6f7e');
    expect(() => encodeAscii('Café')).toThrow(TextEncodingError);
    expect(encodeAscii('Café', { replacement: '?' }).toString('latin1')).toBe('Caf?');
  });

  it('refuses octets above 0x7F', () => {
    expect(() => decodeAscii(Buffer.from([0x41, 0xe9]))).toThrow(TextDecodingError);
    expect(() => decodeAscii(Buffer.from([0x41, 0xe9]))).toThrow(/octet 1: octet 0xE9 is not assigned/);
  });

  it('round-trips', () => {
    fc.assert(fc.property(singleByteText(0x7f), (text) => decodeAscii(encodeAscii(text)) === text));
  });
});

describe('Latin-1 (ISO-8859-1)', () => {
  it('TV-29 writes é as 0xE9 and refuses € (not in Latin-1)', () => {
    expect(encodeLatin1('Café').toString('hex')).toBe('436166e9');
    expect(() => encodeLatin1('Price €5')).toThrow(TextEncodingError);
  });

  it('decodes all 256 octets as their code points', () => {
    expect([...decodeLatin1(allOctets)].map((c) => c.charCodeAt(0))).toEqual([...allOctets]);
  });

  it('round-trips', () => {
    fc.assert(fc.property(singleByteText(0xff), (text) => decodeLatin1(encodeLatin1(text)) === text));
  });
});

describe('Cyrillic (ISO-8859-5)', () => {
  it('agrees with the platform ISO-8859-5 decoder on all 256 octets', () => {
    expect(decodeCyrillic(allOctets)).toBe(new TextDecoder('iso-8859-5').decode(allOctets));
  });

  it('encodes Russian text and the special octets', () => {
    expect(encodeCyrillic('Привет').toString('hex')).toBe('bfe0d8d2d5e2');
    expect(encodeCyrillic('Ё№§џ').toString('hex')).toBe('a1f0fdff');
    expect(() => encodeCyrillic('é')).toThrow(TextEncodingError);
  });

  it('round-trips every octet', () => {
    expect(encodeCyrillic(decodeCyrillic(allOctets))).toEqual(allOctets);
  });
});

describe('UCS-2 (UTF-16BE)', () => {
  it('writes BMP characters big-endian and emoji as a surrogate pair', () => {
    expect(encodeUcs2('AΔ').toString('hex')).toBe('00410394');
    expect(encodeUcs2('😀').toString('hex')).toBe('d83dde00');
    expect(decodeUcs2(Buffer.from('d83dde00', 'hex'))).toBe('😀');
  });

  it('refuses a lone surrogate in the input unless a replacement is given', () => {
    expect(() => encodeUcs2('a\ud83d')).toThrow(TextEncodingError);
    expect(() => encodeUcs2('\ude00b')).toThrow(/U\+DE00 at index 0/);
    expect(encodeUcs2('a\ud83db', { replacement: '?' }).toString('hex')).toBe('0061003f0062');
    expect(() => encodeUcs2('a\ud83d', { replacement: '\ud83d' })).toThrow(TextEncodingError);
  });

  it('refuses odd length and unpaired surrogates', () => {
    expect(() => decodeUcs2(Buffer.from('004100', 'hex'))).toThrow(/odd length 3/);
    expect(() => decodeUcs2(Buffer.from('d83d0041', 'hex'))).toThrow(
      /high surrogate without a low surrogate/,
    );
    expect(() => decodeUcs2(Buffer.from('0041d83d', 'hex'))).toThrow(
      /high surrogate without a low surrogate/,
    );
    expect(() => decodeUcs2(Buffer.from('de00', 'hex'))).toThrow(/low surrogate without a high surrogate/);
  });

  it('round-trips well-formed text', () => {
    fc.assert(fc.property(ucs2Text(), (text) => decodeUcs2(encodeUcs2(text)) === text));
  });
});

describe('binary', () => {
  it('carries octets as hex', () => {
    expect(encodeBinaryHex('0B84C0ff')).toEqual(Buffer.from([0x0b, 0x84, 0xc0, 0xff]));
    expect(decodeBinaryHex(Buffer.from([0x0b, 0x84]))).toBe('0b84');
    expect(() => encodeBinaryHex('0g')).toThrow(TextEncodingError);
    expect(() => encodeBinaryHex('abc')).toThrow(/odd number of hex digits/);
  });
});

describe('encodeText / decodeText', () => {
  it('round-trips through every coding and only throws typed errors on arbitrary octets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(...TEXT_CODINGS), (octets, coding) => {
        let text: string;
        try {
          text = decodeText(Buffer.from(octets), coding);
        } catch (error) {
          expect(error).toBeInstanceOf(TextDecodingError);
          return;
        }
        if (coding !== 'gsm7') expect(encodeText(text, coding)).toEqual(Buffer.from(octets));
        else expect(decodeText(encodeText(text, coding), coding)).toBe(text);
      }),
    );
  });

  it('tells whether a coding can represent a text', () => {
    expect(canEncodeText('Café', 'latin1')).toBe(true);
    expect(canEncodeText('Café', 'ascii')).toBe(false);
    expect(canEncodeText('€', 'gsm7')).toBe(true);
    expect(canEncodeText('😀', 'ucs2')).toBe(true);
  });
});
