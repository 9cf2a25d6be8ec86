import { PduEncodeError } from '../errors';
import type {
  BindFields,
  CancelSm,
  DataSm,
  DataSmFields,
  OtherPdu,
  Pdu,
  QuerySm,
  QuerySmResp,
  ShortMessageFields,
  Tlv,
} from '../pdu/types';
import { CommandId } from '../tables/command-id';
import { MAX_SM_LENGTH, Rules, type CStringRule } from './field-rules';
import { encodeOther } from './reference-codec';
import { encodedTlvsSize, hasMessagePayload, writeTlvs } from './tlv-codec';

const HEADER_LENGTH = 16;

// The PDU being written. encodePdu is synchronous and never re-entered, so one module-level cursor
// serves every call.
const EMPTY = Buffer.alloc(0);
let out: Buffer = EMPTY;
let at = 0;
let command = '';

function fail(code: string, message: string, field?: string): never {
  throw new PduEncodeError(code, `${command}: ${message}`, command, field);
}

/** Octets of a C-string field including its NUL; checks the rule first. */
function cstringSize(value: unknown, rule: CStringRule): number {
  if (typeof value !== 'string') fail('FIELD_INVALID', `${rule.field} must be a string`, rule.field);
  const size = value.length + 1;
  if (size > rule.maxSize) {
    fail(
      'CSTRING_TOO_LONG',
      `${rule.field} takes ${size} octets with its NUL, at most ${rule.maxSize}`,
      rule.field,
    );
  }
  if (rule.time === true && size !== 1 && size !== 17) {
    fail('TIME_LENGTH_INVALID', `${rule.field} must be empty or 16 characters`, rule.field);
  }
  return size;
}

/** One octet per character (Latin-1), then the NUL; a NUL or a character above U+00FF is refused. */
function writeCString(value: string, field: string): void {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code > 0xff)
      fail('CSTRING_INVALID', `${field} must be Latin-1 text without NUL`, field);
    out[at++] = code;
  }
  out[at++] = 0;
}

function writeInt8(value: number, field: string): void {
  if ((value & 0xff) !== value) fail('INTEGER_INVALID', `${field} must be an integer 0..255`, field);
  out[at++] = value;
}

function writeUint32(value: number, field: string): void {
  if (value >>> 0 !== value) fail('INTEGER_INVALID', `${field} must be an integer 0..4294967295`, field);
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
  at += 4;
}

/** Allocates the whole PDU (length known up front) and writes its header. */
function begin(length: number, pdu: Pdu): void {
  out = Buffer.allocUnsafe(length);
  at = 0;
  writeUint32(length, 'command_length');
  writeUint32(CommandId[pdu.command], 'command_id');
  writeUint32(pdu.command_status, 'command_status');
  writeUint32(pdu.sequence_number, 'sequence_number');
}

function finish(tlvs: readonly Tlv[]): Buffer {
  at = writeTlvs(out, at, tlvs);
  const pdu = out;
  out = EMPTY;
  return pdu;
}

type Source = Pick<DataSmFields, 'source_addr_ton' | 'source_addr_npi' | 'source_addr'>;
type Destination = Pick<DataSmFields, 'dest_addr_ton' | 'dest_addr_npi' | 'destination_addr'>;
/** service_type, source and destination: the common head of submit_sm, deliver_sm and data_sm. */
type Addressing = Source & Destination & Pick<DataSmFields, 'service_type'>;

function sourceSize(pdu: Source): number {
  return 2 + cstringSize(pdu.source_addr, Rules.source_addr);
}

function writeSource(pdu: Source): void {
  writeInt8(pdu.source_addr_ton, 'source_addr_ton');
  writeInt8(pdu.source_addr_npi, 'source_addr_npi');
  writeCString(pdu.source_addr, 'source_addr');
}

function destinationSize(pdu: Destination): number {
  return 2 + cstringSize(pdu.destination_addr, Rules.destination_addr);
}

function writeDestination(pdu: Destination): void {
  writeInt8(pdu.dest_addr_ton, 'dest_addr_ton');
  writeInt8(pdu.dest_addr_npi, 'dest_addr_npi');
  writeCString(pdu.destination_addr, 'destination_addr');
}

function addressingSize(pdu: Addressing): number {
  return cstringSize(pdu.service_type, Rules.service_type) + sourceSize(pdu) + destinationSize(pdu);
}

function writeAddressing(pdu: Addressing): void {
  writeCString(pdu.service_type, 'service_type');
  writeSource(pdu);
  writeDestination(pdu);
}

function encodeShortMessagePdu(pdu: Pdu & ShortMessageFields): Buffer {
  const sm = pdu.short_message;
  if (!Buffer.isBuffer(sm)) fail('FIELD_INVALID', 'short_message must be a Buffer', 'short_message');
  if (sm.length > MAX_SM_LENGTH) {
    fail('SM_LENGTH_INVALID', `short_message has ${sm.length} octets, at most 254`, 'short_message');
  }
  const tlvs = pdu.tlvs;
  if (sm.length > 0 && hasMessagePayload(tlvs)) {
    fail('SHORT_MESSAGE_AND_PAYLOAD', 'short_message and message_payload are both set', 'short_message');
  }
  const length =
    HEADER_LENGTH +
    8 +
    addressingSize(pdu) +
    cstringSize(pdu.schedule_delivery_time, Rules.schedule_delivery_time) +
    cstringSize(pdu.validity_period, Rules.validity_period) +
    sm.length +
    encodedTlvsSize(tlvs, command);
  begin(length, pdu);
  writeAddressing(pdu);
  writeInt8(pdu.esm_class, 'esm_class');
  writeInt8(pdu.protocol_id, 'protocol_id');
  writeInt8(pdu.priority_flag, 'priority_flag');
  writeCString(pdu.schedule_delivery_time, 'schedule_delivery_time');
  writeCString(pdu.validity_period, 'validity_period');
  writeInt8(pdu.registered_delivery, 'registered_delivery');
  writeInt8(pdu.replace_if_present_flag, 'replace_if_present_flag');
  writeInt8(pdu.data_coding, 'data_coding');
  writeInt8(pdu.sm_default_msg_id, 'sm_default_msg_id');
  out[at++] = sm.length;
  at += sm.copy(out, at);
  return finish(tlvs);
}

function encodeDataSm(pdu: DataSm): Buffer {
  const tlvs = pdu.tlvs;
  begin(HEADER_LENGTH + 3 + addressingSize(pdu) + encodedTlvsSize(tlvs, command), pdu);
  writeAddressing(pdu);
  writeInt8(pdu.esm_class, 'esm_class');
  writeInt8(pdu.registered_delivery, 'registered_delivery');
  writeInt8(pdu.data_coding, 'data_coding');
  return finish(tlvs);
}

/**
 * A response with a single C-string field (message_id or system_id). SPEC §4.4.2: an error response
 * goes without a body; we do that when the body would carry nothing (empty field, no TLVs), as the
 * reference does, and keep the body when the caller put something in it.
 */
function encodeSingleFieldResp(pdu: Pdu, value: string, rule: CStringRule): Buffer {
  const tlvs = pdu.tlvs;
  if (pdu.command_status !== 0 && value === '' && tlvs.length === 0) return headerOnly(pdu);
  begin(HEADER_LENGTH + cstringSize(value, rule) + encodedTlvsSize(tlvs, command), pdu);
  writeCString(value, rule.field);
  return finish(tlvs);
}

function encodeBind(pdu: Pdu & BindFields): Buffer {
  const tlvs = pdu.tlvs;
  const length =
    HEADER_LENGTH +
    3 +
    cstringSize(pdu.system_id, Rules.system_id) +
    // Not the 9-octet SPEC limit: a client must send the password it was given (Infobip, seed 000).
    cstringSize(pdu.password, Rules.long_password) +
    cstringSize(pdu.system_type, Rules.system_type) +
    cstringSize(pdu.address_range, Rules.address_range) +
    encodedTlvsSize(tlvs, command);
  begin(length, pdu);
  writeCString(pdu.system_id, 'system_id');
  writeCString(pdu.password, 'password');
  writeCString(pdu.system_type, 'system_type');
  writeInt8(pdu.interface_version, 'interface_version');
  writeInt8(pdu.addr_ton, 'addr_ton');
  writeInt8(pdu.addr_npi, 'addr_npi');
  writeCString(pdu.address_range, 'address_range');
  return finish(tlvs);
}

function encodeQuerySm(pdu: QuerySm): Buffer {
  const tlvs = pdu.tlvs;
  const length =
    HEADER_LENGTH +
    cstringSize(pdu.message_id, Rules.message_id) +
    sourceSize(pdu) +
    encodedTlvsSize(tlvs, command);
  begin(length, pdu);
  writeCString(pdu.message_id, 'message_id');
  writeSource(pdu);
  return finish(tlvs);
}

function encodeQuerySmResp(pdu: QuerySmResp): Buffer {
  const tlvs = pdu.tlvs;
  const bodyIsEmpty =
    pdu.message_id === '' &&
    pdu.final_date === '' &&
    pdu.message_state === 0 &&
    pdu.error_code === 0 &&
    tlvs.length === 0;
  if (pdu.command_status !== 0 && bodyIsEmpty) return headerOnly(pdu);
  const length =
    HEADER_LENGTH +
    2 +
    cstringSize(pdu.message_id, Rules.message_id) +
    cstringSize(pdu.final_date, Rules.final_date) +
    encodedTlvsSize(tlvs, command);
  begin(length, pdu);
  writeCString(pdu.message_id, 'message_id');
  writeCString(pdu.final_date, 'final_date');
  writeInt8(pdu.message_state, 'message_state');
  writeInt8(pdu.error_code, 'error_code');
  return finish(tlvs);
}

function encodeCancelSm(pdu: CancelSm): Buffer {
  const tlvs = pdu.tlvs;
  const length =
    HEADER_LENGTH +
    cstringSize(pdu.service_type, Rules.service_type) +
    cstringSize(pdu.message_id, Rules.message_id) +
    sourceSize(pdu) +
    destinationSize(pdu) +
    encodedTlvsSize(tlvs, command);
  begin(length, pdu);
  writeCString(pdu.service_type, 'service_type');
  writeCString(pdu.message_id, 'message_id');
  writeSource(pdu);
  writeDestination(pdu);
  return finish(tlvs);
}

function headerOnly(pdu: Pdu): Buffer {
  begin(HEADER_LENGTH, pdu);
  const header = out;
  out = EMPTY;
  return header;
}

/** Commands whose PDU is the header alone (SPEC §4): a TLV would make a body the peer rejects. */
function encodeHeaderOnly(pdu: Pdu): Buffer {
  if (Array.isArray(pdu.tlvs) && pdu.tlvs.length !== 0)
    fail('TLVS_NOT_ALLOWED', 'takes no body, hence no TLVs', 'tlvs');
  return headerOnly(pdu);
}

function encodeOtherPdu(pdu: OtherPdu): Buffer {
  const isEmptyErrorResponse =
    pdu.command_status !== 0 &&
    (pdu.command_id & 0x80000000) !== 0 &&
    Object.keys(pdu.fields ?? {}).length === 0 &&
    pdu.tlvs.length === 0;
  return isEmptyErrorResponse ? headerOnly(pdu) : encodeOther(pdu);
}

/**
 * Encodes a PDU; command_length is computed. Throws PduEncodeError (an SmppError) when a field
 * breaks a rule: a C-string over its size or not Latin-1, a time field neither empty nor 16
 * characters, sm_length over 254, short_message together with message_payload, an integer out of
 * range, a TLV whose length breaks its definition. Nothing is written in that case.
 */
export function encodePdu(pdu: Pdu): Buffer {
  command = String(pdu.command);
  const commandId = (CommandId as Record<string, number | undefined>)[command];
  if (commandId === undefined) fail('UNKNOWN_COMMAND', 'not an SMPP 3.4 command');
  if (pdu.command_id !== commandId) {
    fail('COMMAND_ID_MISMATCH', `command_id ${String(pdu.command_id)} is not ${commandId}`, 'command_id');
  }
  switch (pdu.command) {
    case 'submit_sm':
    case 'deliver_sm':
      return encodeShortMessagePdu(pdu);
    case 'data_sm':
      return encodeDataSm(pdu);
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp':
      return encodeSingleFieldResp(pdu, pdu.message_id, Rules.message_id);
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'unbind':
    case 'unbind_resp':
    case 'generic_nack':
    case 'cancel_sm_resp':
      return encodeHeaderOnly(pdu);
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver':
      return encodeBind(pdu);
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp':
      return encodeSingleFieldResp(pdu, pdu.system_id, Rules.system_id);
    case 'query_sm':
      return encodeQuerySm(pdu);
    case 'query_sm_resp':
      return encodeQuerySmResp(pdu);
    case 'cancel_sm':
      return encodeCancelSm(pdu);
    default:
      return encodeOtherPdu(pdu);
  }
}

/** A 16-octet generic_nack (SPEC §4.3) answering the PDU with this sequence_number. */
export function genericNack(sequenceNumber: number, commandStatus: number): Buffer {
  command = 'generic_nack';
  const header = Buffer.allocUnsafe(HEADER_LENGTH);
  out = header;
  at = 0;
  writeUint32(HEADER_LENGTH, 'command_length');
  writeUint32(CommandId.generic_nack, 'command_id');
  writeUint32(commandStatus, 'command_status');
  writeUint32(sequenceNumber, 'sequence_number');
  out = EMPTY;
  return header;
}
