import { TextDecodingError, TextEncodingError } from './errors';
import type { EncodeOptions } from './types';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_LONE_SURROGATE = new RegExp(LONE_SURROGATE.source);

/**
 * UCS-2 as SMSCs use it today (data_coding 0x08): UTF-16BE, with characters outside the BMP
 * (emoji) as surrogate pairs. A lone surrogate in the input is not representable.
 */
export function encodeUcs2(text: string, options: EncodeOptions = {}): Buffer {
  const { replacement } = options;
  if (replacement !== undefined && HAS_LONE_SURROGATE.test(replacement)) {
    const index = replacement.search(HAS_LONE_SURROGATE);
    throw new TextEncodingError('ucs2', replacement[index], index);
  }
  const wellFormed = text.replace(LONE_SURROGATE, (surrogate: string, index: number) => {
    if (replacement === undefined) throw new TextEncodingError('ucs2', surrogate, index);
    return replacement;
  });
  return Buffer.from(wellFormed, 'utf16le').swap16();
}

export function decodeUcs2(octets: Buffer): string {
  if (octets.length % 2 !== 0) {
    throw new TextDecodingError('ucs2', octets.length - 1, `odd length ${octets.length}`);
  }
  for (let offset = 0; offset < octets.length; offset += 2) {
    const unit = octets.readUInt16BE(offset);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = offset + 2 < octets.length ? octets.readUInt16BE(offset + 2) : -1;
      if (next < 0xdc00 || next > 0xdfff) {
        throw new TextDecodingError('ucs2', offset, 'high surrogate without a low surrogate');
      }
      offset += 2;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      throw new TextDecodingError('ucs2', offset, 'low surrogate without a high surrogate');
    }
  }
  return Buffer.from(octets).swap16().toString('utf16le');
}

/** True when the UCS-2 code unit at `offset` is a high surrogate, i.e. a split after it would cut a pair. */
export function isHighSurrogateAt(octets: Buffer, offset: number): boolean {
  const unit = octets.readUInt16BE(offset);
  return unit >= 0xd800 && unit <= 0xdbff;
}
