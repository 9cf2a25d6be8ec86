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

/**
 * Encodes text as it goes into short_message / message_payload: GSM7 unpacked (one septet per
 * octet), single-byte charsets, UTF-16BE for ucs2, and hex digits to octets for binary.
 */
export function encodeText(text: string, coding: TextCoding, options: EncodeOptions = {}): Buffer {
  switch (coding) {
    case 'gsm7':
      return encodeGsm7(text, options);
    case 'ascii':
      return encodeAscii(text, options);
    case 'latin1':
      return encodeLatin1(text, options);
    case 'cyrillic':
      return encodeCyrillic(text, options);
    case 'ucs2':
      return encodeUcs2(text, options);
    case 'binary':
      return encodeBinaryHex(text);
  }
}

export function decodeText(octets: Buffer, coding: TextCoding): string {
  switch (coding) {
    case 'gsm7':
      return decodeGsm7(octets);
    case 'ascii':
      return decodeAscii(octets);
    case 'latin1':
      return decodeLatin1(octets);
    case 'cyrillic':
      return decodeCyrillic(octets);
    case 'ucs2':
      return decodeUcs2(octets);
    case 'binary':
      return decodeBinaryHex(octets);
  }
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
