import { PduDecodeError } from '../errors';
import type {
  BindReceiver,
  BindTransceiver,
  BindTransmitter,
  CancelSm,
  CommandName,
  DataSm,
  DeliverSm,
  Frame,
  Pdu,
  QuerySm,
  QuerySmResp,
  SubmitSm,
} from '../pdu/types';
import { CommandId, commandName, isResponseId } from '../tables/command-id';
import { CommandStatus } from '../tables/command-status';
import { Tlv as TlvTag } from '../tables/tlv';
import { createPdu } from './create';
import { MAX_SM_LENGTH, Rules, type CStringRule } from './field-rules';
import { decodeOtherBody } from './reference-codec';
import { decodeTlvs } from './tlv-codec';

export interface DecodeOptions {
  /** Accept a bind password beyond 9 octets (Infobip), up to 65 octets with its NUL. */
  allowLongPassword?: boolean;
}

const HEADER_LENGTH = 16;

// The body being read. decodePdu is synchronous and never re-entered, so one module-level cursor
// serves every call without allocating a reader per PDU.
let body: Buffer = Buffer.alloc(0);
let pos = 0;
let end = 0;
let commandId = 0;
let sequenceNumber = 0;

function fail(code: string, status: number, message: string, field?: string): never {
  throw new PduDecodeError(code, message, {
    command_status: status,
    command_id: commandId,
    sequence_number: sequenceNumber,
    ...(field === undefined ? {} : { field }),
  });
}

function readInt8(field: string): number {
  if (pos >= end) fail('BODY_TOO_SHORT', CommandStatus.ESME_RINVCMDLEN, `body ends before ${field}`, field);
  return body[pos++];
}

function readCString(rule: CStringRule): string {
  const start = pos;
  if (start < end && body[start] === 0) {
    pos = start + 1;
    return '';
  }
  const limit = start + rule.maxSize < end ? start + rule.maxSize : end;
  let nul = start;
  while (nul < limit && body[nul] !== 0) nul++;
  if (nul === limit) {
    if (start + rule.maxSize > end) {
      fail('BODY_TOO_SHORT', CommandStatus.ESME_RINVCMDLEN, `body ends inside ${rule.field}`, rule.field);
    }
    fail(
      'CSTRING_TOO_LONG',
      rule.status,
      `${rule.field} has no NUL within its ${rule.maxSize} octets`,
      rule.field,
    );
  }
  if (rule.time === true && nul - start !== 16) {
    fail('TIME_LENGTH_INVALID', rule.status, `${rule.field} must be empty or 16 characters`, rule.field);
  }
  pos = nul + 1;
  return body.toString('latin1', start, nul);
}

/** sm_length then short_message (SPEC §4.4.1): 0..254 octets, all inside the body. */
function readShortMessage(): Buffer {
  const length = readInt8('sm_length');
  if (length > MAX_SM_LENGTH) {
    fail('SM_LENGTH_INVALID', CommandStatus.ESME_RINVMSGLEN, `sm_length ${length} exceeds 254`, 'sm_length');
  }
  if (length > end - pos) {
    fail(
      'SM_LENGTH_INVALID',
      CommandStatus.ESME_RINVMSGLEN,
      `sm_length ${length} runs past the end of the PDU`,
      'sm_length',
    );
  }
  const message = body.subarray(pos, pos + length);
  pos += length;
  return message;
}

function readTlvs(): Pdu['tlvs'] {
  return pos === end ? [] : decodeTlvs(body, pos, { command_id: commandId, sequence_number: sequenceNumber });
}

/** SPEC §5.3.2.32: with message_payload present, sm_length must be 0. */
function checkPayloadExclusive(shortMessage: Buffer, tlvs: Pdu['tlvs']): void {
  if (shortMessage.length === 0) return;
  for (let i = 0; i < tlvs.length; i++) {
    if (tlvs[i].tag === TlvTag.message_payload) {
      fail(
        'SHORT_MESSAGE_AND_PAYLOAD',
        CommandStatus.ESME_RINVMSGLEN,
        'short_message and message_payload are both present; sm_length must be 0 with message_payload',
        'sm_length',
      );
    }
  }
}

// Each decoder reads the fields inside the object literal: property initialisers run in source
// order, which is the wire order of SPEC §4.

function decodeShortMessagePdu(command: 'submit_sm' | 'deliver_sm', status: number): SubmitSm | DeliverSm {
  const pdu: SubmitSm | DeliverSm = {
    command,
    command_id: commandId,
    command_status: status,
    sequence_number: sequenceNumber,
    service_type: readCString(Rules.service_type),
    source_addr_ton: readInt8('source_addr_ton'),
    source_addr_npi: readInt8('source_addr_npi'),
    source_addr: readCString(Rules.source_addr),
    dest_addr_ton: readInt8('dest_addr_ton'),
    dest_addr_npi: readInt8('dest_addr_npi'),
    destination_addr: readCString(Rules.destination_addr),
    esm_class: readInt8('esm_class'),
    protocol_id: readInt8('protocol_id'),
    priority_flag: readInt8('priority_flag'),
    schedule_delivery_time: readCString(Rules.schedule_delivery_time),
    validity_period: readCString(Rules.validity_period),
    registered_delivery: readInt8('registered_delivery'),
    replace_if_present_flag: readInt8('replace_if_present_flag'),
    data_coding: readInt8('data_coding'),
    sm_default_msg_id: readInt8('sm_default_msg_id'),
    short_message: readShortMessage(),
    tlvs: readTlvs(),
  };
  checkPayloadExclusive(pdu.short_message, pdu.tlvs);
  return pdu;
}

function decodeDataSm(status: number): DataSm {
  return {
    command: 'data_sm',
    command_id: commandId,
    command_status: status,
    sequence_number: sequenceNumber,
    service_type: readCString(Rules.service_type),
    source_addr_ton: readInt8('source_addr_ton'),
    source_addr_npi: readInt8('source_addr_npi'),
    source_addr: readCString(Rules.source_addr),
    dest_addr_ton: readInt8('dest_addr_ton'),
    dest_addr_npi: readInt8('dest_addr_npi'),
    destination_addr: readCString(Rules.destination_addr),
    esm_class: readInt8('esm_class'),
    registered_delivery: readInt8('registered_delivery'),
    data_coding: readInt8('data_coding'),
    tlvs: readTlvs(),
  };
}

/** submit_sm_resp, deliver_sm_resp, data_sm_resp (message_id); bind_*_resp (system_id). */
function decodeSingleFieldResp(command: CommandName, status: number, rule: CStringRule): Pdu {
  return {
    command,
    command_id: commandId,
    command_status: status,
    sequence_number: sequenceNumber,
    [rule.field]: readCString(rule),
    tlvs: readTlvs(),
  } as Pdu;
}

function decodeBind(command: CommandName, status: number, allowLongPassword: boolean): Pdu {
  return {
    command,
    command_id: commandId,
    command_status: status,
    sequence_number: sequenceNumber,
    system_id: readCString(Rules.system_id),
    password: readCString(allowLongPassword ? Rules.long_password : Rules.password),
    system_type: readCString(Rules.system_type),
    interface_version: readInt8('interface_version'),
    addr_ton: readInt8('addr_ton'),
    addr_npi: readInt8('addr_npi'),
    address_range: readCString(Rules.address_range),
    tlvs: readTlvs(),
  } as BindTransmitter | BindReceiver | BindTransceiver;
}

function decodeQuerySm(status: number): QuerySm {
  return {
    command: 'query_sm',
    command_id: commandId,
    command_status: status,
    sequence_number: sequenceNumber,
    message_id: readCString(Rules.message_id),
    source_addr_ton: readInt8('source_addr_ton'),
    source_addr_npi: readInt8('source_addr_npi'),
    source_addr: readCString(Rules.source_addr),
    tlvs: readTlvs(),
  };
}

function decodeQuerySmResp(status: number): QuerySmResp {
  return {
    command: 'query_sm_resp',
    command_id: commandId,
    command_status: status,
    sequence_number: sequenceNumber,
    message_id: readCString(Rules.message_id),
    final_date: readCString(Rules.final_date),
    message_state: readInt8('message_state'),
    error_code: readInt8('error_code'),
    tlvs: readTlvs(),
  };
}

function decodeCancelSm(status: number): CancelSm {
  return {
    command: 'cancel_sm',
    command_id: commandId,
    command_status: status,
    sequence_number: sequenceNumber,
    service_type: readCString(Rules.service_type),
    message_id: readCString(Rules.message_id),
    source_addr_ton: readInt8('source_addr_ton'),
    source_addr_npi: readInt8('source_addr_npi'),
    source_addr: readCString(Rules.source_addr),
    dest_addr_ton: readInt8('dest_addr_ton'),
    dest_addr_npi: readInt8('dest_addr_npi'),
    destination_addr: readCString(Rules.destination_addr),
    tlvs: readTlvs(),
  };
}

/** enquire_link(_resp), unbind(_resp), generic_nack, cancel_sm_resp: a 16-octet header and nothing else. */
function decodeHeaderOnly(command: CommandName, status: number): Pdu {
  if (end !== 0) {
    fail(
      'BODY_NOT_EMPTY',
      CommandStatus.ESME_RINVCMDLEN,
      `${command} has no body but ${end} octet(s) followed`,
    );
  }
  return {
    command,
    command_id: commandId,
    command_status: status,
    sequence_number: sequenceNumber,
    tlvs: [],
  } as Pdu;
}

/**
 * Decodes a whole PDU cut by the FrameDecoder. Throws PduDecodeError carrying the command_status
 * to answer with; every octet of the body must be accounted for (mandatory fields, then TLVs).
 *
 * A response whose body is empty decodes with its fields defaulted: SPEC §4.4.2 omits the body of
 * error responses (LabsMobile sends a 16-octet submit_sm_resp with status 0xFF), and some peers omit
 * the unused message_id of deliver_sm_resp even on success.
 */
export function decodePdu(frame: Frame, options?: DecodeOptions): Pdu {
  commandId = frame.command_id;
  sequenceNumber = frame.sequence_number;
  body = frame.body;
  pos = 0;
  end = body.length;
  const status = frame.command_status;
  const command = commandName(commandId);
  if (command === undefined) {
    fail(
      'UNKNOWN_COMMAND_ID',
      CommandStatus.ESME_RINVCMDID,
      `command_id 0x${(commandId >>> 0).toString(16).padStart(8, '0')} is not an SMPP 3.4 command`,
    );
  }
  if (frame.command_length !== HEADER_LENGTH + end) {
    fail(
      'COMMAND_LENGTH_MISMATCH',
      CommandStatus.ESME_RINVCMDLEN,
      `command_length ${frame.command_length} does not match a ${end}-octet body`,
    );
  }
  if (end === 0 && isResponseId(commandId)) {
    return createPdu(command, { command_status: status, sequence_number: sequenceNumber });
  }
  switch (commandId) {
    case CommandId.submit_sm:
      return decodeShortMessagePdu('submit_sm', status);
    case CommandId.deliver_sm:
      return decodeShortMessagePdu('deliver_sm', status);
    case CommandId.data_sm:
      return decodeDataSm(status);
    case CommandId.submit_sm_resp:
    case CommandId.deliver_sm_resp:
    case CommandId.data_sm_resp:
      return decodeSingleFieldResp(command, status, Rules.message_id);
    case CommandId.enquire_link:
    case CommandId.enquire_link_resp:
    case CommandId.unbind:
    case CommandId.unbind_resp:
    case CommandId.generic_nack:
    case CommandId.cancel_sm_resp:
      return decodeHeaderOnly(command, status);
    case CommandId.bind_transmitter:
    case CommandId.bind_receiver:
    case CommandId.bind_transceiver:
      return decodeBind(command, status, options?.allowLongPassword === true);
    case CommandId.bind_transmitter_resp:
    case CommandId.bind_receiver_resp:
    case CommandId.bind_transceiver_resp:
      return decodeSingleFieldResp(command, status, Rules.system_id);
    case CommandId.query_sm:
      return decodeQuerySm(status);
    case CommandId.query_sm_resp:
      return decodeQuerySmResp(status);
    case CommandId.cancel_sm:
      return decodeCancelSm(status);
    default:
      return decodeOtherBody(command, frame);
  }
}
