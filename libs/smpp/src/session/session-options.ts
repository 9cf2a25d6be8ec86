import { CommandStatus } from '../tables';
import { SmppConfigError } from './session-errors';
import type { SessionRole } from './session-state';
import type { SmppSessionHandler } from './session-types';

export const MAX_SEQUENCE_NUMBER = 0x7fffffff;

export interface SmppSessionOptions {
  role: SessionRole;
  handler?: SmppSessionHandler;
  /** Our requests outstanding at once (window). Bind, enquire_link and unbind do not count. Default 10. */
  windowSize?: number;
  /** Requests that may wait for a window slot before request() rejects with SmppWindowQueueFullError. Default 100. */
  maxQueuedRequests?: number;
  /** Peer requests the application may hold unanswered; more are refused with inboundOverflowStatus. Default 10. */
  inboundWindowSize?: number;
  /** Status for requests beyond the inbound window: ESME_RTHROTTLED (default) or e.g. ESME_RMSGQFUL. */
  inboundOverflowStatus?: number;
  /** SPEC §7.2 response_timer. Default 30 000 ms. */
  responseTimeoutMs?: number;
  /** SPEC §7.2 session_init_timer: close unless bound within this time. 0 disables. Default 30 000 ms. */
  sessionInitTimeoutMs?: number;
  /**
   * SPEC §7.2 enquire_link_timer: send enquire_link after this long without any PDU either way.
   * 0 disables. Default 30 000 ms (GatewayAPI 30 s; Infobip ≤ 25 s and MTA 30–60 s, providers.md).
   */
  enquireLinkIntervalMs?: number;
  /** SPEC §7.2 inactivity_timer: close after this long without a PDU from the peer. 0 disables. Default 120 000 ms (MTA's server cut-off). */
  inactivityTimeoutMs?: number;
  /** How long unbind waits for in-flight requests (either direction) before unbinding anyway. Default 5 000 ms. */
  unbindTimeoutMs?: number;
  /** Passed to the FrameDecoder; the decoder's default when omitted. */
  maxCommandLength?: number;
  /** Accept bind passwords beyond the 3.4 limit of 8 characters (Infobip issues longer ones). Default false. */
  allowLongPassword?: boolean;
  /** First sequence number to assign, 1..0x7FFFFFFF. Default 1. */
  firstSequenceNumber?: number;
}

export type ResolvedSessionOptions = Required<Omit<SmppSessionOptions, 'handler' | 'maxCommandLength'>> &
  Pick<SmppSessionOptions, 'maxCommandLength'>;

const DEFAULTS = {
  windowSize: 10,
  maxQueuedRequests: 100,
  inboundWindowSize: 10,
  inboundOverflowStatus: CommandStatus.ESME_RTHROTTLED,
  responseTimeoutMs: 30_000,
  sessionInitTimeoutMs: 30_000,
  enquireLinkIntervalMs: 30_000,
  inactivityTimeoutMs: 120_000,
  unbindTimeoutMs: 5_000,
  allowLongPassword: false,
  firstSequenceNumber: 1,
} as const;

// setTimeout silently treats delays above 2^31-1 ms as 1 ms.
const MAX_TIMER_MS = 0x7fffffff;

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SmppConfigError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

export function resolveSessionOptions(options: SmppSessionOptions): ResolvedSessionOptions {
  if (options.role !== 'esme' && options.role !== 'smsc') {
    throw new SmppConfigError(`role must be 'esme' or 'smsc', got ${String(options.role)}`);
  }
  const merged = { ...DEFAULTS, ...stripUndefined(options) };
  const resolved: ResolvedSessionOptions = {
    role: options.role,
    windowSize: integerIn('windowSize', merged.windowSize, 1, 0xffff),
    maxQueuedRequests: integerIn('maxQueuedRequests', merged.maxQueuedRequests, 0, 1_000_000),
    inboundWindowSize: integerIn('inboundWindowSize', merged.inboundWindowSize, 1, 0xffff),
    inboundOverflowStatus: integerIn('inboundOverflowStatus', merged.inboundOverflowStatus, 1, 0xffffffff),
    responseTimeoutMs: integerIn('responseTimeoutMs', merged.responseTimeoutMs, 1, MAX_TIMER_MS),
    sessionInitTimeoutMs: integerIn('sessionInitTimeoutMs', merged.sessionInitTimeoutMs, 0, MAX_TIMER_MS),
    enquireLinkIntervalMs: integerIn('enquireLinkIntervalMs', merged.enquireLinkIntervalMs, 0, MAX_TIMER_MS),
    inactivityTimeoutMs: integerIn('inactivityTimeoutMs', merged.inactivityTimeoutMs, 0, MAX_TIMER_MS),
    unbindTimeoutMs: integerIn('unbindTimeoutMs', merged.unbindTimeoutMs, 0, MAX_TIMER_MS),
    allowLongPassword: merged.allowLongPassword,
    firstSequenceNumber: integerIn('firstSequenceNumber', merged.firstSequenceNumber, 1, MAX_SEQUENCE_NUMBER),
  };
  if (options.maxCommandLength !== undefined) resolved.maxCommandLength = options.maxCommandLength;
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
