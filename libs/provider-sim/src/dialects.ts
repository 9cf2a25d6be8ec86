import { randomUUID } from 'node:crypto';
import { CommandStatus, DlrMessageState, Tlv } from '@app/smpp';
import { PROVIDER_PROFILES, type ProviderId } from '@app/providers';

/** What the simulator does with a submit_sm, chosen by the destination's last digit (README table). */
export type ScriptedOutcome =
  | 'delivered'
  | 'undeliverable'
  | 'rejected'
  | 'expired'
  | 'no-receipt'
  | 'reroute-reject'
  | 'throttled'
  | 'intermediate-then-delivered'
  | 'delivered-then-enroute'
  | 'delivered-twice';

export const SCRIPTED_OUTCOMES: readonly ScriptedOutcome[] = [
  'delivered',
  'undeliverable',
  'rejected',
  'expired',
  'no-receipt',
  'reroute-reject',
  'throttled',
  'intermediate-then-delivered',
  'delivered-then-enroute',
  'delivered-twice',
];

/** The outcome for a destination: its last decimal digit indexes SCRIPTED_OUTCOMES; no digit at all → delivered. */
export function scriptedOutcome(destination: string): ScriptedOutcome {
  const digits = destination.replace(/\D/g, '');
  if (digits === '') return 'delivered';
  return SCRIPTED_OUTCOMES[Number(digits[digits.length - 1])];
}

/** How one provider's server answers and words its receipts. */
export interface SimDialect {
  readonly provider: ProviderId;
  /** data_coding values the provider accepts (its profile); others get codingRejectStatus. */
  readonly acceptedDataCodings: readonly number[];
  readonly codingRejectStatus: number;
  /** Outcome 2: the provider's "invalid destination" reject. */
  readonly rejectStatus: number;
  /** Outcome 5: a reject that ends in REROUTE (directly, or after one RETRY: GatewayAPI 0x08, MTA 0x45). */
  readonly rerouteStatus: number;
  readonly throttleStatus: number;
  /** Refusal of a bind beyond maxSessions. */
  readonly maxSessions?: number;
  /** Only TLS connections are served (MTA). */
  readonly tlsOnly: boolean;
  /** The server closes a session that sent nothing for this long (MTA 120 s); 0 = never. */
  readonly idleTimeoutMs: number;
  readonly querySm: boolean;
  readonly cancelSm: boolean;
  /** system_type of a Number Lookup bind (Infobip `HLR`). */
  readonly numberLookupSystemType?: string;
  /** Stat of the intermediate receipt in outcome 7 (MTA documents ACCEPTD, no ENROUTE). */
  readonly intermediateStat: 'ENROUTE' | 'ACCEPTD';
  /** err written on an UNDELIV receipt. */
  readonly undeliverableErr: number;
  /**
   * The `err` the provider writes for its own error code (a scripted receipt's code), or undefined for a code it
   * cannot write. The inverse of the profile's providerErrorCode hook.
   */
  receiptErr(code: number): number | undefined;
  /** Receipt text layout. */
  readonly receipt: {
    subDlvrd: boolean;
    /** GatewayAPI writes dlvrd:000 even on DELIVRD (002_*.txt sample). */
    dlvrdAlwaysZero: boolean;
    text: 'none' | 'user_message_reference' | 'message';
    /** TLVs added to every receipt. */
    tlvs: readonly (
      'network_error_code' | 'message_state' | 'receipted_message_id' | 'user_message_reference'
    )[];
  };
  /** A new message id in the provider's format; `now` is the simulator's clock. */
  newMessageId(sequence: number, now: number): string;
}

function digits(prefix: string, width: number, sequence: number): string {
  return (
    prefix +
    String(sequence)
      .padStart(width - prefix.length, '0')
      .slice(-(width - prefix.length))
  );
}

const profile = (id: ProviderId) => PROVIDER_PROFILES[id];

export const SIM_DIALECTS: Readonly<Record<ProviderId, SimDialect>> = {
  infobip: {
    provider: 'infobip',
    acceptedDataCodings: profile('infobip').coding.acceptedDataCodings,
    // [sim choice] Infobip does not say which status refuses a coding; 0x45 is SPEC's "submit failed".
    codingRejectStatus: CommandStatus.ESME_RSUBMITFAIL,
    rejectStatus: CommandStatus.ESME_RINVDSTADR,
    // 000_*.txt: 0x22 "network not covered".
    rerouteStatus: 0x22,
    throttleStatus: CommandStatus.ESME_RTHROTTLED,
    // 000_*.txt: "up to 4 sessions by default".
    maxSessions: profile('infobip').session.maxSessions ?? 4,
    tlsOnly: false,
    idleTimeoutMs: 0,
    querySm: false,
    cancelSm: false,
    numberLookupSystemType: profile('infobip').features.numberLookup?.systemType ?? 'HLR',
    intermediateStat: 'ENROUTE',
    // 000_*.txt sample: `stat:UNDELIV err:001` with network_error_code 030001 (GSM EC_UNKNOWN_SUBSCRIBER).
    undeliverableErr: 1,
    // The GSM error id as it is; network_error_code carries it in two octets.
    receiptErr: (code) => (code <= 0xffff ? code : undefined),
    receipt: {
      subDlvrd: true,
      dlvrdAlwaysZero: false,
      text: 'none',
      tlvs: ['network_error_code', 'message_state', 'receipted_message_id'],
    },
    // 17 decimal digits, as the sample id 40072910491427628.
    newMessageId: (sequence) => digits('4', 17, sequence),
  },
  gatewayapi: {
    provider: 'gatewayapi',
    acceptedDataCodings: profile('gatewayapi').coding.acceptedDataCodings,
    // [sim choice] 001_*.txt: payloads that do not decode under their DCS are rejected, status not given.
    codingRejectStatus: CommandStatus.ESME_RSUBMITFAIL,
    rejectStatus: CommandStatus.ESME_RINVDSTADR,
    rerouteStatus: CommandStatus.ESME_RSYSERR,
    throttleStatus: CommandStatus.ESME_RTHROTTLED,
    tlsOnly: false,
    idleTimeoutMs: 0,
    querySm: false,
    cancelSm: false,
    intermediateStat: 'ENROUTE',
    // 002_*.txt sample `stat:UNDELIV err:019` = 0x1013 absent subscriber.
    undeliverableErr: 19,
    // 002_*.txt: SMS error 0x107E is sent as err:126 (keep 0x07E, print it in base 10); codes 0x1000-0x1FFF only.
    receiptErr: (code) => (code >= 0x1000 && code <= 0x1fff ? code - 0x1000 : undefined),
    receipt: {
      subDlvrd: true,
      dlvrdAlwaysZero: true,
      text: 'user_message_reference',
      tlvs: ['user_message_reference'],
    },
    // 10 decimal digits, as the sample id 1390125333.
    newMessageId: (sequence) => digits('1', 10, sequence),
  },
  mta: {
    provider: 'mta',
    acceptedDataCodings: profile('mta').coding.acceptedDataCodings,
    // 003_*.txt lists 0x45 ESME_RSUBMITFAIL "submission failed"; it names no status for a coding.
    codingRejectStatus: CommandStatus.ESME_RSUBMITFAIL,
    // 003_*.txt labels 0x0E "invalid destination address" (SPEC: ESME_RINVPASWD).
    rejectStatus: 0x0e,
    rerouteStatus: CommandStatus.ESME_RSUBMITFAIL,
    throttleStatus: CommandStatus.ESME_RTHROTTLED,
    tlsOnly: true,
    idleTimeoutMs: profile('mta').session.serverInactivityTimeoutMs ?? 120_000,
    querySm: true,
    cancelSm: true,
    intermediateStat: 'ACCEPTD',
    // [sim choice] MTA's delivery status codes are not public (providers.md §3.7).
    undeliverableErr: 1,
    receiptErr: (code) => code,
    receipt: { subDlvrd: true, dlvrdAlwaysZero: false, text: 'message', tlvs: [] },
    // [sim choice] The id format is not documented: a UUID exercises opaque, non-numeric, case-kept ids.
    newMessageId: () => randomUUID(),
  },
  labsmobile: {
    provider: 'labsmobile',
    acceptedDataCodings: profile('labsmobile').coding.acceptedDataCodings,
    // 004_*.txt: ESME_RUNKNOWNERR is the only error LabsMobile documents, sent as a bare 16-octet PDU.
    codingRejectStatus: CommandStatus.ESME_RUNKNOWNERR,
    rejectStatus: CommandStatus.ESME_RUNKNOWNERR,
    rerouteStatus: CommandStatus.ESME_RUNKNOWNERR,
    throttleStatus: CommandStatus.ESME_RTHROTTLED,
    tlsOnly: false,
    idleTimeoutMs: 0,
    querySm: false,
    cancelSm: false,
    intermediateStat: 'ENROUTE',
    // 004_*.txt sample `stat:UNDELIV err:001`.
    undeliverableErr: 1,
    receiptErr: (code) => code,
    receipt: {
      subDlvrd: false,
      dlvrdAlwaysZero: false,
      text: 'none',
      tlvs: ['message_state', 'receipted_message_id'],
    },
    // [inference] The sample ids 68090a534e551 and 6809168bddf6b start with the submit time in Unix
    // seconds as 8 hex digits (0x68090a53 = 2025-04-23 15:42 UTC, the receipt's submit date); 5 more follow.
    newMessageId: (sequence, now) =>
      Math.floor(now / 1000)
        .toString(16)
        .padStart(8, '0')
        .slice(-8) + (sequence & 0xfffff).toString(16).padStart(5, '0'),
  },
};

/** message_state (SPEC §5.2.28) for a receipt stat. */
export const STAT_MESSAGE_STATE: Readonly<Record<string, DlrMessageState>> = {
  ENROUTE: DlrMessageState.ENROUTE,
  DELIVRD: DlrMessageState.DELIVERED,
  EXPIRED: DlrMessageState.EXPIRED,
  DELETED: DlrMessageState.DELETED,
  UNDELIV: DlrMessageState.UNDELIVERABLE,
  ACCEPTD: DlrMessageState.ACCEPTED,
  UNKNOWN: DlrMessageState.UNKNOWN,
  REJECTD: DlrMessageState.REJECTED,
};

export const RECEIPT_TLV_TAGS = {
  network_error_code: Tlv.network_error_code,
  message_state: Tlv.message_state,
  receipted_message_id: Tlv.receipted_message_id,
  user_message_reference: Tlv.user_message_reference,
} as const;
