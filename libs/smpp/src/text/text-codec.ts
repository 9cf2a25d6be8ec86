import { decodeBinaryHex, encodeBinaryHex } from './binary';
import { TextEncodingError } from './errors';
import { decodeGsm7, encodeGsm7 } from './gsm7';
import {
  decodeAscii,
  decodeCyrillic,
  decodeLatin1,
  encodeAscii,
  encodeCyrillic,
  encodeLatin1,
} from './single-byte';
import type { EncodeOptions, TextCoding } from './types';
import { decodeUcs2, encodeUcs2 } from './ucs2';

const CODECS: Readonly<
  Record<TextCoding, { encode(text: string, options: EncodeOptions): Buffer; decode(octets: Buffer): string }>
> = {
  gsm7: { encode: encodeGsm7, decode: decodeGsm7 },
  ascii: { encode: encodeAscii, decode: decodeAscii },
  latin1: { encode: encodeLatin1, decode: decodeLatin1 },
  cyrillic: { encode: encodeCyrillic, decode: decodeCyrillic },
  ucs2: { encode: encodeUcs2, decode: decodeUcs2 },
  binary: { encode: (hex) => encodeBinaryHex(hex), decode: decodeBinaryHex },
};

/**
 * Encodes text as it goes into short_message / message_payload: GSM7 unpacked (one septet per
 * octet), single-byte charsets, UTF-16BE for ucs2, and hex digits to octets for binary.
 */
export function encodeText(text: string, coding: TextCoding, options: EncodeOptions = {}): Buffer {
  return CODECS[coding].encode(text, options);
}

export function decodeText(octets: Buffer, coding: TextCoding): string {
  return CODECS[coding].decode(octets);
}

/** True when every character of `text` is representable in `coding` without replacement. */
export function canEncodeText(text: string, coding: TextCoding): boolean {
  try {
    encodeText(text, coding);
    return true;
  } catch (error) {
    if (error instanceof TextEncodingError) return false;
    throw error;
  }
}
