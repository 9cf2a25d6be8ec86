import type { CommandName, OtherPdu, Pdu, PduOf, Tlv } from '../pdu/types';
import type { BindCommand, BindType, SessionCloseReason } from './session-state';
import type { SmppSession } from './smpp-session';

/** PduOf, also for the commands kept as OtherPdu (for which PduOf yields never). */
export type PduFor<C extends CommandName> = C extends OtherPdu['command']
  ? OtherPdu & { command: C }
  : PduOf<C>;

/** Commands that are answered by a `<command>_resp` (everything but generic_nack, outbind, alert_notification and responses). */
export type RequestCommand = { [C in CommandName]: `${C}_resp` extends CommandName ? C : never }[CommandName];

export type ResponseCommandOf<C extends RequestCommand> = Extract<CommandName, `${C}_resp`>;

export type RequestPdu = PduFor<RequestCommand>;

/** The response PDU type that answers request PDU type P (submit_sm → submit_sm_resp). */
export type ResponseFor<P extends RequestPdu> = PduFor<ResponseCommandOf<P['command']>>;

/** Requests the session hands to the application; binds, enquire_link and unbind it handles itself. */
export type ApplicationCommand = Exclude<RequestCommand, BindCommand | 'enquire_link' | 'unbind'>;

type HeaderKey = 'command' | 'command_id' | 'command_status' | 'sequence_number';

/** Body fields of the response to C, all optional (defaults come from createResponse). */
export type ResponseFields<C extends RequestCommand> = Partial<Omit<PduFor<ResponseCommandOf<C>>, HeaderKey>>;

/**
 * One inbound request waiting for the application's answer. Narrow on `command` to get typed
 * response fields: `if (req.command === 'submit_sm') req.respond(ESME_ROK, { message_id })`.
 * Answers may come asynchronously and in any order; each request is answered exactly once.
 */
export type InboundRequest<C extends ApplicationCommand = ApplicationCommand> = C extends ApplicationCommand
  ? {
      readonly command: C;
      readonly pdu: PduFor<C>;
      /**
       * Queues `<command>_resp` with this command_status (default ESME_ROK). Returns false when the
       * session closed first (nothing is sent). Throws SmppAlreadyRespondedError on a second call,
       * and PduEncodeError for fields that break the codec's rules (the request stays unanswered).
       */
      respond(status?: number, fields?: ResponseFields<C>): boolean;
    }
  : never;

export interface BindRequest {
  readonly bindType: BindType;
  readonly pdu: PduOf<BindCommand>;
}

export interface BindDecision {
  /** ESME_ROK binds the session; any other status refuses the bind and leaves it OPEN. */
  command_status: number;
  /** The SMSC's system_id for the bind_resp body. */
  system_id: string;
  /** Optional parameters for the bind_resp, e.g. sc_interface_version (0x0210). */
  tlvs?: Tlv[];
}

/** The application's side of a session. Every callback is optional; see each for what happens without it. */
export interface SmppSessionHandler {
  /**
   * SMSC role: decide a bind request. Without it every bind is refused with ESME_RBINDFAIL; a
   * thrown error or rejected promise is reported on `error` and also refused with ESME_RBINDFAIL.
   */
  onBind?(request: BindRequest, session: SmppSession): BindDecision | Promise<BindDecision>;
  /**
   * A request the state allows, within the inbound window. Without it the request is answered
   * ESME_RINVCMDID (not supported here); a thrown error or rejected promise is reported on `error`
   * and the request, if still unanswered, is answered ESME_RSYSERR.
   */
  onRequest?(request: InboundRequest, session: SmppSession): void | Promise<void>;
  /** outbind (ESME role, OPEN) and alert_notification (ESME role, RX/TRX): PDUs without a response. */
  onNotification?(pdu: PduFor<'outbind' | 'alert_notification'>, session: SmppSession): void;
}

export interface SmppSessionEvents {
  bound: [bindType: BindType];
  /** Left a bound state (unbinding started, or closed while bound). */
  unbound: [];
  closed: [reason: SessionCloseReason];
  /** Emitted only when someone listens; every error is also counted. */
  error: [error: Error];
  /** A response whose sequence number matches no outstanding request; it is otherwise ignored. */
  unexpectedResponse: [pdu: Pdu];
}

export interface SmppSessionCounters {
  pdusIn: number;
  pdusOut: number;
  requestsSent: number;
  responsesReceived: number;
  requestsReceived: number;
  /** Responses nobody asked for (unknown sequence number, or arriving after their timeout). */
  unexpectedResponses: number;
  responseTimeouts: number;
  /** Inbound requests refused because the peer exceeded our inbound window. */
  inboundThrottled: number;
  /** Inbound requests refused with ESME_RINVBNDSTS / ESME_RALYBND. */
  inboundRefusedByState: number;
  decodeErrors: number;
  genericNacksSent: number;
  errors: number;
}

/** Window occupancy, for metrics and for the unit tests' "no leaks" checks. */
export interface SmppSessionOccupancy {
  /** Our requests in the window awaiting a response (excludes bind / enquire_link / unbind). */
  outstandingRequests: number;
  /** All our requests awaiting a response, control PDUs included. */
  pendingResponses: number;
  /** Requests waiting for a window slot. */
  queuedRequests: number;
  /** Peer requests handed to the application and not yet answered. */
  outstandingInbound: number;
  windowSize: number;
  inboundWindowSize: number;
}
