import { PduDecodeError, PduEncodeError } from '../errors';
import type { Tlv } from '../pdu/types';
import { CommandStatus } from '../tables/command-status';
import { Tlv as TlvTag, hex4, tlvDefinition } from '../tables/tlv';

const TLV_HEADER_LENGTH = 4;
const MAX_TLV_LENGTH = 0xffff;

export interface DecodeContext {
  command_id: number;
  sequence_number: number;
}

/**
 * Reads the optional parameters from `offset` to the end of `body` in wire order. Unknown tags are
 * kept raw. Throws ESME_RINVOPTPARSTREAM when a TLV runs past the end of the PDU and
 * ESME_RINVPARLEN when a known TLV's length breaks its definition.
 */
export function decodeTlvs(body: Buffer, offset: number, context: DecodeContext): Tlv[] {
  const tlvs: Tlv[] = [];
  const end = body.length;
  let pos = offset;
  while (pos < end) {
    if (end - pos < TLV_HEADER_LENGTH) {
      throw tlvError(
        'TLV_TRUNCATED',
        CommandStatus.ESME_RINVOPTPARSTREAM,
        context,
        undefined,
        `${end - pos} octet(s) after the last parameter are too few for a TLV header`,
      );
    }
    const tag = (body[pos] << 8) | body[pos + 1];
    const length = (body[pos + 2] << 8) | body[pos + 3];
    const start = pos + TLV_HEADER_LENGTH;
    if (length > end - start) {
      throw tlvError(
        'TLV_PAST_END',
        CommandStatus.ESME_RINVOPTPARSTREAM,
        context,
        tag,
        `length ${length} runs ${length - (end - start)} octet(s) past the end of the PDU`,
      );
    }
    const def = tlvDefinition(tag);
    if (def !== undefined && (length < def.minLength || length > def.maxLength)) {
      throw tlvError(
        'TLV_LENGTH_INVALID',
        CommandStatus.ESME_RINVPARLEN,
        context,
        tag,
        `length ${length}, allowed ${def.minLength}..${def.maxLength}`,
      );
    }
    pos = start + length;
    tlvs.push({ tag, value: body.subarray(start, pos) });
  }
  return tlvs;
}

function tlvError(
  code: string,
  status: number,
  context: DecodeContext,
  tag: number | undefined,
  detail: string,
): PduDecodeError {
  const field = tag === undefined ? undefined : (tlvDefinition(tag)?.name ?? `0x${hex4(tag)}`);
  return new PduDecodeError(code, field === undefined ? detail : `TLV ${field}: ${detail}`, {
    command_status: status,
    command_id: context.command_id,
    sequence_number: context.sequence_number,
    ...(field === undefined ? {} : { field }),
  });
}

/**
 * Octets the TLVs take on the wire. Checks each one first (16-bit tag, Buffer value, length within
 * the tag's definition) and throws PduEncodeError on the first that breaks a rule.
 */
export function encodedTlvsSize(tlvs: readonly Tlv[], command: string): number {
  const list: unknown = tlvs;
  if (!Array.isArray(list)) {
    throw new PduEncodeError('TLVS_INVALID', `${command}: tlvs must be an array`, command, 'tlvs');
  }
  let size = 0;
  for (let i = 0; i < tlvs.length; i++) {
    const { tag, value } = tlvs[i];
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff) {
      throw new PduEncodeError(
        'TLV_TAG_INVALID',
        `${command}: TLV tag ${String(tag)} is not 16-bit`,
        command,
      );
    }
    const name = tlvDefinition(tag)?.name ?? `0x${hex4(tag)}`;
    if (!Buffer.isBuffer(value)) {
      throw new PduEncodeError(
        'TLV_VALUE_INVALID',
        `${command}: TLV ${name} value must be a Buffer`,
        command,
        name,
      );
    }
    const def = tlvDefinition(tag);
    const min = def?.minLength ?? 0;
    const max = def?.maxLength ?? MAX_TLV_LENGTH;
    if (value.length < min || value.length > max) {
      throw new PduEncodeError(
        'TLV_LENGTH_INVALID',
        `${command}: TLV ${name} has ${value.length} octets, allowed ${min}..${max}`,
        command,
        name,
      );
    }
    size += TLV_HEADER_LENGTH + value.length;
  }
  return size;
}

/** Writes TLVs already checked by encodedTlvsSize; returns the offset after them. */
export function writeTlvs(buf: Buffer, offset: number, tlvs: readonly Tlv[]): number {
  let pos = offset;
  for (let i = 0; i < tlvs.length; i++) {
    const { tag, value } = tlvs[i];
    buf[pos] = tag >>> 8;
    buf[pos + 1] = tag & 0xff;
    buf[pos + 2] = value.length >>> 8;
    buf[pos + 3] = value.length & 0xff;
    pos += TLV_HEADER_LENGTH;
    pos += value.copy(buf, pos);
  }
  return pos;
}

export function hasMessagePayload(tlvs: readonly Tlv[]): boolean {
  for (let i = 0; i < tlvs.length; i++) if (tlvs[i].tag === TlvTag.message_payload) return true;
  return false;
}
