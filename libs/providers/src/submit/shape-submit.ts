import {
  absoluteToRelative,
  createPdu,
  formatRelativeTime,
  SmppTimeError,
  splitText,
  Tlv,
  type Concatenation,
  type MessagePart,
  type SubmitSm,
} from '@app/smpp';
import { ProviderInputError, type ProviderInputErrorCode } from '../errors';
import type { OutboundMessage } from '../message';
import type { ProviderProfile } from '../profile';
import { shapeDestination, shapeSource, type SmppAddress } from './address';
import { decideTextCoding, flashSubunitTlv, wantsFlash } from './coding';
import type { ShapeSubmitOptions } from './options';

export interface SubmitShaped {
  kind: 'submit';
  /** One submit_sm per part, in order; sequence_number is left 0 for the session to assign. */
  pdus: SubmitSm[];
  /** 'binary' for binary bodies. */
  coding: string;
  dataCoding: number;
  /** Segments on air (one PDU with message_payload may carry several). */
  segments: number;
  flash: boolean;
  /** When the profile sends no validity_period, the engine must give up at this instant itself. */
  expiresAt?: Date;
  /** Tenant TLVs this provider does not take, left out. */
  droppedTlvTags: number[];
  /** Decisions worth a log line (a transcoding, a flash sent as normal). */
  notes: string[];
}

/** The provider cannot take the message before this instant (no SMPP scheduling): hold it and shape again then. */
export interface SubmitHeld {
  kind: 'hold';
  holdUntil: Date;
  reason: string;
}

/** The message is valid but this provider cannot carry it: give it to the next route. */
export interface SubmitRerouted {
  kind: 'reroute';
  reason: string;
}

/** The message's validity ended before it could be sent. */
export interface SubmitExpired {
  kind: 'expired';
  reason: string;
}

export type ShapedSubmit = SubmitShaped | SubmitHeld | SubmitRerouted | SubmitExpired;

/** SPEC §5.2.17: final delivery receipt requested, on success or failure. */
const RECEIPT_ON_FINAL_OUTCOME = 0x01;
/** SPEC §5.2.12: esm_class bit 6, the short message starts with a user data header. */
const ESM_CLASS_UDHI = 0x40;
/** Air-interface user data of one SMS (3GPP TS 23.040 §9.2.3.24). */
const MAX_SINGLE_PART_OCTETS = 140;
/** Concatenation and flash TLVs are the shaper's to set; a tenant's copies are replaced. */
const SHAPER_OWNED_TAGS: ReadonlySet<number> = new Set([
  Tlv.message_payload,
  Tlv.sar_msg_ref_num,
  Tlv.sar_total_segments,
  Tlv.sar_segment_seqnum,
  Tlv.dest_addr_subunit,
]);

/**
 * The submit_sm PDUs that carry `message` to the provider of `profile`, or why they cannot be sent
 * now: coding and data_coding (providers.md §5), addresses, TLVs, segmentation, schedule (relative
 * for Infobip, held for providers without SMPP scheduling) and validity. Pure: the time is
 * `options.now`. Throws ProviderInputError for a malformed message.
 */
export function shapeSubmit(
  message: OutboundMessage,
  profile: ProviderProfile,
  options: ShapeSubmitOptions,
): ShapedSubmit {
  validateMessage(message, options.now);
  const { now } = options;

  const source = shapeSource(message.source, profile);
  if ('unsupported' in source) return { kind: 'reroute', reason: source.unsupported };
  const destination = shapeDestination(message.destination, profile);

  const scheduleAt =
    message.scheduleAt !== undefined && message.scheduleAt > now ? message.scheduleAt : undefined;
  if (scheduleAt !== undefined && profile.scheduling.schedule === 'hold') {
    return {
      kind: 'hold',
      holdUntil: scheduleAt,
      reason: `${profile.name} has no scheduled delivery over SMPP`,
    };
  }
  if (message.validUntil !== undefined && message.validUntil <= now) {
    return { kind: 'expired', reason: `validity ended at ${message.validUntil.toISOString()}` };
  }

  const body = shapeBody(message, profile, options);
  if ('reroute' in body) return { kind: 'reroute', reason: body.reroute };
  const maxParts = profile.coding.maxParts;
  if (maxParts !== undefined && body.segments > maxParts) {
    return {
      kind: 'reroute',
      reason: `${body.segments} segments exceed ${profile.name}'s limit of ${maxParts}`,
    };
  }

  const { tlvs: messageTlvs, dropped } = messageLevelTlvs(message, profile, options);
  if (body.flash === 'dest-addr-subunit') messageTlvs.push(flashSubunitTlv());

  const sentValidity = profile.scheduling.validity === 'relative' ? message.validUntil : undefined;
  const fields = {
    ...addressFields(source, destination),
    schedule_delivery_time: scheduleAt === undefined ? '' : relativeTime(scheduleAt, now, 'schedule'),
    validity_period: sentValidity === undefined ? '' : relativeTime(sentValidity, now, 'validity'),
    registered_delivery: options.requestDeliveryReceipt === false ? 0 : RECEIPT_ON_FINAL_OUTCOME,
    data_coding: body.dataCoding,
  };
  const pdus = body.parts.map((part) =>
    createPdu('submit_sm', {
      ...fields,
      esm_class: part.esmClassFlags,
      short_message: part.shortMessage,
      tlvs: [...messageTlvs, ...part.tlvs],
    }),
  );
  const shaped: SubmitShaped = {
    kind: 'submit',
    pdus,
    coding: body.coding,
    dataCoding: body.dataCoding,
    segments: body.segments,
    flash: body.flash !== false,
    droppedTlvTags: dropped,
    notes: body.notes,
  };
  if (message.validUntil !== undefined && sentValidity === undefined) shaped.expiresAt = message.validUntil;
  return shaped;
}

interface ShapedBody {
  coding: string;
  dataCoding: number;
  segments: number;
  flash: 'data-coding' | 'dest-addr-subunit' | false;
  parts: MessagePart[];
  notes: string[];
}

function shapeBody(
  message: OutboundMessage,
  profile: ProviderProfile,
  options: ShapeSubmitOptions,
): ShapedBody | { reroute: string } {
  const { body } = message;
  if (body.kind === 'binary') {
    const binary = profile.coding.binary;
    if (binary === 'reroute') return { reroute: `${profile.name} has no documented binary support` };
    const notes = wantsFlash(message) ? ['binary messages are never sent as flash'] : [];
    if (body.udhi === true) {
      if (body.octets.length > MAX_SINGLE_PART_OCTETS) {
        throw new ProviderInputError(
          'invalid-body',
          `binary body with its own UDH has ${body.octets.length} octets; one part holds ${MAX_SINGLE_PART_OCTETS}`,
        );
      }
      const part = {
        shortMessage: body.octets,
        esmClassFlags: ESM_CLASS_UDHI,
        tlvs: [],
        units: body.octets.length,
      };
      return {
        coding: 'binary',
        dataCoding: binary.dataCoding,
        segments: 1,
        flash: false,
        parts: [part],
        notes,
      };
    }
    const split = splitText(body.octets.toString('hex'), {
      coding: 'binary',
      concatenation: concatenationFor(message, profile, options, body.octets.length > MAX_SINGLE_PART_OCTETS),
    });
    return {
      coding: 'binary',
      dataCoding: binary.dataCoding,
      segments: split.segments,
      flash: false,
      parts: split.parts,
      notes,
    };
  }

  const decision = decideTextCoding(body.text, message, profile, options.unsupportedFlash ?? 'send-plain');
  if ('reroute' in decision) return decision;
  const split = splitText(body.text, {
    coding: decision.coding,
    concatenation: concatenationFor(message, profile, options, decision.segments > 1),
    capacity: profile.coding.capacities?.[decision.coding],
  });
  const notes = [...decision.notes];
  const requested = message.dataCoding;
  if (requested !== undefined && requested !== decision.dataCoding) {
    notes.push(`data_coding ${requested} sent as ${decision.dataCoding} (${decision.coding})`);
  }
  return {
    coding: decision.coding,
    dataCoding: decision.dataCoding,
    segments: split.segments,
    flash: decision.flash,
    parts: split.parts,
    notes,
  };
}

/**
 * The profile's concatenation for a long message. A message that fits one segment travels in
 * short_message without UDH, whatever the profile's method (a single part gets none).
 */
function concatenationFor(
  message: OutboundMessage,
  profile: ProviderProfile,
  options: ShapeSubmitOptions,
  long: boolean,
): Concatenation {
  const method = long ? profile.coding.concatenation : 'udh8';
  if (method === 'payload') return { method };
  const reference = options.concatReference ?? referenceFromId(message.id);
  return { method, reference: method === 'udh8' ? reference & 0xff : reference & 0xffff };
}

/**
 * The tenant's TLVs this provider accepts, then the profile's own (which win on a shared tag).
 * Concatenation and flash TLVs are left to the shaper.
 */
function messageLevelTlvs(
  message: OutboundMessage,
  profile: ProviderProfile,
  options: ShapeSubmitOptions,
): { tlvs: Tlv[]; dropped: number[] } {
  const own = profile.hooks.submitTlvs?.(message, options) ?? [];
  const ownTags = new Set(own.map((tlv) => tlv.tag));
  const accepted = new Set(profile.tlvs.submitTags);
  const tlvs: Tlv[] = [];
  const dropped: number[] = [];
  for (const tlv of message.tlvs ?? []) {
    if (SHAPER_OWNED_TAGS.has(tlv.tag) || ownTags.has(tlv.tag)) continue;
    if (accepted.has(tlv.tag)) tlvs.push(tlv);
    else dropped.push(tlv.tag);
  }
  return { tlvs: [...tlvs, ...own], dropped };
}

function addressFields(source: SmppAddress, destination: SmppAddress) {
  return {
    source_addr_ton: source.ton,
    source_addr_npi: source.npi,
    source_addr: source.addr,
    dest_addr_ton: destination.ton,
    dest_addr_npi: destination.npi,
    destination_addr: destination.addr,
  };
}

/** SMPP relative time (SPEC §7.1.1.2) from `now` to `target`: Infobip takes schedules only in this form (000_*.txt). */
function relativeTime(target: Date, now: Date, what: 'schedule' | 'validity'): string {
  try {
    return formatRelativeTime(absoluteToRelative(target, now));
  } catch (error) {
    if (error instanceof SmppTimeError) {
      throw new ProviderInputError('invalid-time', `${what} ${target.toISOString()}: ${error.message}`);
    }
    throw error;
  }
}

/** FNV-1a of the message id: a resubmission of the same message reuses its concatenation reference. */
function referenceFromId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Rejects what the shaper cannot work with, with the rule it breaks (never a TypeError deeper down). */
function validateMessage(message: OutboundMessage, now: Date): void {
  const problem = messageProblem(message, now);
  if (problem !== undefined) throw new ProviderInputError(problem[0], problem[1]);
}

function messageProblem(message: OutboundMessage, now: Date): [ProviderInputErrorCode, string] | undefined {
  if (typeof message.id !== 'string' || message.id.length === 0)
    return ['invalid-message', 'message id is empty'];
  if (!validDate(now)) return ['invalid-time', 'options.now is not a valid Date'];
  if (message.scheduleAt !== undefined && !validDate(message.scheduleAt)) {
    return ['invalid-time', 'scheduleAt is not a valid Date'];
  }
  if (message.validUntil !== undefined && !validDate(message.validUntil)) {
    return ['invalid-time', 'validUntil is not a valid Date'];
  }
  const { dataCoding, source, destination, body, tlvs } = message;
  if (dataCoding !== undefined && (!Number.isInteger(dataCoding) || dataCoding < 0 || dataCoding > 0xff)) {
    return ['invalid-message', `data_coding ${dataCoding} is not an octet`];
  }
  if (!SOURCE_TYPES.has((source as { type?: unknown } | undefined)?.type)) {
    return ['invalid-source', 'source must be alphanumeric, number or account-default'];
  }
  if (
    (source.type === 'alphanumeric' && typeof source.value !== 'string') ||
    (source.type === 'number' && typeof source.number !== 'string')
  ) {
    return ['invalid-source', 'source address is not a string'];
  }
  if (typeof destination?.number !== 'string')
    return ['invalid-destination', 'destination number is not a string'];
  if (
    body?.kind === 'text'
      ? typeof body.text !== 'string'
      : body?.kind !== 'binary' || !Buffer.isBuffer(body.octets)
  ) {
    return ['invalid-body', 'body must be text (a string) or binary (a Buffer)'];
  }
  if (tlvs !== undefined && !tlvs.every((tlv) => Number.isInteger(tlv?.tag) && Buffer.isBuffer(tlv.value))) {
    return ['invalid-message', 'each TLV needs an integer tag and a Buffer value'];
  }
  return undefined;
}

const SOURCE_TYPES: ReadonlySet<unknown> = new Set(['alphanumeric', 'number', 'account-default']);

function validDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}
