import type { BindType, Pdu } from '@app/smpp';
import type { ProviderId } from '@app/providers';

export interface SimAccount {
  system_id: string;
  password: string;
}

export interface ProviderSimOptions {
  provider: ProviderId;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Serve SMPP over TLS. Required for MTA, which refuses plain TCP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Default: one account, DEFAULT_SIM_ACCOUNT. */
  credentials?: readonly SimAccount[];
  /** Delay before each receipt of a message (after the previous one). Default 10 ms; 0 = next tick. */
  dlrDelayMs?: number;
  /** Submits per second above which submit_sm is answered with the throttling status. Default: no limit. */
  tps?: number;
  /** deliver_sm awaiting deliver_sm_resp per receiving session; more wait in the simulator, none is dropped. Default 10. */
  dlrWindow?: number;
  /** Close a session that sent no PDU for this long; default the provider's (MTA 120 000 ms, others never). */
  idleTimeoutMs?: number;
  /** Milliseconds since the epoch; default Date.now. Dates in receipts, the TPS window and LabsMobile ids use it. */
  clock?: () => number;
  /** Outcomes scripted per destination, ahead of the last-digit table (see SimScriptRule). Default none. */
  script?: readonly SimScriptRule[];
  /** Also log every PDU the simulator writes (receipts, MO, responses) in `sent`. Default false (benchmarks). */
  logSent?: boolean;
}

/** Receipt stats a script may ask for (SMPP 3.4 Appendix B). */
export type SimReceiptStat =
  'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD' | 'DELETED' | 'UNKNOWN' | 'ENROUTE' | 'ACCEPTD';

/** One receipt of a scripted outcome. */
export interface SimScriptedReceipt {
  stat: SimReceiptStat;
  /**
   * The provider's own error code, written in the receipt as the provider writes it: GatewayAPI SMS error 0x107E
   * becomes `err:126` (its low three hex digits in decimal, 002_*.txt), Infobip GSM error 1 becomes `err:001` and
   * network_error_code 030001; MTA and LabsMobile print the number. Omitted: `err:000`.
   */
  code?: number;
}

/**
 * An outcome scripted for the destinations that end in `suffix`, instead of the last-digit table. The longest
 * matching suffix wins; a whole number scripts a single destination.
 */
export interface SimScriptRule {
  /** Digits the destination ends with ('+' and other non-digits of the destination are ignored). */
  suffix: string;
  /** Answer submit_sm with this command_status instead of accepting it: no message, no receipt. */
  submitStatus?: number;
  /** Receipts sent in order once the message is accepted (when registered_delivery asks for them). Default none. */
  receipts?: readonly SimScriptedReceipt[];
}

/** Faults switched on and off while the simulator runs. */
export interface SimFaults {
  /** Delay every submit_sm_resp by this many ms. */
  slowResponseMs: number;
  /** Never answer submit_sm. */
  noResponse: boolean;
  /**
   * Once a session has answered this many submit_sm, the next one makes the server drop the TCP
   * connection without an answer (the rest of the window stays unanswered). Fires once, then clears.
   */
  dropSessionAfter: number | undefined;
  /** Send the first receipt of each accepted message before its submit_sm_resp. */
  dlrBeforeResp: boolean;
  /** Send every final receipt twice. */
  duplicateDlr: boolean;
  /** Follow every DELIVRD with an ENROUTE for the same id (GatewayAPI's ordering is not guaranteed). */
  enrouteAfterDelivered: boolean;
  /** Refuse every bind with this command_status. */
  rejectBind: number | undefined;
  /** Bind types refused with ESME_RINVCMDID, e.g. ['transceiver'] for a LabsMobile that only knows bind_transmitter. */
  refuseBindTypes: readonly BindType[];
  /** Submits per second above which submit_sm is throttled (overrides the option). */
  tps: number | undefined;
  /** Status for submits above the TPS; default the provider's (0x58). */
  throttleStatus: number | undefined;
}

/** One PDU as it arrived (or, in `sent`, as it left): the exact octets and their decoding. */
export interface ReceivedPdu {
  /** 1, 2, … in order of connection. */
  sessionId: number;
  /** The simulator's clock when the PDU was read (or written). */
  at: number;
  /** Command name, or `0x…` for an unknown command_id. */
  command: string;
  commandStatus: number;
  sequenceNumber: number;
  /** Header and body as received. */
  raw: Buffer;
  /** Undefined when the octets do not decode; decodeError then says why. */
  pdu?: Pdu;
  decodeError?: string;
}

export interface SimMo {
  source: string;
  destination: string;
  text: string;
}

export interface ProviderSim {
  readonly port: number;
  readonly provider: ProviderId;
  readonly received: ReceivedPdu[];
  /** Every PDU written, when started with logSent (else always empty). */
  readonly sent: ReceivedPdu[];
  setFault(faults: Partial<SimFaults>): void;
  /** Clears every fault. */
  clearFaults(): void;
  /** Sends an MO deliver_sm on a receiving session of the account (any account when omitted); resolves on deliver_sm_resp. */
  sendMo(to: { system_id?: string }, mo: SimMo): Promise<void>;
  /** Bound sessions. */
  sessions(): number;
  /** Drops every connection now, without unbind: requests in flight stay unanswered. Returns how many. */
  dropSessions(): number;
  /** The first logged PDU (already received or still to come) that matches. Rejects after timeoutMs (default 5 000). */
  waitFor(predicate: (pdu: ReceivedPdu) => boolean, timeoutMs?: number): Promise<ReceivedPdu>;
  /** The same for PDUs written (needs logSent). */
  waitForSent(predicate: (pdu: ReceivedPdu) => boolean, timeoutMs?: number): Promise<ReceivedPdu>;
  /** Replaces the scripted outcomes (the `script` option) from the next submit_sm on. */
  setScript(rules: readonly SimScriptRule[]): void;
  /** Messages accepted so far, by message id. */
  messageCount(): number;
  stop(): Promise<void>;
}
