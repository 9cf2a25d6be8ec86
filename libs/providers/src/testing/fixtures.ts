import { createPdu, Tlv, type DeliverSm } from '@app/smpp';
import type { OutboundMessage } from '../message';
import type { SubmitShaped, ShapedSubmit } from '../submit/shape-submit';

/** A fixed "now" for shaping tests (UTC). */
export const NOW = new Date('2025-04-23T15:00:00.000Z');

export interface DeliverOptions {
  tlvs?: Tlv[];
  esmClass?: number;
  dataCoding?: number;
  /** The handset on a receipt, the subscriber on an MO. */
  sourceAddr?: string;
  /** The original sender on a receipt, our number on an MO. */
  destinationAddr?: string;
}

/** A deliver_sm as the codec decodes it; esm_class 0x04 (a receipt) unless told otherwise. */
export function deliverSm(shortMessage: string | Buffer, options: DeliverOptions = {}): DeliverSm {
  return createPdu('deliver_sm', {
    esm_class: options.esmClass ?? 0x04,
    data_coding: options.dataCoding ?? 0,
    source_addr: options.sourceAddr ?? '',
    destination_addr: options.destinationAddr ?? '',
    short_message: typeof shortMessage === 'string' ? Buffer.from(shortMessage, 'latin1') : shortMessage,
    tlvs: options.tlvs ?? [],
  });
}

export const tlvOf = {
  messageState: (state: number): Tlv => ({ tag: Tlv.message_state, value: Buffer.from([state]) }),
  /** C-Octet String, as the SPEC defines receipted_message_id. */
  receiptedMessageId: (id: string): Tlv => ({
    tag: Tlv.receipted_message_id,
    value: Buffer.from(`${id}\0`, 'latin1'),
  }),
  networkErrorCode: (hex: string): Tlv => ({ tag: Tlv.network_error_code, value: Buffer.from(hex, 'hex') }),
  text: (tag: number, value: string): Tlv => ({ tag, value: Buffer.from(`${value}\0`, 'latin1') }),
  /** A 4-octet integer, as OpenSMPP's TLVInt. */
  int32: (tag: number, value: number): Tlv => {
    const octets = Buffer.alloc(4);
    octets.writeUInt32BE(value);
    return { tag, value: octets };
  },
  hex: (tag: number, hex: string): Tlv => ({ tag, value: Buffer.from(hex, 'hex') }),
};

/** A text message from an alphanumeric sender to a Danish number; override anything. */
export function textMessage(text: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg-0001',
    source: { type: 'alphanumeric', value: 'ACME' },
    destination: { number: '4512345678' },
    body: { kind: 'text', text },
    ...overrides,
  };
}

/** Narrows a shaping result to the submit case, failing the test with the actual kind otherwise. */
export function submitted(result: ShapedSubmit): SubmitShaped {
  if (result.kind !== 'submit') throw new Error(`expected a submit, got ${result.kind}: ${result.reason}`);
  return result;
}
