import { TextDecodingError, TextEncodingError } from './errors';
import type { EncodeOptions } from './types';

/** One octet per character; `toUnicode[octet]` is the code point or -1 when the octet is unassigned. */
interface SingleByteCharset {
  readonly coding: string;
  readonly toUnicode: Int32Array;
  readonly fromUnicode: ReadonlyMap<number, number>;
}

function charset(coding: string, toUnicode: Int32Array): SingleByteCharset {
  const fromUnicode = new Map<number, number>();
  toUnicode.forEach((codePoint, octet) => {
    if (codePoint >= 0) fromUnicode.set(codePoint, octet);
  });
  return { coding, toUnicode, fromUnicode };
}

const ASCII = charset(
  'ascii',
  Int32Array.from({ length: 256 }, (_, octet) => (octet < 0x80 ? octet : -1)),
);

const LATIN1 = charset(
  'latin1',
  Int32Array.from({ length: 256 }, (_, octet) => octet),
);

/**
 * ISO/IEC 8859-5: 0x00-0xA0 as Latin-1; 0xAD soft hyphen, 0xF0 numero sign, 0xFD section sign;
 * every other octet from 0xA1 maps to U+0401..U+045F by the offset 0x0360.
 */
const CYRILLIC = charset(
  'cyrillic',
  Int32Array.from({ length: 256 }, (_, octet) => {
    if (octet <= 0xa0 || octet === 0xad) return octet;
    if (octet === 0xf0) return 0x2116;
    if (octet === 0xfd) return 0x00a7;
    return octet + 0x0360;
  }),
);

function encodeSingleByte(table: SingleByteCharset, text: string, options: EncodeOptions): Buffer {
  const octets: number[] = [];
  let replacement: Buffer | undefined;
  let index = 0;
  for (const character of text) {
    const octet = table.fromUnicode.get(character.codePointAt(0)!);
    if (octet !== undefined) {
      octets.push(octet);
    } else if (options.replacement !== undefined) {
      replacement ??= encodeSingleByte(table, options.replacement, {});
      octets.push(...replacement);
    } else {
      throw new TextEncodingError(table.coding, character, index);
    }
    index += character.length;
  }
  return Buffer.from(octets);
}

function decodeSingleByte(table: SingleByteCharset, octets: Buffer): string {
  let text = '';
  for (let offset = 0; offset < octets.length; offset++) {
    const codePoint = table.toUnicode[octets[offset]];
    if (codePoint < 0) {
      const hex = octets[offset].toString(16).toUpperCase().padStart(2, '0');
      throw new TextDecodingError(table.coding, offset, `octet 0x${hex} is not assigned`);
    }
    text += String.fromCharCode(codePoint);
  }
  return text;
}

/** IA5 / ASCII (data_coding 0x01): octets 0x00-0x7F only. */
export function encodeAscii(text: string, options: EncodeOptions = {}): Buffer {
  return encodeSingleByte(ASCII, text, options);
}

export function decodeAscii(octets: Buffer): string {
  return decodeSingleByte(ASCII, octets);
}

/** ISO-8859-1 (data_coding 0x03). */
export function encodeLatin1(text: string, options: EncodeOptions = {}): Buffer {
  return encodeSingleByte(LATIN1, text, options);
}

export function decodeLatin1(octets: Buffer): string {
  return decodeSingleByte(LATIN1, octets);
}

/** ISO-8859-5 (data_coding 0x06). */
export function encodeCyrillic(text: string, options: EncodeOptions = {}): Buffer {
  return encodeSingleByte(CYRILLIC, text, options);
}

export function decodeCyrillic(octets: Buffer): string {
  return decodeSingleByte(CYRILLIC, octets);
}
