import type {
  BindType,
  CharacterCoding,
  ConcatenationMethod,
  ReconnectBackoffOptions,
  SegmentCapacity,
  Tlv,
  VendorTlvDefinition,
} from '@app/smpp';
import type { ActionDecision } from './action';
import type { ProviderErrorTable } from './dlr/provider-error-table';
import type { OutboundMessage } from './message';
import type { ShapeSubmitOptions } from './submit/options';

export type ProviderId = 'infobip' | 'gatewayapi' | 'mta' | 'labsmobile';

export interface ProviderEndpoint {
  host: string;
  port: number;
  tls: boolean;
  /** The provider's name for the endpoint's role (primary, secondary, tls, a, b). */
  role: string;
}

export interface ConnectionProfile {
  endpoints: readonly ProviderEndpoint[];
  /** Other documented endpoint sets, e.g. GatewayAPI's EU setup (.eu instead of .com). */
  regions: Readonly<Record<string, readonly ProviderEndpoint[]>>;
  tls: 'required' | 'optional' | 'unknown';
  /**
   * `failover`: bind to the first endpoint, move to the next when it fails (Infobip primary then
   * secondary). `spread`: keep sessions on every endpoint at once (GatewayAPI a and b, restarted
   * one at a time).
   */
  endpointStrategy: 'failover' | 'spread';
  /** Always 0x34: every provider here speaks (or is compatible with) SMPP 3.4. */
  interfaceVersion: 0x34;
  /** system_type for ordinary binds. */
  systemType: string;
  /** The provider issues passwords longer than SMPP 3.4's 8 characters; send them untruncated. */
  allowLongPassword: boolean;
  /** The provider allow-lists our source IPs. */
  ipAllowList: 'required' | 'optional' | 'unknown';
}

/** One way to bind: the sessions to open together, and whether delivery receipts can arrive on them. */
export interface BindPlan {
  sessions: readonly BindType[];
  receivesDeliveryReceipts: boolean;
}

export interface SessionProfile {
  /** Tried in order: when a bind of plan i is refused for its bind type, plan i + 1 is tried. */
  bindPlans: readonly BindPlan[];
  /** The provider's limit on concurrent binds, when documented. */
  maxSessions?: number;
  enquireLinkIntervalMs: number;
  /** The server closes a session that sends it no PDU for this long, when documented. */
  serverInactivityTimeoutMs?: number;
  reconnect: ReconnectBackoffOptions;
  /** Receipts come on any RX/TRX session of the account, not the one that submitted. */
  receiptsOnAnySession: boolean;
}

export interface CodingProfile {
  /** What data_coding 0 means at this provider: GSM 03.38 almost everywhere, ASCII at Mobile Text Alerts. */
  smscDefaultAlphabet: 'gsm7' | 'ascii';
  /** data_coding values the provider documents as accepted. */
  acceptedDataCodings: readonly number[];
  /** Codings we may choose from when the choice is ours; the fewest segments win, ties go to the first. */
  autoCodings: readonly CharacterCoding[];
  /** Tenant alphabets kept as they are (when the text fits them); every other alphabet is transcoded via autoCodings. */
  keptAlphabets: readonly CharacterCoding[];
  /** data_coding sent for each coding. */
  dataCodingOf: Readonly<Partial<Record<CharacterCoding, number>>>;
  /** Binary bodies: the data_coding to send them with, or reroute (support unknown or absent). */
  binary: { dataCoding: number } | 'reroute';
  /** Per-coding segment capacities where the provider's differ from 23.038's. */
  capacities?: Readonly<Partial<Record<CharacterCoding, Partial<SegmentCapacity>>>>;
  /** How a message longer than one segment is sent. */
  concatenation: ConcatenationMethod;
  /** The provider refuses messages with more parts (Infobip: 25). */
  maxParts?: number;
}

export interface FlashProfile {
  /**
   * `data-coding`: class-0 data_coding in the 23.038 general form (0x10 GSM7, 0x18 UCS-2: Infobip).
   * `dest-addr-subunit`: plain data_coding plus TLV dest_addr_subunit = 1 (GatewayAPI's advice).
   * `unsupported`: the provider documents no flash.
   */
  method: 'data-coding' | 'dest-addr-subunit' | 'unsupported';
  /** Whether a multipart message may be flash. */
  multipart: boolean;
}

export interface AddressProfile {
  /** International numbers as digits (SMPP convention) or with a leading '+' (Mobile Text Alerts). */
  internationalFormat: 'digits' | 'plus-digits';
  destination: { ton: number; npi: number };
  /** Destination TONs the provider documents (GatewayAPI: 0 and 1, 0 read as 1); undefined when not stated. We always send international. */
  acceptedDestinationTons?: readonly number[];
  internationalSource: { ton: number; npi: number };
  alphanumericSource: { ton: number; npi: number } | 'unsupported';
  /** An empty source_addr is allowed and means the account's default number. */
  accountDefaultSource: boolean;
}

export interface TlvProfile {
  /** Tags a submit_sm may carry to this provider; the tenant's other TLVs are dropped. */
  submitTags: readonly number[];
  /** Vendor TLVs the codec must know (registerProviderTlvs). */
  vendorTlvs: readonly VendorTlvDefinition[];
}

export interface MessageIdProfile {
  /** `decimal` and `hex` ids are numbers: case and leading zeros do not tell two ids apart. */
  format: 'decimal' | 'hex' | 'opaque';
  /** An id from the provider's documents. */
  example?: string;
}

export interface ScheduleProfile {
  /** `relative`: schedule_delivery_time in the relative form; `hold`: no SMPP scheduling, the engine holds the message. */
  schedule: 'relative' | 'hold';
  /** `relative`: validity_period in the relative form; `omit`: none sent, the engine enforces validity. */
  validity: 'relative' | 'omit';
}

export interface ReceiptProfile {
  /** Whether ACCEPTD is final here. SPEC: yes; Infobip and Mobile Text Alerts: not yet confirmed. */
  acceptedIsFinal: boolean;
  errors: ProviderErrorTable;
  /**
   * Where the provider's error code is read first: the receipt's `err` field, or the
   * network_error_code TLV when present (Infobip: the same GSM code, not limited to 3 digits).
   */
  errorSource: 'err' | 'network_error_code';
  /** How the provider's own error codes are shown: GatewayAPI as 0x107E, the others in decimal. */
  errorCodeDisplay: 'hex' | 'decimal';
  /** Receipt text layout, for simulators and tests: sub/dlvrd present, and what `text:` carries. */
  text: { subDlvrd: boolean; textField: 'none' | 'user_message_reference' | 'message' };
  /** TLVs the provider sends on receipts. */
  tlvs: readonly number[];
}

export interface FeatureProfile {
  querySm: boolean;
  cancelSm: boolean;
  /** Infobip Number Lookup: a bind with this system_type answers submit_sm with HLR data. */
  numberLookup?: { systemType: string; bindType: BindType };
  urlShortening: boolean;
}

/** A status the provider documents differently from SMPP 3.4, with its name there. */
export interface StatusOverride extends ActionDecision {
  statusName: string;
}

/** The small pieces of behaviour that are not data; each defaults to "nothing special". */
export interface ProviderHooks {
  /** Vendor TLVs added to every part of a submit (Infobip URL shortening, GatewayAPI message class and reference). */
  submitTlvs?(message: OutboundMessage, options: ShapeSubmitOptions): Tlv[];
  /** The provider's own error code for the decimal `err` of a receipt. Default: the number itself. */
  providerErrorCode?(err: number): number;
}

/** Everything the engine needs to know about one provider: data first, hooks only where data will not do. */
export interface ProviderProfile {
  id: ProviderId;
  name: string;
  /** The seed documents the profile is built from (in ../shared/seeds/). */
  sources: readonly string[];
  connection: ConnectionProfile;
  session: SessionProfile;
  coding: CodingProfile;
  flash: FlashProfile;
  address: AddressProfile;
  tlvs: TlvProfile;
  messageId: MessageIdProfile;
  scheduling: ScheduleProfile;
  receipts: ReceiptProfile;
  features: FeatureProfile;
  /** submit_sm_resp statuses the provider gives its own meaning (smpp34.md §3 decides the rest). */
  submitStatus: Readonly<Record<number, StatusOverride>>;
  /** bind_resp statuses the provider gives its own meaning. */
  bindStatus: Readonly<Record<number, StatusOverride>>;
  hooks: ProviderHooks;
}
