import { TextEncodingError } from './errors';

const HEX_DIGIT = /[0-9a-fA-F]/;

/**
 * Binary user data (data_coding 0x02/0x04, 0xF4-0xF7) is carried as a hex string where the API
 * speaks text: two hex digits per octet, either case.
 */
export function encodeBinaryHex(hex: string): Buffer {
  for (let index = 0; index < hex.length; index++) {
    if (!HEX_DIGIT.test(hex[index])) throw new TextEncodingError('binary', hex[index], index);
  }
  if (hex.length % 2 !== 0) {
    throw new TextEncodingError(
      'binary',
      hex[hex.length - 1],
      hex.length - 1,
      'ends an odd number of hex digits',
    );
  }
  return Buffer.from(hex, 'hex');
}

/** Lowercase hex of the octets. */
export function decodeBinaryHex(octets: Buffer): string {
  return octets.toString('hex');
}
