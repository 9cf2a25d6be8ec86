import type { StoredTlv } from '@app/database';
import type { MessageBody, MessageSource, OutboundMessage } from '@app/providers';
import { decodeText, interpretDataCoding, type TextCoding } from '@app/smpp';

/** The columns of a `messages` row that a send needs. */
export interface SendableMessageRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly group_id: string;
  readonly part_no: number;
  readonly part_total: number;
  readonly status: string;
  readonly final: boolean;
  readonly source_addr: string;
  readonly source_addr_ton: number;
  readonly source_addr_npi: number;
  readonly destination_addr: string;
  readonly dest_addr_ton: number;
  readonly dest_addr_npi: number;
  readonly esm_class: number;
  readonly registered_delivery: number;
  readonly data_coding: number;
  readonly short_message: Buffer;
  readonly tlvs: readonly StoredTlv[] | null;
  readonly user_message_reference: number | null;
  readonly expires_at: Date | null;
  /** The planned attempts frozen at accept (JSON array of RouteAttempt, bigints as strings). */
  readonly route: ReadonlyArray<{ readonly providerId: string }> | null;
  readonly reservation_id: string | null;
  readonly provider_id: string | null;
}

/** SMPP 3.4 §5.2.5: esm_class bit 6 (0x40) says short_message starts with a user data header. */
const ESM_UDHI = 0x40;
/** SMPP 3.4 §5.2.5 type of number 5: alphanumeric sender. */
const TON_ALPHANUMERIC = 5;

const TEXT_CODINGS: Readonly<Partial<Record<string, TextCoding>>> = {
  gsm7: 'gsm7',
  ascii: 'ascii',
  latin1: 'latin1',
  cyrillic: 'cyrillic',
  ucs2: 'ucs2',
};

function sourceOf(row: SendableMessageRow): MessageSource {
  if (row.source_addr === '') return { type: 'account-default' };
  // Tenants often send alphanumeric senders with TON 0 (unknown): anything that is not digits is alphanumeric.
  if (row.source_addr_ton === TON_ALPHANUMERIC || !/^\+?\d+$/.test(row.source_addr)) {
    return { type: 'alphanumeric', value: row.source_addr };
  }
  return { type: 'number', number: row.source_addr, ton: row.source_addr_ton, npi: row.source_addr_npi };
}

/**
 * Text when the tenant's data_coding names an alphabet we decode, so that the provider's profile picks the coding
 * and segmentation; the octets as they came otherwise, and always for a part carrying the tenant's own UDH.
 */
function bodyOf(row: SendableMessageRow): MessageBody {
  if ((row.esm_class & ESM_UDHI) !== 0) return { kind: 'binary', octets: row.short_message, udhi: true };
  const dcs = interpretDataCoding(row.data_coding);
  const coding = dcs.smscDefault ? 'gsm7' : TEXT_CODINGS[dcs.alphabet];
  if (coding === undefined || !dcs.supported) return { kind: 'binary', octets: row.short_message };
  try {
    return { kind: 'text', text: decodeText(row.short_message, coding) };
  } catch {
    return { kind: 'binary', octets: row.short_message };
  }
}

/** A stored message part as the connector runtime takes it. */
export function outboundMessageOf(row: SendableMessageRow): OutboundMessage {
  return {
    id: row.id,
    source: sourceOf(row),
    destination: { number: row.destination_addr, ton: row.dest_addr_ton, npi: row.dest_addr_npi },
    body: bodyOf(row),
    dataCoding: row.data_coding,
    registeredDelivery: row.registered_delivery,
    ...(row.expires_at !== null ? { validUntil: row.expires_at } : {}),
    ...(row.user_message_reference !== null ? { userMessageReference: row.user_message_reference } : {}),
    tlvs: (row.tlvs ?? []).map((tlv) => ({ tag: tlv.tag, value: Buffer.from(tlv.hex, 'hex') })),
  };
}

/** The provider ids of the message's stored route plan, in order. */
export function planOf(row: SendableMessageRow): string[] {
  return (row.route ?? []).map((attempt) => attempt.providerId);
}
