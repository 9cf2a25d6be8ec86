import type { Tlv } from '@app/smpp';

/**
 * A phone number as the tenant gave it. International numbers are E.164 digits (a leading '+' is
 * tolerated); a national number (TON 2) needs the calling code of its country to be sent anywhere.
 */
export interface PhoneNumber {
  number: string;
  /** SMPP type of number; default 1 (international). */
  ton?: number;
  /** SMPP numbering plan; default 1 (E.164). */
  npi?: number;
  /** Calling code of the number's country, e.g. '45', for a national (TON 2) number. */
  countryCallingCode?: string;
}

export type MessageSource =
  | { type: 'alphanumeric'; value: string }
  | ({ type: 'number' } & PhoneNumber)
  /** No sender: the provider uses the account's default number (Mobile Text Alerts allows it). */
  | { type: 'account-default' };

export type MessageBody =
  | { kind: 'text'; text: string }
  /**
   * Octets sent as they are. `udhi`: they start with the tenant's own user data header (ports,
   * for example), so they travel as one part with esm_class 0x40.
   */
  | { kind: 'binary'; octets: Buffer; udhi?: boolean };

/** Our normalised outbound message: what a connector receives from routing, whoever the tenant was. */
export interface OutboundMessage {
  /** Our message id, the one the tenant knows; the same on every attempt. */
  id: string;
  source: MessageSource;
  destination: PhoneNumber;
  body: MessageBody;
  /**
   * The data_coding the tenant submitted with. It says which alphabet the tenant asked for and
   * whether the message is flash (class 0); the profile decides what is actually sent.
   */
  dataCoding?: number;
  /** Flash (class 0) asked for without a class-0 data_coding. */
  flash?: boolean;
  /**
   * The tenant's registered_delivery. Upstream we always ask for the final receipt, because billing
   * and the message's final state need it; this field decides what the tenant is sent.
   */
  registeredDelivery?: number;
  /** Deliver no earlier than this (UTC); already resolved from the tenant's absolute or relative time. */
  scheduleAt?: Date;
  /** Give up after this instant (UTC). */
  validUntil?: Date;
  /** The tenant's reference, echoed in delivery receipts by providers that support it (GatewayAPI). */
  userMessageReference?: string | number;
  /** Optional parameters from the tenant; each profile forwards only the tags it accepts. */
  tlvs?: readonly Tlv[];
}
