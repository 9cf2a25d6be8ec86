/**
 * What the engine does next with a message or a provider (providers.md, "Engine action vocabulary").
 * The doc's seventh action, BUG (our PDU broke a rule of this provider), is not an action of its own
 * here: it is REROUTE (or FAIL) with `malformedPdu` and `alert` set, because the engine must move
 * the message on and must never resend the same PDU.
 */
export type ProviderAction = 'OK' | 'RETRY' | 'REROUTE' | 'FAIL' | 'THROTTLE' | 'SESSION';

export interface ActionDecision {
  action: ProviderAction;
  /** RETRY / THROTTLE: further attempts on the same provider before `then` applies. */
  retries?: number;
  /** RETRY / THROTTLE: what to do once `retries` are used up. */
  then?: 'REROUTE' | 'FAIL';
  /** Stop sending to this provider for a while (e.g. Infobip 0xFF, insufficient balance). */
  circuitBreak?: boolean;
  /** Tell an operator. */
  alert?: boolean;
  /** Our PDU broke a rule of this provider (providers.md "BUG"): never resend the same PDU. */
  malformedPdu?: boolean;
  /** Counts toward a provider-wide failure streak that may mean an empty balance (LabsMobile 0xFF). */
  suspectBalance?: boolean;
  /** The session is not in the state we believed (ESME_RINVBNDSTS): rebind before retrying. */
  rebind?: boolean;
  reason: string;
}

/** Builders for the recurring decisions of the provider tables, so that each table row stays one line. */
export const decide = {
  ok: (reason: string): ActionDecision => ({ action: 'OK', reason }),
  fail: (reason: string): ActionDecision => ({ action: 'FAIL', reason }),
  reroute: (reason: string): ActionDecision => ({ action: 'REROUTE', reason }),
  session: (reason: string): ActionDecision => ({ action: 'SESSION', reason, alert: true }),
  throttle: (reason: string): ActionDecision => ({ action: 'THROTTLE', reason }),
  /** Retry on the same provider after backoff, then `then` (providers.md "R → RR"). */
  retry: (reason: string, retries = 1, then: 'REROUTE' | 'FAIL' = 'REROUTE'): ActionDecision => ({
    action: 'RETRY',
    reason,
    retries,
    then,
  }),
  /** A condition of the handset that may clear ("RETRY later"): try the same provider again later, then give up. */
  retryLater: (reason: string, retries = 1): ActionDecision => ({
    action: 'RETRY',
    reason,
    retries,
    then: 'FAIL',
  }),
  /** providers.md "BUG": alert, do not resend the same PDU, move the message on. */
  malformed: (reason: string, action: 'REROUTE' | 'FAIL' = 'REROUTE'): ActionDecision => ({
    action,
    reason,
    malformedPdu: true,
    alert: true,
  }),
  /** The provider's balance or spending limit is exhausted: reroute and stop using the provider. */
  balance: (reason: string): ActionDecision => ({
    action: 'REROUTE',
    reason,
    circuitBreak: true,
    alert: true,
  }),
} as const;
