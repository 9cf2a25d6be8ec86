import type { Tlv } from '../pdu/types';
import { MessageBodyError } from './errors';

/** TLV tags used for concatenation and long bodies (SMPP 3.4 §5.3.2). */
export const CONCATENATION_TLV_TAGS = {
  sarMsgRefNum: 0x020c,
  sarTotalSegments: 0x020e,
  sarSegmentSeqnum: 0x020f,
  messagePayload: 0x0424,
} as const;

/** esm_class bit 6: short_message (or message_payload) starts with a UDH (SMPP 3.4 §5.2.12). */
export const ESM_CLASS_UDHI = 0x40;

/** 3GPP TS 23.040 §9.2.3.24 information element identifiers for concatenation. */
const IE_CONCAT_8BIT = 0x00;
const IE_CONCAT_16BIT = 0x08;

export interface InformationElement {
  id: number;
  data: Buffer;
}

/** Position of one part in a concatenated message; sequence is 1-based. */
export interface ConcatInfo {
  reference: number;
  total: number;
  sequence: number;
  /** 8 for UDH IE 0x00, 16 for UDH IE 0x08 and for SAR TLVs. */
  referenceBits: 8 | 16;
}

export interface UserDataHeader {
  /** Octets the header takes, the UDHL octet included. */
  length: number;
  /** Every IE in order, unknown ones included. */
  elements: InformationElement[];
  /** From the last concatenation IE, as 23.040 §9.2.3.24 says for repeated IEs. */
  concat?: ConcatInfo;
}

/** Parses the UDH at the start of user data. IEs this code does not know are kept and skipped. */
export function parseUserDataHeader(userData: Buffer): UserDataHeader {
  if (userData.length === 0)
    throw new MessageBodyError('empty-udh', 'UDHI is set but the user data is empty');
  const end = 1 + userData[0];
  if (end > userData.length) {
    throw new MessageBodyError(
      'udh-overflow',
      `UDHL ${userData[0]} runs past the ${userData.length}-octet user data`,
    );
  }
  const elements: InformationElement[] = [];
  let concat: ConcatInfo | undefined;
  let offset = 1;
  while (offset < end) {
    if (offset + 2 > end || offset + 2 + userData[offset + 1] > end) {
      throw new MessageBodyError('ie-overflow', `information element at octet ${offset} runs past the UDH`);
    }
    const id = userData[offset];
    const data = userData.subarray(offset + 2, offset + 2 + userData[offset + 1]);
    elements.push({ id, data });
    if (id === IE_CONCAT_8BIT || id === IE_CONCAT_16BIT) concat = readConcatElement(id, data);
    offset += 2 + data.length;
  }
  return concat ? { length: end, elements, concat } : { length: end, elements };
}

function readConcatElement(id: number, data: Buffer): ConcatInfo {
  const expected = id === IE_CONCAT_8BIT ? 3 : 4;
  if (data.length !== expected) {
    throw new MessageBodyError(
      'invalid-concat',
      `concatenation IE 0x0${id} has length ${data.length}, not ${expected}`,
    );
  }
  const concat: ConcatInfo =
    id === IE_CONCAT_8BIT
      ? { reference: data[0], total: data[1], sequence: data[2], referenceBits: 8 }
      : { reference: data.readUInt16BE(0), total: data[2], sequence: data[3], referenceBits: 16 };
  const problem = concatProblem(concat);
  if (problem) throw new MessageBodyError('invalid-concat', problem);
  return concat;
}

/** `05 00 03 RR TT SS` (IE 0x00) or `06 08 04 RR RR TT SS` (IE 0x08). */
export function buildConcatUdh(concat: ConcatInfo): Buffer {
  const problem = concatProblem(concat) ?? referenceProblem(concat);
  if (problem) throw new RangeError(problem);
  const { reference, total, sequence } = concat;
  return concat.referenceBits === 8
    ? Buffer.from([0x05, IE_CONCAT_8BIT, 0x03, reference, total, sequence])
    : Buffer.from([0x06, IE_CONCAT_16BIT, 0x04, reference >> 8, reference & 0xff, total, sequence]);
}

/** sar_msg_ref_num (2 octets), sar_total_segments (1), sar_segment_seqnum (1). */
export function buildSarTlvs(concat: Omit<ConcatInfo, 'referenceBits'>): Tlv[] {
  const problem = concatProblem(concat) ?? referenceProblem({ ...concat, referenceBits: 16 });
  if (problem) throw new RangeError(problem);
  const reference = Buffer.alloc(2);
  reference.writeUInt16BE(concat.reference);
  return [
    { tag: CONCATENATION_TLV_TAGS.sarMsgRefNum, value: reference },
    { tag: CONCATENATION_TLV_TAGS.sarTotalSegments, value: Buffer.from([concat.total]) },
    { tag: CONCATENATION_TLV_TAGS.sarSegmentSeqnum, value: Buffer.from([concat.sequence]) },
  ];
}

/** The SAR TLVs as ConcatInfo; undefined when none is present, an error when only some are. */
export function parseSarTlvs(tlvs: readonly Tlv[]): ConcatInfo | undefined {
  const find = (tag: number) => tlvs.find((tlv) => tlv.tag === tag)?.value;
  const reference = find(CONCATENATION_TLV_TAGS.sarMsgRefNum);
  const total = find(CONCATENATION_TLV_TAGS.sarTotalSegments);
  const sequence = find(CONCATENATION_TLV_TAGS.sarSegmentSeqnum);
  if (!reference && !total && !sequence) return undefined;
  if (!reference || !total || !sequence) {
    throw new MessageBodyError(
      'incomplete-sar',
      'sar_msg_ref_num, sar_total_segments and sar_segment_seqnum go together',
    );
  }
  if (reference.length !== 2 || total.length !== 1 || sequence.length !== 1) {
    throw new MessageBodyError('invalid-sar', 'SAR TLV lengths must be 2, 1 and 1 octets');
  }
  const concat: ConcatInfo = {
    reference: reference.readUInt16BE(0),
    total: total[0],
    sequence: sequence[0],
    referenceBits: 16,
  };
  const problem = concatProblem(concat);
  if (problem) throw new MessageBodyError('invalid-sar', problem);
  return concat;
}

export interface ReceivedMessageBody {
  /** User data after any UDH: the octets to concatenate and decode. */
  userData: Buffer;
  udh?: UserDataHeader;
  concat?: ConcatInfo;
  carrier: 'short_message' | 'message_payload';
}

/**
 * Takes apart the body of a received submit_sm / deliver_sm / data_sm: message_payload or
 * short_message (SMPP 3.4 §5.2.21: not both), the UDH when esm_class has UDHI, and concatenation
 * from the UDH or else from the SAR TLVs.
 */
export function parseMessageBody(input: {
  shortMessage: Buffer;
  esmClass: number;
  tlvs?: readonly Tlv[];
}): ReceivedMessageBody {
  const tlvs = input.tlvs ?? [];
  const payload = tlvs.find((tlv) => tlv.tag === CONCATENATION_TLV_TAGS.messagePayload)?.value;
  if (payload && input.shortMessage.length > 0) {
    throw new MessageBodyError(
      'short-message-and-payload',
      'short_message must be empty when message_payload is present',
    );
  }
  const body = payload ?? input.shortMessage;
  const carrier = payload ? 'message_payload' : 'short_message';
  const udh = input.esmClass & ESM_CLASS_UDHI ? parseUserDataHeader(body) : undefined;
  const concat = udh?.concat ?? parseSarTlvs(tlvs);
  const result: ReceivedMessageBody = { userData: udh ? body.subarray(udh.length) : body, carrier };
  if (udh) result.udh = udh;
  if (concat) result.concat = concat;
  return result;
}

function concatProblem(concat: Omit<ConcatInfo, 'referenceBits'>): string | undefined {
  const { total, sequence } = concat;
  if (!Number.isInteger(total) || total < 1 || total > 255) return `total parts ${total} is not 1..255`;
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > total) {
    return `part number ${sequence} is not 1..${total}`;
  }
  return undefined;
}

function referenceProblem(concat: ConcatInfo): string | undefined {
  const max = concat.referenceBits === 8 ? 0xff : 0xffff;
  const { reference } = concat;
  return Number.isInteger(reference) && reference >= 0 && reference <= max
    ? undefined
    : `reference ${reference} does not fit ${concat.referenceBits} bits`;
}
