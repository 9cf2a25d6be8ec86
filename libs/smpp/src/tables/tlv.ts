import { SmppError } from '../errors';

/**
 * A raw optional parameter: tag(2) length(2) value(length), big-endian on the wire (SPEC §3.2.4).
 * The same name is also the table of tag values below, so `Tlv.message_state` and `Tlv[]` both read
 * naturally.
 */
export interface Tlv {
  tag: number;
  value: Buffer;
}

/** SMPP 3.4 optional parameter tags (SPEC §5.3.2). Names are the spec's own. */
export const Tlv = {
  dest_addr_subunit: 0x0005,
  dest_network_type: 0x0006,
  dest_bearer_type: 0x0007,
  dest_telematics_id: 0x0008,
  source_addr_subunit: 0x000d,
  source_network_type: 0x000e,
  source_bearer_type: 0x000f,
  source_telematics_id: 0x0010,
  qos_time_to_live: 0x0017,
  payload_type: 0x0019,
  additional_status_info_text: 0x001d,
  receipted_message_id: 0x001e,
  ms_msg_wait_facilities: 0x0030,
  privacy_indicator: 0x0201,
  source_subaddress: 0x0202,
  dest_subaddress: 0x0203,
  user_message_reference: 0x0204,
  user_response_code: 0x0205,
  source_port: 0x020a,
  destination_port: 0x020b,
  sar_msg_ref_num: 0x020c,
  language_indicator: 0x020d,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  callback_num_pres_ind: 0x0302,
  callback_num_atag: 0x0303,
  number_of_messages: 0x0304,
  callback_num: 0x0381,
  dpf_result: 0x0420,
  set_dpf: 0x0421,
  ms_availability_status: 0x0422,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  delivery_failure_reason: 0x0425,
  more_messages_to_send: 0x0426,
  message_state: 0x0427,
  ussd_service_op: 0x0501,
  display_time: 0x1201,
  sms_signal: 0x1203,
  ms_validity: 0x1204,
  alert_on_message_delivery: 0x130c,
  its_reply_type: 0x1380,
  its_session_info: 0x1383,
} as const;

export type TlvName = keyof typeof Tlv;

/**
 * How a TLV's value is laid out. Integers are unsigned big-endian of 1, 2 or 4 octets; 'cstring' is
 * NUL-terminated text; 'string' is text without a NUL; 'octets' is opaque.
 */
export type TlvValueType = 'int8' | 'int16' | 'int32' | 'cstring' | 'string' | 'octets';

export interface TlvDefinition {
  readonly tag: number;
  readonly name: string;
  readonly type: TlvValueType;
  /** Inclusive bounds on the value's length in octets; the codec answers ESME_RINVPARLEN outside them. */
  readonly minLength: number;
  readonly maxLength: number;
}

export interface VendorTlvDefinition {
  tag: number;
  name: string;
  type: TlvValueType;
  /** For 'cstring' (NUL included), 'string' and 'octets'; 65535 when omitted. Ignored for integers. */
  maxLength?: number;
}

/** SPEC §5.3.2.x: tags 0x1400–0x3FFF are reserved for SMSC vendor-specific parameters. */
export const VENDOR_TLV_MIN_TAG = 0x1400;
export const VENDOR_TLV_MAX_TAG = 0x3fff;
const MAX_TLV_LENGTH = 0xffff;
const INTEGER_SIZE = { int8: 1, int16: 2, int32: 4 } as const;

type StandardLayout = readonly [type: TlvValueType, minLength?: number, maxLength?: number];

/**
 * Value layout of each standard TLV (SPEC §5.3.2). Text TLVs accept a missing NUL (minimum 0): some
 * SMSCs send receipted_message_id without one, and refusing a delivery receipt over it helps nobody.
 */
const STANDARD_LAYOUT: Record<TlvName, StandardLayout> = {
  dest_addr_subunit: ['int8'],
  dest_network_type: ['int8'],
  dest_bearer_type: ['int8'],
  dest_telematics_id: ['int16'],
  source_addr_subunit: ['int8'],
  source_network_type: ['int8'],
  source_bearer_type: ['int8'],
  // SPEC §5.3.2.16 gives 1 octet; node-smpp and others write 2. Accept both.
  source_telematics_id: ['octets', 1, 2],
  qos_time_to_live: ['int32'],
  payload_type: ['int8'],
  additional_status_info_text: ['cstring', 0, 256],
  receipted_message_id: ['cstring', 0, 65],
  ms_msg_wait_facilities: ['int8'],
  privacy_indicator: ['int8'],
  source_subaddress: ['octets', 2, 23],
  dest_subaddress: ['octets', 2, 23],
  // SPEC §5.3.2.17 gives a 2-octet integer, but GatewayAPI takes and echoes a text reference of up to
  // 20+ characters in this TLV (seeds 001/002: the DLR's `text:` holds its first 20 characters). Accept
  // 2..65 octets; a 2-octet value still reads as the spec's integer.
  user_message_reference: ['int16', 2, 65],
  user_response_code: ['int8'],
  source_port: ['int16'],
  destination_port: ['int16'],
  sar_msg_ref_num: ['int16'],
  language_indicator: ['int8'],
  sar_total_segments: ['int8'],
  sar_segment_seqnum: ['int8'],
  sc_interface_version: ['int8'],
  callback_num_pres_ind: ['int8'],
  callback_num_atag: ['octets', 0, 65],
  number_of_messages: ['int8'],
  callback_num: ['octets', 4, 19],
  dpf_result: ['int8'],
  set_dpf: ['int8'],
  ms_availability_status: ['int8'],
  // network type(1) + error code(2), SPEC §5.3.2.31.
  network_error_code: ['octets', 3, 3],
  message_payload: ['octets', 0, MAX_TLV_LENGTH],
  delivery_failure_reason: ['int8'],
  more_messages_to_send: ['int8'],
  message_state: ['int8'],
  ussd_service_op: ['int8'],
  display_time: ['int8'],
  sms_signal: ['int16'],
  ms_validity: ['int8'],
  // SPEC §5.3.2.41 defines no value (length 0); node-smpp writes one octet. Accept both.
  alert_on_message_delivery: ['octets', 0, 1],
  its_reply_type: ['int8'],
  its_session_info: ['octets', 2, 2],
};

/** Indexed by tag; tags above VENDOR_TLV_MAX_TAG are reserved and never defined. */
const definitionsByTag: (TlvDefinition | undefined)[] = new Array<TlvDefinition | undefined>(
  VENDOR_TLV_MAX_TAG + 1,
).fill(undefined);
const tagsByName = new Map<string, number>();

function define(tag: number, name: string, type: TlvValueType, minLength: number, maxLength: number): void {
  definitionsByTag[tag] = Object.freeze({ tag, name, type, minLength, maxLength });
  tagsByName.set(name, tag);
}

for (const name of Object.keys(Tlv) as TlvName[]) {
  const [type, minLength, maxLength] = STANDARD_LAYOUT[name];
  const size = type === 'int8' || type === 'int16' || type === 'int32' ? INTEGER_SIZE[type] : undefined;
  // Explicit bounds in the layout win over an integer type's size (user_message_reference).
  define(Tlv[name], name, type, minLength ?? size ?? 0, maxLength ?? size ?? MAX_TLV_LENGTH);
}

/**
 * Teaches the codec a vendor TLV (a provider profile does this once at start), so that its length is
 * checked and tlvName()/createTlv() know it. Registering the same definition twice is a no-op; a
 * different definition for a known tag or name throws.
 */
export function registerVendorTlv(def: VendorTlvDefinition): void {
  const { tag, name, type } = def;
  if (!Number.isInteger(tag) || tag < VENDOR_TLV_MIN_TAG || tag > VENDOR_TLV_MAX_TAG) {
    throw new SmppError(
      'VENDOR_TLV_TAG_OUT_OF_RANGE',
      `vendor TLV tag ${String(tag)} is outside the vendor range 0x1400..0x3FFF`,
    );
  }
  if (typeof name !== 'string' || name.length === 0) {
    throw new SmppError('VENDOR_TLV_NAME_INVALID', `vendor TLV 0x${hex4(tag)} needs a non-empty name`);
  }
  if (!(type in INTEGER_SIZE) && type !== 'cstring' && type !== 'string' && type !== 'octets') {
    throw new SmppError(
      'VENDOR_TLV_TYPE_INVALID',
      `vendor TLV ${name}: unknown value type '${String(type)}'`,
    );
  }
  const size = type === 'int8' || type === 'int16' || type === 'int32' ? INTEGER_SIZE[type] : undefined;
  const maxLength = size ?? def.maxLength ?? MAX_TLV_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 0 || maxLength > MAX_TLV_LENGTH) {
    throw new SmppError('VENDOR_TLV_LENGTH_INVALID', `vendor TLV ${name}: maxLength must be 0..65535`);
  }
  const minLength = size ?? 0;
  const existing = definitionsByTag[tag];
  if (existing !== undefined) {
    if (
      existing.name === name &&
      existing.type === type &&
      existing.minLength === minLength &&
      existing.maxLength === maxLength
    ) {
      return;
    }
    throw new SmppError(
      'VENDOR_TLV_CONFLICT',
      `vendor TLV 0x${hex4(tag)} is already registered as ${existing.name} (${existing.type}, max ${existing.maxLength})`,
    );
  }
  const taggedAs = tagsByName.get(name);
  if (taggedAs !== undefined) {
    throw new SmppError('VENDOR_TLV_CONFLICT', `TLV name ${name} already denotes tag 0x${hex4(taggedAs)}`);
  }
  define(tag, name, type, minLength, maxLength);
}

/** The definition of a standard or registered vendor TLV. */
export function tlvDefinition(tag: number): TlvDefinition | undefined {
  return definitionsByTag[tag];
}

export function tlvName(tag: number): string | undefined {
  return definitionsByTag[tag]?.name;
}

/** The value of the first TLV with this tag, in wire order. */
export function findTlv(pdu: { tlvs: Tlv[] }, tag: number): Buffer | undefined {
  const tlvs = pdu.tlvs;
  for (let i = 0; i < tlvs.length; i++) {
    if (tlvs[i].tag === tag) return tlvs[i].value;
  }
  return undefined;
}

/** A text TLV's value: the octets up to the first NUL (or all of them), read as Latin-1. */
export function tlvString(value: Buffer): string {
  const nul = value.indexOf(0);
  return value.toString('latin1', 0, nul === -1 ? value.length : nul);
}

/** An integer TLV's value (unsigned big-endian, 1–4 octets); undefined for any other length. */
export function tlvInteger(value: Buffer): number | undefined {
  return value.length >= 1 && value.length <= 4 ? value.readUIntBE(0, value.length) : undefined;
}

/**
 * Builds a TLV, laying the value out by the tag's definition: a number becomes an integer of the
 * defined size, a string becomes Latin-1 text (NUL-terminated for 'cstring'), a Buffer is taken as is.
 * Throws SmppError when the value does not fit the definition.
 */
export function createTlv(tag: number, value: number | string | Buffer): Tlv {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff) {
    throw new SmppError('TLV_TAG_INVALID', `TLV tag ${String(tag)} is not a 16-bit unsigned integer`);
  }
  const def = definitionsByTag[tag];
  const label = def?.name ?? `0x${hex4(tag)}`;
  let bytes: Buffer;
  if (typeof value === 'number') {
    const type = def?.type;
    if (type !== 'int8' && type !== 'int16' && type !== 'int32') {
      throw new SmppError('TLV_VALUE_INVALID', `TLV ${label} is not an integer TLV; pass a Buffer or string`);
    }
    const size = INTEGER_SIZE[type];
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * size)) {
      throw new SmppError('TLV_VALUE_INVALID', `TLV ${label}: ${value} does not fit ${type}`);
    }
    bytes = Buffer.allocUnsafe(size);
    bytes.writeUIntBE(value, 0, size);
  } else if (typeof value === 'string') {
    if (!isLatin1WithoutNul(value)) {
      throw new SmppError('TLV_VALUE_INVALID', `TLV ${label}: text must be Latin-1 without NUL`);
    }
    bytes = Buffer.from(def?.type === 'cstring' ? `${value}\0` : value, 'latin1');
  } else {
    bytes = value;
  }
  if (bytes.length > MAX_TLV_LENGTH) {
    throw new SmppError('TLV_LENGTH_INVALID', `TLV ${label}: ${bytes.length} octets exceed 65535`);
  }
  if (def !== undefined && (bytes.length < def.minLength || bytes.length > def.maxLength)) {
    throw new SmppError(
      'TLV_LENGTH_INVALID',
      `TLV ${label}: ${bytes.length} octets, allowed ${def.minLength}..${def.maxLength}`,
    );
  }
  return { tag, value: bytes };
}

function isLatin1WithoutNul(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0 || code > 0xff) return false;
  }
  return true;
}

export function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
