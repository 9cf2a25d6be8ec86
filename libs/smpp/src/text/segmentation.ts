import type { Tlv } from '../pdu/types';
import { SegmentationError } from './errors';
import { GSM7_ESCAPE, gsm7FillBits, packGsm7Septets } from './gsm7';
import { buildConcatUdh, buildSarTlvs, CONCATENATION_TLV_TAGS, ESM_CLASS_UDHI } from './message-body';
import { encodeText } from './text-codec';
import type { EncodeOptions, TextCoding } from './types';
import { isHighSurrogateAt } from './ucs2';

/**
 * How a long message travels: UDH IE 0x00 (8-bit reference, 6-octet UDH), UDH IE 0x08 (16-bit
 * reference, 7-octet UDH), SAR TLVs, or one PDU with message_payload.
 */
export type ConcatenationMethod = 'udh8' | 'udh16' | 'sar' | 'payload';

export type Concatenation = { method: 'udh8' | 'udh16' | 'sar'; reference: number } | { method: 'payload' };

/** Units per part: septets for GSM7, UTF-16 code units for UCS-2, octets for the rest. */
export interface SegmentCapacity {
  /** When the whole message fits in one part (no UDH). */
  single: number;
  /** Per part of a concatenated message. */
  multi: number;
}

/** The largest short_message, sm_length 254 (SMPP 3.4 §5.2.21). */
const MAX_SHORT_MESSAGE_OCTETS = 254;
/** message_payload length is a 2-octet TLV length. */
const MAX_PAYLOAD_OCTETS = 0xffff;
const MAX_PARTS = 255;
const UDH_LENGTH: Readonly<Record<'udh8' | 'udh16', number>> = { udh8: 6, udh16: 7 };

/**
 * 140 octets of user data on air, less the UDH (3GPP TS 23.040 §9.2.3.24): GSM7 160/153/152,
 * UCS-2 70/67/66, 8-bit 140/134/133. SAR parts and message_payload are sized as 6-octet-UDH parts,
 * since the SMSC adds a concatenation UDH on air.
 */
export function defaultSegmentCapacity(
  coding: TextCoding,
  method: ConcatenationMethod = 'udh8',
): SegmentCapacity {
  const udh16 = method === 'udh16';
  switch (coding) {
    case 'gsm7':
      return { single: 160, multi: udh16 ? 152 : 153 };
    case 'ucs2':
      return { single: 70, multi: udh16 ? 66 : 67 };
    default:
      return { single: 140, multi: udh16 ? 133 : 134 };
  }
}

export interface SegmentCountOptions extends EncodeOptions {
  /** Default `udh8`. */
  method?: ConcatenationMethod;
  /** Overrides the default capacity, e.g. Mobile Text Alerts' 160 Latin-1 characters per segment. */
  capacity?: Partial<SegmentCapacity>;
}

export interface SegmentCount {
  coding: TextCoding;
  /** Total units of the encoded text (an extension character is 2 septets, an emoji 2 UCS-2 units). */
  units: number;
  /** SMS segments on air; for `payload` the count the SMSC will produce, though only one PDU is sent. */
  segments: number;
  capacity: SegmentCapacity;
}

export function countSegments(
  text: string,
  coding: TextCoding,
  options: SegmentCountOptions = {},
): SegmentCount {
  const capacity = resolveCapacity(coding, options.method ?? 'udh8', options.capacity);
  const encoded = encodeText(text, coding, options);
  const ranges = partRanges(encoded, coding, capacity);
  return { coding, units: encoded.length / unitOctets(coding), segments: ranges.length, capacity };
}

export interface SplitOptions extends EncodeOptions {
  coding: TextCoding;
  concatenation: Concatenation;
  capacity?: Partial<SegmentCapacity>;
  /**
   * GSM7 only. `unpacked` (default) puts one septet per octet, as SMPP normally carries it;
   * `packed` packs septets, with fill bits after a UDH.
   */
  gsm7Packing?: 'unpacked' | 'packed';
}

export interface MessagePart {
  /** UDH (when used) followed by the user data; empty for message_payload. */
  shortMessage: Buffer;
  /** OR into esm_class: 0x40 (UDHI) when shortMessage starts with a UDH, else 0. */
  esmClassFlags: number;
  /** SAR TLVs or message_payload, in that order of tags. */
  tlvs: Tlv[];
  /** Units of text this part carries. */
  units: number;
}

export interface SplitMessage extends SegmentCount {
  parts: MessagePart[];
}

/**
 * Splits text into the short_message bodies of consecutive submit_sm PDUs. An extension
 * character stays with its escape and a surrogate pair stays together; a message that fits one
 * part gets no UDH and no SAR TLVs.
 */
export function splitText(text: string, options: SplitOptions): SplitMessage {
  const { coding, concatenation } = options;
  const capacity = resolveCapacity(coding, concatenation.method, options.capacity);
  const encoded = encodeText(text, coding, options);
  const ranges = partRanges(encoded, coding, capacity);
  const units = encoded.length / unitOctets(coding);
  const packed = coding === 'gsm7' && options.gsm7Packing === 'packed';
  const body = (userData: Buffer, udhLength = 0) =>
    packed ? packGsm7Septets(userData, gsm7FillBits(udhLength)) : userData;

  if (concatenation.method === 'payload') {
    const payload = body(encoded);
    if (payload.length > MAX_PAYLOAD_OCTETS) {
      throw new SegmentationError(
        'payload-too-long',
        `${payload.length} octets exceed the ${MAX_PAYLOAD_OCTETS}-octet message_payload`,
      );
    }
    const part = { shortMessage: Buffer.alloc(0), esmClassFlags: 0, units, tlvs: [payloadTlv(payload)] };
    return { coding, units, segments: ranges.length, capacity, parts: [part] };
  }

  if (ranges.length > MAX_PARTS) {
    throw new SegmentationError(
      'too-many-parts',
      `${ranges.length} parts exceed the maximum of ${MAX_PARTS}`,
    );
  }
  const { method, reference } = concatenation;
  const maxReference = method === 'udh8' ? 0xff : 0xffff;
  if (!Number.isInteger(reference) || reference < 0 || reference > maxReference) {
    throw new SegmentationError(
      'invalid-reference',
      `${method} reference must be 0..${maxReference}, got ${reference}`,
    );
  }
  const total = ranges.length;
  const parts = ranges.map(([start, end], index): MessagePart => {
    const userData = encoded.subarray(start, end);
    const partUnits = (end - start) / unitOctets(coding);
    if (total === 1) return { shortMessage: body(userData), esmClassFlags: 0, tlvs: [], units: partUnits };
    const concat = { reference, total, sequence: index + 1 };
    if (method === 'sar')
      return { shortMessage: body(userData), esmClassFlags: 0, tlvs: buildSarTlvs(concat), units: partUnits };
    const udh = buildConcatUdh({ ...concat, referenceBits: method === 'udh8' ? 8 : 16 });
    return {
      shortMessage: Buffer.concat([udh, body(userData, udh.length)]),
      esmClassFlags: ESM_CLASS_UDHI,
      tlvs: [],
      units: partUnits,
    };
  });
  return { coding, units, segments: total, capacity, parts };
}

function payloadTlv(payload: Buffer): Tlv {
  return { tag: CONCATENATION_TLV_TAGS.messagePayload, value: payload };
}

function unitOctets(coding: TextCoding): 1 | 2 {
  return coding === 'ucs2' ? 2 : 1;
}

/**
 * [start, end) octet ranges of the parts, filled greedily. A cut never falls after an escape
 * (GSM7) or a high surrogate (UCS-2); capacity >= 2 units guarantees each part makes progress.
 */
function partRanges(encoded: Buffer, coding: TextCoding, capacity: SegmentCapacity): Array<[number, number]> {
  const octetsPerUnit = unitOctets(coding);
  if (encoded.length <= capacity.single * octetsPerUnit) return [[0, encoded.length]];
  const cutsPair =
    coding === 'gsm7'
      ? (cut: number) => encoded[cut - 1] === GSM7_ESCAPE
      : coding === 'ucs2'
        ? (cut: number) => isHighSurrogateAt(encoded, cut - 2)
        : () => false;
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < encoded.length;) {
    let end = Math.min(start + capacity.multi * octetsPerUnit, encoded.length);
    if (end < encoded.length && cutsPair(end)) end -= octetsPerUnit;
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

function resolveCapacity(
  coding: TextCoding,
  method: ConcatenationMethod,
  override: Partial<SegmentCapacity> = {},
): SegmentCapacity {
  const capacity = { ...defaultSegmentCapacity(coding, method), ...override };
  const udhOctets = method === 'udh8' || method === 'udh16' ? UDH_LENGTH[method] : 0;
  for (const [name, units, overhead] of [
    ['single', capacity.single, 0],
    ['multi', capacity.multi, udhOctets],
  ] as const) {
    if (!Number.isInteger(units) || units < 2) {
      throw new SegmentationError(
        'invalid-capacity',
        `${name} capacity must be an integer >= 2, got ${units}`,
      );
    }
    if (method !== 'payload' && overhead + units * unitOctets(coding) > MAX_SHORT_MESSAGE_OCTETS) {
      throw new SegmentationError(
        'invalid-capacity',
        `${name} capacity ${units} does not fit the ${MAX_SHORT_MESSAGE_OCTETS}-octet short_message`,
      );
    }
  }
  return capacity;
}
