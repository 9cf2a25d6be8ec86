import type { MessageStatus, StoredDeliverSm, StoredTlv } from '@app/database';
import {
  createPdu,
  createTlv,
  DlrMessageState,
  encodePdu,
  formatDeliveryReceipt,
  receiptTextOf,
  Tlv,
  type DeliverSm,
} from '@app/smpp';
import { InvalidDeliveryError } from './delivery.errors';

/** Outcome states a DLR event may carry (the pipeline's vocabulary, see gateway-contract.md). */
export const DLR_STATES = [
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'deleted',
  'unknown',
  'unknown_final',
  'enroute',
  'accepted',
] as const;
export type DlrState = (typeof DLR_STATES)[number];

interface DlrStateRule {
  readonly messageState: DlrMessageState;
  /** A final outcome: the message's state never changes again and the receipt is a final one (esm_class 0x04). */
  readonly final: boolean;
  /** Reported under registered_delivery "failure only" (bits 1-0 = 10). */
  readonly failure: boolean;
  /** The `messages.status` to record; null keeps the current one. */
  readonly messageStatus: MessageStatus | null;
}

/**
 * SMPP 3.4 §5.2.28 calls ACCEPTED final, but providers send ACCEPTD while the message is still pending (Mobile Text
 * Alerts, providers.md §3.7), and UNKNOWN is no outcome at all: both are reported as intermediate receipts.
 */
const DLR_STATE_RULES: Readonly<Record<DlrState, DlrStateRule>> = {
  delivered: {
    messageState: DlrMessageState.DELIVERED,
    final: true,
    failure: false,
    messageStatus: 'delivered',
  },
  undeliverable: {
    messageState: DlrMessageState.UNDELIVERABLE,
    final: true,
    failure: true,
    messageStatus: 'undeliverable',
  },
  expired: { messageState: DlrMessageState.EXPIRED, final: true, failure: true, messageStatus: 'expired' },
  rejected: { messageState: DlrMessageState.REJECTED, final: true, failure: true, messageStatus: 'rejected' },
  deleted: { messageState: DlrMessageState.DELETED, final: true, failure: true, messageStatus: 'deleted' },
  unknown: { messageState: DlrMessageState.UNKNOWN, final: false, failure: false, messageStatus: 'unknown' },
  // Our own verdict when no provider outcome can be had (no final receipt in time, or a lost submit given up):
  // a final UNKNOWN, so the message ends and the tenant gets exactly one final receipt.
  unknown_final: {
    messageState: DlrMessageState.UNKNOWN,
    final: true,
    failure: true,
    messageStatus: 'unknown',
  },
  enroute: { messageState: DlrMessageState.ENROUTE, final: false, failure: false, messageStatus: null },
  accepted: { messageState: DlrMessageState.ACCEPTED, final: false, failure: false, messageStatus: null },
};

export function dlrStateRule(state: DlrState): DlrStateRule {
  const rule = (DLR_STATE_RULES as Partial<Record<string, DlrStateRule>>)[state];
  if (rule === undefined) {
    throw new InvalidDeliveryError(`DLR state must be one of ${DLR_STATES.join(', ')}, got ${String(state)}`);
  }
  return rule;
}

/** SMPP 3.4 §5.2.17 registered_delivery: bits 1-0 SMSC delivery receipt, bit 4 intermediate notification. */
const RECEIPT_MODE_MASK = 0x03;
const RECEIPT_ON_FINAL = 0x01;
const RECEIPT_ON_FAILURE = 0x02;
const INTERMEDIATE_NOTIFICATION = 0x10;

/** Whether a message submitted with `registeredDelivery` asks for a receipt of this outcome. */
export function receiptRequested(registeredDelivery: number, state: DlrState): boolean {
  const rule = dlrStateRule(state);
  if (!rule.final) return (registeredDelivery & INTERMEDIATE_NOTIFICATION) !== 0;
  const mode = registeredDelivery & RECEIPT_MODE_MASK;
  return mode === RECEIPT_ON_FINAL || (mode === RECEIPT_ON_FAILURE && rule.failure);
}

/** SMPP 3.4 §5.2.12 esm_class, SMSC→ESME message type. */
export const ESM_CLASS_DELIVERY_RECEIPT = 0x04;
export const ESM_CLASS_INTERMEDIATE_NOTIFICATION = 0x20;

/** What a receipt needs from the message it reports on (columns of `messages`). */
export interface ReceiptSource {
  readonly id: string;
  readonly source_addr: string;
  readonly source_addr_ton: number;
  readonly source_addr_npi: number;
  readonly destination_addr: string;
  readonly dest_addr_ton: number;
  readonly dest_addr_npi: number;
  readonly dlr_text: string;
  readonly user_message_reference: number | null;
  readonly submitted_at: Date;
}

export interface ReceiptOutcome {
  readonly state: DlrState;
  /** Our normalised err, at least three decimal digits. */
  readonly err: string;
  /** TLV network_error_code value: network type (1 octet) and error code (2 octets), SMPP 3.4 §5.3.2.31. */
  readonly networkErrorCode?: Buffer | null;
  readonly doneAt: Date;
  /** Appendix B `sub:` and `dlvrd:`: parts submitted and delivered (an aggregated receipt); default 1 and 1 or 0. */
  readonly parts?: { readonly submitted: number; readonly delivered: number };
}

/**
 * A delivery receipt for a tenant: esm_class 0x04 (0x20 intermediate), the original addresses swapped with their
 * TON/NPI, Appendix B text, and the same facts in receipted_message_id, message_state, network_error_code (when
 * known) and user_message_reference (when the tenant sent one).
 */
/** Refuses an outcome that cannot be recorded or reported: err, doneAt and networkErrorCode are checked. */
export function checkReceiptOutcome(outcome: ReceiptOutcome): void {
  dlrStateRule(outcome.state);
  if (typeof outcome.err !== 'string' || !/^\d{3,10}$/.test(outcome.err)) {
    throw new InvalidDeliveryError(`err must be 3 to 10 decimal digits, got ${JSON.stringify(outcome.err)}`);
  }
  if (!(outcome.doneAt instanceof Date) || Number.isNaN(outcome.doneAt.getTime())) {
    throw new InvalidDeliveryError('doneAt must be a valid Date');
  }
  const networkErrorCode = outcome.networkErrorCode ?? null;
  if (networkErrorCode !== null && (!Buffer.isBuffer(networkErrorCode) || networkErrorCode.length !== 3)) {
    throw new InvalidDeliveryError('networkErrorCode must be a Buffer of 3 octets');
  }
}

export function buildReceipt(message: ReceiptSource, outcome: ReceiptOutcome): DeliverSm {
  checkReceiptOutcome(outcome);
  const rule = dlrStateRule(outcome.state);
  const networkErrorCode = outcome.networkErrorCode ?? null;
  return checked(() => {
    const text = formatDeliveryReceipt({
      id: message.id,
      stat: rule.messageState,
      ...(outcome.parts !== undefined
        ? { sub: outcome.parts.submitted, dlvrd: outcome.parts.delivered }
        : {}),
      submitDate: message.submitted_at,
      doneDate: outcome.doneAt,
      err: outcome.err,
      text: asciiReceiptText(message.dlr_text),
    });
    const tlvs: Tlv[] = [
      createTlv(Tlv.receipted_message_id, message.id),
      createTlv(Tlv.message_state, rule.messageState),
    ];
    if (networkErrorCode !== null) tlvs.push(createTlv(Tlv.network_error_code, networkErrorCode));
    if (message.user_message_reference !== null) {
      tlvs.push(createTlv(Tlv.user_message_reference, message.user_message_reference));
    }
    return createPdu('deliver_sm', {
      source_addr: message.destination_addr,
      source_addr_ton: message.dest_addr_ton,
      source_addr_npi: message.dest_addr_npi,
      destination_addr: message.source_addr,
      dest_addr_ton: message.source_addr_ton,
      dest_addr_npi: message.source_addr_npi,
      esm_class: rule.final ? ESM_CLASS_DELIVERY_RECEIPT : ESM_CLASS_INTERMEDIATE_NOTIFICATION,
      short_message: Buffer.from(text, 'ascii'),
      tlvs,
    });
  });
}

/**
 * Receipt text travels with data_coding 0 and is parsed as ASCII by ESMEs (Kannel, jSMPP): characters outside
 * printable ASCII in the `text:` excerpt become `?`, so the excerpt keeps its 20 characters.
 */
function asciiReceiptText(text: string): string {
  return Array.from(receiptTextOf(text), (char) => (/^[\x20-\x7e]$/.test(char) ? char : '?')).join('');
}

export interface SmppAddress {
  readonly addr: string;
  readonly ton: number;
  readonly npi: number;
}

export interface MoMessage {
  readonly source: SmppAddress;
  readonly destination: SmppAddress;
  readonly dataCoding: number;
  /** The octets as received (UDH included when esmClass has UDHI). */
  readonly shortMessage: Buffer;
  /** esm_class as received (0x40 UDHI, 0x80 reply path); the message type bits are always 0 (normal MO). */
  readonly esmClass?: number;
  readonly protocolId?: number;
  readonly tlvs?: readonly Tlv[];
}

/** A mobile-originated message for a tenant: esm_class message type 0, addresses, coding and octets as received. */
export function buildMo(message: MoMessage): DeliverSm {
  return checked(() =>
    createPdu('deliver_sm', {
      source_addr: message.source.addr,
      source_addr_ton: message.source.ton,
      source_addr_npi: message.source.npi,
      destination_addr: message.destination.addr,
      dest_addr_ton: message.destination.ton,
      dest_addr_npi: message.destination.npi,
      esm_class: (message.esmClass ?? 0) & 0xc3,
      protocol_id: message.protocolId ?? 0,
      data_coding: message.dataCoding,
      short_message: message.shortMessage,
      tlvs: [...(message.tlvs ?? [])],
    }),
  );
}

/**
 * Builds and encodes once, so that fields the receipt format or the codec would refuse (an id with spaces, a TLV
 * out of range) fail at enqueue time with InvalidDeliveryError, not at every attempt.
 */
function checked(build: () => DeliverSm): DeliverSm {
  try {
    const pdu = build();
    encodePdu(pdu);
    return pdu;
  } catch (error) {
    if (error instanceof InvalidDeliveryError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidDeliveryError(`deliver_sm would not encode: ${reason}`);
  }
}

export function toStoredDeliverSm(pdu: DeliverSm): StoredDeliverSm {
  return {
    service_type: pdu.service_type,
    source_addr_ton: pdu.source_addr_ton,
    source_addr_npi: pdu.source_addr_npi,
    source_addr: pdu.source_addr,
    dest_addr_ton: pdu.dest_addr_ton,
    dest_addr_npi: pdu.dest_addr_npi,
    destination_addr: pdu.destination_addr,
    esm_class: pdu.esm_class,
    protocol_id: pdu.protocol_id,
    priority_flag: pdu.priority_flag,
    registered_delivery: pdu.registered_delivery,
    data_coding: pdu.data_coding,
    short_message: pdu.short_message.toString('hex'),
    tlvs: pdu.tlvs.map((tlv): StoredTlv => ({ tag: tlv.tag, hex: tlv.value.toString('hex') })),
  };
}

export function fromStoredDeliverSm(stored: StoredDeliverSm): DeliverSm {
  const { short_message, tlvs, ...fields } = stored;
  return createPdu('deliver_sm', {
    ...fields,
    short_message: Buffer.from(short_message, 'hex'),
    tlvs: tlvs.map((tlv) => ({ tag: tlv.tag, value: Buffer.from(tlv.hex, 'hex') })),
  });
}
