import { commands as referenceCommands, types as referenceTypes, type ReferenceParam } from 'smpp/lib/defs';
import { PduDecodeError, PduEncodeError, SmppError } from '../errors';
import type { CommandName, Frame, OtherPdu } from '../pdu/types';
import { CommandStatus } from '../tables/command-status';
import { MAX_SM_LENGTH } from './field-rules';
import { decodeTlvs, encodedTlvsSize, writeTlvs } from './tlv-codec';

/**
 * replace_sm, submit_multi, outbind, alert_notification and their responses: mandatory fields laid
 * out by the reference `smpp` package's tables (node_modules/smpp/lib/defs.js), TLVs by our own
 * TLV codec. Only the reference's field types are used, never its PDU class, so its filters
 * (text decoding, Date conversion of times) do not apply: short_message stays a Buffer and
 * times stay strings. The reference omits the count fields (sm_length, number_of_dests,
 * no_unsuccess) from its tables because its types write them.
 */
const HEADER_LENGTH = 16;

function referenceParams(command: string): [string, ReferenceParam][] {
  const definition = referenceCommands[command];
  if (definition === undefined) {
    throw new SmppError('REFERENCE_COMMAND_MISSING', `the reference codec does not know ${command}`);
  }
  return Object.entries(definition.params ?? {});
}

const paramsByCommand = new Map<string, [string, ReferenceParam][]>();

function paramsOf(command: string): [string, ReferenceParam][] {
  let params = paramsByCommand.get(command);
  if (params === undefined) {
    params = referenceParams(command);
    paramsByCommand.set(command, params);
  }
  return params;
}

export function decodeOtherBody(command: CommandName, frame: Frame): OtherPdu {
  const body = frame.body;
  const context = { command_id: frame.command_id, sequence_number: frame.sequence_number };
  const fields: Record<string, unknown> = {};
  let pos = 0;
  for (const [name, param] of paramsOf(command)) {
    let size = 0;
    try {
      if (pos >= body.length) throw new RangeError('body ended');
      const value = param.type.read(body, pos);
      size = param.type.size(value);
      fields[name] = value;
    } catch {
      size = Infinity;
    }
    // The reference readers do not check bounds: a C-string read stops at the end of the buffer as
    // if a NUL were there and a length-prefixed read is cut short, so the sizes are checked here.
    if (pos + size > body.length) {
      throw new PduDecodeError('BODY_TOO_SHORT', `${command}: body ends inside ${name}`, {
        command_status: CommandStatus.ESME_RINVCMDLEN,
        ...context,
        field: name,
      });
    }
    if (param.type === referenceTypes.buffer && (size !== body[pos] + 1 || body[pos] > MAX_SM_LENGTH)) {
      throw new PduDecodeError('SM_LENGTH_INVALID', `${command}: sm_length ${body[pos]} is invalid here`, {
        command_status: CommandStatus.ESME_RINVMSGLEN,
        ...context,
        field: 'sm_length',
      });
    }
    pos += size;
  }
  return {
    command: command as OtherPdu['command'],
    command_id: frame.command_id,
    command_status: frame.command_status,
    sequence_number: frame.sequence_number,
    fields,
    tlvs: pos === body.length ? [] : decodeTlvs(body, pos, context),
  };
}

export function encodeOther(pdu: OtherPdu): Buffer {
  const command = pdu.command;
  const fields = pdu.fields ?? {};
  const params = paramsOf(command);
  const values: unknown[] = [];
  let length = HEADER_LENGTH;
  try {
    for (const [name, param] of params) {
      const value = name in fields ? fields[name] : (param.default ?? param.type.default);
      values.push(value);
      length += param.type.size(value);
    }
  } catch (error) {
    throw new PduEncodeError('FIELD_INVALID', `${command}: ${describe(error)}`, command);
  }
  length += encodedTlvsSize(pdu.tlvs, command);
  const buf = Buffer.alloc(length);
  buf.writeUInt32BE(length, 0);
  buf.writeUInt32BE(pdu.command_id, 4);
  buf.writeUInt32BE(pdu.command_status, 8);
  buf.writeUInt32BE(pdu.sequence_number, 12);
  let pos = HEADER_LENGTH;
  try {
    for (let i = 0; i < params.length; i++) {
      const type = params[i][1].type;
      type.write(values[i], buf, pos);
      pos += type.size(values[i]);
    }
  } catch (error) {
    throw new PduEncodeError('FIELD_INVALID', `${command}: ${describe(error)}`, command);
  }
  writeTlvs(buf, pos, pdu.tlvs);
  return buf;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
