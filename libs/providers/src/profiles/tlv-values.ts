import type { Tlv } from '@app/smpp';
import { ProviderInputError } from '../errors';

/**
 * A text TLV value as Latin-1 octets, NUL-terminated or not. Built here rather than by the codec's
 * createTlv, so that the result does not depend on whether the vendor tag was registered yet.
 */
export function textTlv(tag: number, value: string, terminator: 'nul' | 'none'): Tlv {
  if (!isLatin1WithoutNul(value)) {
    throw new ProviderInputError(
      'invalid-message',
      `TLV 0x${tag.toString(16)}: ${JSON.stringify(value)} is not Latin-1 text`,
    );
  }
  return { tag, value: Buffer.from(terminator === 'nul' ? `${value}\0` : value, 'latin1') };
}

function isLatin1WithoutNul(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code > 0xff) return false;
  }
  return true;
}
