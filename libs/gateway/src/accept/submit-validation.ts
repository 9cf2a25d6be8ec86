import type { StoredTlv } from '@app/database';
import { MAX_SEGMENTS } from '@app/billing';
import { normalizeDestination } from '@app/routing';
import {
  CommandStatus,
  CONCATENATION_TLV_TAGS,
  countSegments,
  decodeText,
  interpretDataCoding,
  MessageBodyError,
  parseMessageBody,
  parseSmppTime,
  receiptTextOf,
  resolveRelativeTime,
  SmppTimeError,
  type ConcatInfo,
  type DataSm,
  type SubmitSm,
  type TextCoding,
} from '@app/smpp';
import type { TenantPolicy } from '../auth/tenant-policy';

/** SMPP 3.4 §5.3.2.17 user_message_reference. */
const TAG_USER_MESSAGE_REFERENCE = 0x0204;
/** A single SMS carries 140 octets of user data (GSM 03.40); longer binary bodies are split 134 + 6-octet UDH. */
const SINGLE_SEGMENT_OCTETS = 140;
const MULTI_SEGMENT_OCTETS = 134;

/** esm_class bits 5-2 (SMPP 3.4 §5.2.12): an ESME may submit default (0), delivery ack (0x08) or manual ack (0x10). */
const ESM_TYPE_MASK = 0x3c;
const SUBMITTABLE_ESM_TYPES = new Set([0x00, 0x08, 0x10]);

export interface Address {
  readonly addr: string;
  readonly ton: number;
  readonly npi: number;
}

/** A submit that passed every check: what the accept path stores, routes and bills. */
export interface ValidSubmit {
  readonly source: Address;
  readonly destination: Address;
  /** The destination as routed: 1-15 digits. */
  readonly destinationDigits: string;
  readonly esmClass: number;
  readonly protocolId: number;
  readonly priorityFlag: number;
  readonly registeredDelivery: number;
  readonly dataCoding: number;
  /** short_message, or message_payload when that carried the body; UDH included. */
  readonly octets: Buffer;
  /** Every TLV but message_payload, as received. */
  readonly tlvs: StoredTlv[];
  readonly userMessageReference: number | null;
  /** Decoded text, '' for binary or an alphabet we do not decode. */
  readonly text: string;
  readonly dlrText: string;
  /** Segments billed: 1 for a part of a concatenated message, else the count the text needs. */
  readonly segments: number;
  readonly concat: ConcatInfo | undefined;
  readonly scheduleAt: Date | null;
  readonly expiresAt: Date;
}

export type SubmitCheck =
  | { readonly ok: true; readonly submit: ValidSubmit }
  | { readonly ok: false; readonly status: number; readonly reason: string };

export interface SubmitLimits {
  /** Validity when the tenant gives none, and the longest it may ask for. */
  readonly defaultValidityMs: number;
  readonly maxValidityMs: number;
}

function reject(status: number, reason: string): SubmitCheck {
  return { ok: false, status, reason };
}

const TEXT_CODING_BY_ALPHABET: Readonly<Partial<Record<string, TextCoding>>> = {
  gsm7: 'gsm7',
  ascii: 'ascii',
  latin1: 'latin1',
  cyrillic: 'cyrillic',
  ucs2: 'ucs2',
};

/** Resolves an SMPP time field; throws SmppTimeError for malformed input. */
function resolveTime(value: string, now: Date): Date | null {
  const time = parseSmppTime(value);
  if (time === null) return null;
  return time.kind === 'absolute' ? time.date : resolveRelativeTime(time.duration, now);
}

function binarySegments(octets: number): number {
  return octets <= SINGLE_SEGMENT_OCTETS ? 1 : Math.ceil(octets / MULTI_SEGMENT_OCTETS);
}

/**
 * Checks a submit_sm or data_sm from a bound tenant. Statuses follow SMPP 3.4 §5.1.3; the README's status table
 * lists each and why.
 */
export function validateSubmit(
  pdu: SubmitSm | DataSm,
  policy: TenantPolicy,
  limits: SubmitLimits,
  now: Date,
): SubmitCheck {
  const isSubmit = pdu.command === 'submit_sm';
  const source: Address = { addr: pdu.source_addr, ton: pdu.source_addr_ton, npi: pdu.source_addr_npi };
  const destination: Address = { addr: pdu.destination_addr, ton: pdu.dest_addr_ton, npi: pdu.dest_addr_npi };

  if (!policy.allowsSource(source.addr)) {
    return reject(CommandStatus.ESME_RINVSRCADR, 'source address not allowed for this credential');
  }
  const destinationDigits = destination.ton === 5 ? undefined : normalizeDestination(destination.addr);
  if (destinationDigits === undefined) {
    return reject(CommandStatus.ESME_RINVDSTADR, 'destination must be 1-15 digits (an optional leading +)');
  }
  if (!policy.allowsDestination(destinationDigits)) {
    return reject(CommandStatus.ESME_RINVDSTADR, 'destination not allowed for this credential');
  }
  if (!SUBMITTABLE_ESM_TYPES.has(pdu.esm_class & ESM_TYPE_MASK)) {
    return reject(CommandStatus.ESME_RINVESMCLASS, 'esm_class message type is not one an ESME may submit');
  }
  // registered_delivery: bits 1-0 value 3 and bits 7-5 are reserved (SMPP 3.4 §5.2.17).
  if ((pdu.registered_delivery & 0x03) === 0x03 || (pdu.registered_delivery & 0xe0) !== 0) {
    return reject(CommandStatus.ESME_RINVREGDLVFLG, 'registered_delivery uses reserved bits');
  }
  let priorityFlag = 0;
  let protocolId = 0;
  let scheduleAt: Date | null = null;
  let expiresAt = new Date(now.getTime() + limits.defaultValidityMs);
  if (isSubmit) {
    if (pdu.priority_flag > 3) return reject(CommandStatus.ESME_RINVPRTFLG, 'priority_flag must be 0-3');
    if (pdu.replace_if_present_flag !== 0) {
      return reject(CommandStatus.ESME_RINVREPFLAG, 'replace_if_present is not supported');
    }
    priorityFlag = pdu.priority_flag;
    protocolId = pdu.protocol_id;
    try {
      scheduleAt = resolveTime(pdu.schedule_delivery_time, now);
    } catch (error) {
      if (error instanceof SmppTimeError) return reject(CommandStatus.ESME_RINVSCHED, error.message);
      throw error;
    }
    if (scheduleAt !== null && scheduleAt.getTime() <= now.getTime()) scheduleAt = null;
    const base = scheduleAt ?? now;
    try {
      const validity = resolveTime(pdu.validity_period, base);
      if (validity !== null) expiresAt = validity;
      else expiresAt = new Date(base.getTime() + limits.defaultValidityMs);
    } catch (error) {
      if (error instanceof SmppTimeError) return reject(CommandStatus.ESME_RINVEXPIRY, error.message);
      throw error;
    }
    if (expiresAt.getTime() <= base.getTime()) {
      return reject(CommandStatus.ESME_RINVEXPIRY, 'validity_period ends before the message could be sent');
    }
    if (expiresAt.getTime() - now.getTime() > limits.maxValidityMs) {
      return reject(
        CommandStatus.ESME_RINVEXPIRY,
        'validity_period is longer than this server keeps messages',
      );
    }
  }

  const dcs = interpretDataCoding(pdu.data_coding);
  if (!dcs.supported) {
    return reject(
      CommandStatus.ESME_RSUBMITFAIL,
      `data_coding 0x${pdu.data_coding.toString(16)} is reserved`,
    );
  }
  const shortMessage = isSubmit ? pdu.short_message : Buffer.alloc(0);
  let body;
  try {
    body = parseMessageBody({ shortMessage, esmClass: pdu.esm_class, tlvs: pdu.tlvs });
  } catch (error) {
    if (!(error instanceof MessageBodyError)) throw error;
    const status =
      error.code === 'incomplete-sar' ? CommandStatus.ESME_RMISSINGOPTPARAM : CommandStatus.ESME_RINVMSGLEN;
    return reject(status, error.message);
  }
  const octets =
    body.carrier === 'message_payload'
      ? (pdu.tlvs.find((tlv) => tlv.tag === CONCATENATION_TLV_TAGS.messagePayload)?.value ?? Buffer.alloc(0))
      : shortMessage;
  if (body.userData.length === 0 && body.concat === undefined) {
    return reject(CommandStatus.ESME_RINVMSGLEN, 'the message is empty');
  }
  const coding = dcs.smscDefault ? 'gsm7' : TEXT_CODING_BY_ALPHABET[dcs.alphabet];
  let text = '';
  if (coding !== undefined) {
    try {
      text = decodeText(body.userData, coding);
    } catch (error) {
      return reject(
        CommandStatus.ESME_RINVMSGLEN,
        `the message does not decode as ${coding}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  let segments = 1;
  if (body.concat === undefined) {
    segments =
      coding === undefined ? binarySegments(body.userData.length) : countSegments(text, coding).segments;
  }
  if (segments > MAX_SEGMENTS) {
    return reject(
      CommandStatus.ESME_RINVMSGLEN,
      `the message needs ${segments} segments (at most ${MAX_SEGMENTS})`,
    );
  }

  let userMessageReference: number | null = null;
  const tlvs: StoredTlv[] = [];
  for (const tlv of pdu.tlvs) {
    if (tlv.tag === CONCATENATION_TLV_TAGS.messagePayload) continue;
    if (tlv.tag === TAG_USER_MESSAGE_REFERENCE) {
      if (tlv.value.length !== 2) {
        return reject(CommandStatus.ESME_RINVPARLEN, 'user_message_reference must be 2 octets');
      }
      userMessageReference = tlv.value.readUInt16BE(0);
    }
    tlvs.push({ tag: tlv.tag, hex: tlv.value.toString('hex') });
  }

  return {
    ok: true,
    submit: {
      source,
      destination,
      destinationDigits,
      esmClass: pdu.esm_class,
      protocolId,
      priorityFlag,
      registeredDelivery: pdu.registered_delivery,
      dataCoding: pdu.data_coding,
      octets,
      tlvs,
      userMessageReference,
      text,
      dlrText: receiptTextOf(text),
      segments,
      concat: body.concat,
      scheduleAt,
      expiresAt,
    },
  };
}
