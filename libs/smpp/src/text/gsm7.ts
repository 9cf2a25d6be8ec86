import { TextDecodingError, TextEncodingError } from './errors';
import type { EncodeOptions } from './types';

/**
 * GSM 03.38 (3GPP TS 23.038 §6.2.1) default alphabet, indexed by septet value. 0x24 is ¤ (not $),
 * 0x02 is $, 0x00 is @; the grave accent has no code. Index 0x1B is the escape to the extension
 * table, not a character.
 */
const BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** 23.038 §6.2.1.1 extension table: each character costs two septets, ESC (0x1B) then the code. */
const EXTENSION_TABLE: ReadonlyArray<readonly [number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

export const GSM7_ESCAPE = 0x1b;
const CARRIAGE_RETURN = 0x0d;

const basicByCodePoint = new Map<number, number>();
for (let septet = 0; septet < 128; septet++) {
  if (septet !== GSM7_ESCAPE) basicByCodePoint.set(BASIC_TABLE.charCodeAt(septet), septet);
}
const extensionByCodePoint = new Map<number, number>(
  EXTENSION_TABLE.map(([septet, character]) => [character.charCodeAt(0), septet]),
);
const extensionBySeptet = new Map<number, string>(EXTENSION_TABLE.map(([septet, ch]) => [septet, ch]));

/** Septets one character needs in GSM7: 1 (default alphabet), 2 (extension table) or 0 (none). */
export function gsm7SeptetsFor(codePoint: number): 0 | 1 | 2 {
  if (basicByCodePoint.has(codePoint)) return 1;
  if (extensionByCodePoint.has(codePoint)) return 2;
  return 0;
}

export function isGsm7Encodable(text: string): boolean {
  for (const character of text) {
    if (gsm7SeptetsFor(character.codePointAt(0)!) === 0) return false;
  }
  return true;
}

/** Encodes to unpacked septets, one per octet, as SMPP normally carries GSM7 in short_message. */
export function encodeGsm7(text: string, options: EncodeOptions = {}): Buffer {
  const septets: number[] = [];
  let replacement: readonly number[] | undefined;
  let index = 0;
  for (const character of text) {
    const codePoint = character.codePointAt(0)!;
    const basic = basicByCodePoint.get(codePoint);
    if (basic !== undefined) {
      septets.push(basic);
    } else {
      const extension = extensionByCodePoint.get(codePoint);
      if (extension !== undefined) {
        septets.push(GSM7_ESCAPE, extension);
      } else if (options.replacement !== undefined) {
        replacement ??= [...encodeGsm7(options.replacement)];
        septets.push(...replacement);
      } else {
        throw new TextEncodingError('gsm7', character, index);
      }
    }
    index += character.length;
  }
  return Buffer.from(septets);
}

/**
 * Decodes unpacked septets. Per 23.038 §6.2.1.1 an unknown extension code shows as the default
 * alphabet's character for that code, and ESC ESC (reserved for a further table) shows as a space.
 */
export function decodeGsm7(septets: Buffer): string {
  let text = '';
  for (let offset = 0; offset < septets.length; offset++) {
    const septet = septets[offset];
    if (septet > 0x7f) throw new TextDecodingError('gsm7', offset, `octet 0x${hex(septet)} is not a septet`);
    if (septet !== GSM7_ESCAPE) {
      text += BASIC_TABLE[septet];
      continue;
    }
    if (offset + 1 >= septets.length) {
      throw new TextDecodingError('gsm7', offset, 'escape (0x1B) at end of data');
    }
    const code = septets[++offset];
    if (code > 0x7f) throw new TextDecodingError('gsm7', offset, `octet 0x${hex(code)} is not a septet`);
    text += code === GSM7_ESCAPE ? ' ' : (extensionBySeptet.get(code) ?? BASIC_TABLE[code]);
  }
  return text;
}

/**
 * Fill bits that align the first septet on a septet boundary after a UDH of `udhLength` octets
 * (UDHL included), 3GPP TS 23.040 §9.2.3.24.
 */
export function gsm7FillBits(udhLength: number): number {
  return (7 - ((udhLength * 8) % 7)) % 7;
}

/**
 * Packs septets LSB-first into octets (23.038 §6.1.2.1.1), after `fillBits` zero bits. When 7 bits
 * are left over in the last octet they carry CR, not zeros, so that they cannot read back as '@'
 * (23.038 §6.1.2.3.1).
 */
export function packGsm7Septets(septets: Buffer, fillBits = 0): Buffer {
  checkFillBits(fillBits);
  if (septets.length === 0) return Buffer.alloc(0);
  const totalBits = fillBits + septets.length * 7;
  const packed = Buffer.alloc(Math.ceil(totalBits / 8));
  for (let index = 0; index < septets.length; index++) {
    const septet = septets[index];
    if (septet > 0x7f) throw new TextEncodingError('gsm7', String.fromCharCode(septet), index);
    writeSeptet(packed, fillBits + index * 7, septet);
  }
  if (packed.length * 8 - totalBits === 7) writeSeptet(packed, totalBits, CARRIAGE_RETURN);
  return packed;
}

/**
 * Unpacks septets. Without `septetCount` (SMPP has no TP-UDL) every whole septet is read, and a
 * final CR that ends exactly on an octet boundary is taken as the padding of 23.038 §6.1.2.3.1.
 */
export function unpackGsm7Septets(packed: Buffer, fillBits = 0, septetCount?: number): Buffer {
  checkFillBits(fillBits);
  const available = packed.length === 0 ? 0 : Math.floor((packed.length * 8 - fillBits) / 7);
  if (septetCount !== undefined && (!Number.isInteger(septetCount) || septetCount < 0)) {
    throw new RangeError(`septetCount must be a non-negative integer, got ${septetCount}`);
  }
  if (septetCount !== undefined && septetCount > available) {
    throw new TextDecodingError(
      'gsm7',
      packed.length,
      `${septetCount} septets need more than ${packed.length} octets`,
    );
  }
  let count = septetCount ?? available;
  const septets = Buffer.alloc(count);
  for (let index = 0; index < count; index++) {
    const bit = fillBits + index * 7;
    const octet = bit >> 3;
    const shift = bit & 7;
    let value = packed[octet] >> shift;
    if (shift > 1) value |= packed[octet + 1] << (8 - shift);
    septets[index] = value & 0x7f;
  }
  if (septetCount === undefined && count > 0 && (fillBits + count * 7) % 8 === 0) {
    if (septets[count - 1] === CARRIAGE_RETURN) count--;
  }
  return septets.subarray(0, count);
}

export interface Gsm7PackingOptions {
  /** Length of the UDH (UDHL octet included) that precedes the packed septets; sets the fill bits. */
  udhLength?: number;
}

export function encodeGsm7Packed(text: string, options: EncodeOptions & Gsm7PackingOptions = {}): Buffer {
  return packGsm7Septets(encodeGsm7(text, options), gsm7FillBits(options.udhLength ?? 0));
}

export function decodeGsm7Packed(
  packed: Buffer,
  options: Gsm7PackingOptions & { septetCount?: number } = {},
): string {
  return decodeGsm7(unpackGsm7Septets(packed, gsm7FillBits(options.udhLength ?? 0), options.septetCount));
}

function writeSeptet(target: Buffer, bit: number, septet: number): void {
  const octet = bit >> 3;
  const shift = bit & 7;
  target[octet] |= (septet << shift) & 0xff;
  if (shift > 1) target[octet + 1] |= septet >> (8 - shift);
}

function checkFillBits(fillBits: number): void {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6) {
    throw new RangeError(`fill bits must be an integer 0..6, got ${fillBits}`);
  }
}

function hex(octet: number): string {
  return octet.toString(16).toUpperCase().padStart(2, '0');
}
