/**
 * PDU shapes shared by the framing, the codec and the session layer.
 *
 * Field names are the SMPP 3.4 specification's own (snake_case), as in the reference `smpp`
 * package, so that a field can be looked up in the spec by name. Optional parameters are kept as
 * an ordered list of raw TLVs so that a decoded PDU re-encodes to the same bytes.
 */

import type { Tlv } from '../tables/tlv';

/**
 * A raw optional parameter: tag(2) length(2) value(length), big-endian on the wire. Declared beside
 * the table of tags (`Tlv.message_state`, ...) in tables/tlv.ts, so that one name serves as both.
 */
export { Tlv } from '../tables/tlv';

export interface PduHeader {
  command_length: number;
  command_id: number;
  command_status: number;
  sequence_number: number;
}

/** One whole PDU cut from a byte stream by the FrameDecoder; the body is not decoded yet. */
export interface Frame extends PduHeader {
  /** The octets after the 16-octet header (command_length - 16 of them). */
  body: Buffer;
}

export type CommandName =
  | 'generic_nack'
  | 'bind_receiver'
  | 'bind_receiver_resp'
  | 'bind_transmitter'
  | 'bind_transmitter_resp'
  | 'query_sm'
  | 'query_sm_resp'
  | 'submit_sm'
  | 'submit_sm_resp'
  | 'deliver_sm'
  | 'deliver_sm_resp'
  | 'unbind'
  | 'unbind_resp'
  | 'replace_sm'
  | 'replace_sm_resp'
  | 'cancel_sm'
  | 'cancel_sm_resp'
  | 'bind_transceiver'
  | 'bind_transceiver_resp'
  | 'outbind'
  | 'enquire_link'
  | 'enquire_link_resp'
  | 'submit_multi'
  | 'submit_multi_resp'
  | 'alert_notification'
  | 'data_sm'
  | 'data_sm_resp';

/** submit_sm and deliver_sm share this mandatory-field layout (SMPP 3.4 §4.4.1, §4.6.1). */
export interface ShortMessageFields {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  schedule_delivery_time: string;
  validity_period: string;
  registered_delivery: number;
  replace_if_present_flag: number;
  data_coding: number;
  sm_default_msg_id: number;
  /** sm_length is derived from this on encode and checked against it on decode. */
  short_message: Buffer;
}

/** data_sm (SMPP 3.4 §4.7.1). */
export interface DataSmFields {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  registered_delivery: number;
  data_coding: number;
}

/** bind_transmitter / bind_receiver / bind_transceiver (SMPP 3.4 §4.1). */
export interface BindFields {
  system_id: string;
  password: string;
  system_type: string;
  interface_version: number;
  addr_ton: number;
  addr_npi: number;
  address_range: string;
}

export interface BindRespFields {
  system_id: string;
}

/** submit_sm_resp, deliver_sm_resp, data_sm_resp. Empty string when the body was omitted. */
export interface MessageIdFields {
  message_id: string;
}

export interface QuerySmFields {
  message_id: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
}

export interface QuerySmRespFields {
  message_id: string;
  final_date: string;
  message_state: number;
  error_code: number;
}

export interface CancelSmFields {
  service_type: string;
  message_id: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
}

interface PduBase<C extends CommandName> {
  command: C;
  command_id: number;
  command_status: number;
  sequence_number: number;
  /** Optional parameters in wire order. */
  tlvs: Tlv[];
}

type Empty = Record<never, never>;

export type SubmitSm = PduBase<'submit_sm'> & ShortMessageFields;
export type DeliverSm = PduBase<'deliver_sm'> & ShortMessageFields;
export type DataSm = PduBase<'data_sm'> & DataSmFields;
export type SubmitSmResp = PduBase<'submit_sm_resp'> & MessageIdFields;
export type DeliverSmResp = PduBase<'deliver_sm_resp'> & MessageIdFields;
export type DataSmResp = PduBase<'data_sm_resp'> & MessageIdFields;
export type BindTransmitter = PduBase<'bind_transmitter'> & BindFields;
export type BindReceiver = PduBase<'bind_receiver'> & BindFields;
export type BindTransceiver = PduBase<'bind_transceiver'> & BindFields;
export type BindTransmitterResp = PduBase<'bind_transmitter_resp'> & BindRespFields;
export type BindReceiverResp = PduBase<'bind_receiver_resp'> & BindRespFields;
export type BindTransceiverResp = PduBase<'bind_transceiver_resp'> & BindRespFields;
export type QuerySm = PduBase<'query_sm'> & QuerySmFields;
export type QuerySmResp = PduBase<'query_sm_resp'> & QuerySmRespFields;
export type CancelSm = PduBase<'cancel_sm'> & CancelSmFields;
export type CancelSmResp = PduBase<'cancel_sm_resp'> & Empty;
export type EnquireLink = PduBase<'enquire_link'> & Empty;
export type EnquireLinkResp = PduBase<'enquire_link_resp'> & Empty;
export type Unbind = PduBase<'unbind'> & Empty;
export type UnbindResp = PduBase<'unbind_resp'> & Empty;
export type GenericNack = PduBase<'generic_nack'> & Empty;
/**
 * Commands without a hand-written codec (replace_sm, submit_multi, outbind, alert_notification and
 * their responses): fields as decoded by the reference `smpp` package's tables.
 */
export type OtherPdu = PduBase<
  'replace_sm' | 'replace_sm_resp' | 'submit_multi' | 'submit_multi_resp' | 'outbind' | 'alert_notification'
> & { fields: Record<string, unknown> };

export type Pdu =
  | SubmitSm
  | DeliverSm
  | DataSm
  | SubmitSmResp
  | DeliverSmResp
  | DataSmResp
  | BindTransmitter
  | BindReceiver
  | BindTransceiver
  | BindTransmitterResp
  | BindReceiverResp
  | BindTransceiverResp
  | QuerySm
  | QuerySmResp
  | CancelSm
  | CancelSmResp
  | EnquireLink
  | EnquireLinkResp
  | Unbind
  | UnbindResp
  | GenericNack
  | OtherPdu;

/** The PDU type of one command; for the OtherPdu commands, OtherPdu narrowed to that command. */
export type PduOf<C extends CommandName> = C extends OtherPdu['command']
  ? OtherPdu & { command: C }
  : Extract<Pdu, { command: C }>;
