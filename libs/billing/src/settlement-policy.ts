/**
 * A price plan's refund flags (the `price_plans` columns of the same names, so a `PricePlanEntity` can be passed
 * as is).
 */
export interface RefundPolicy {
  /** Refund when the final state is UNDELIV after the provider accepted the message. */
  readonly refund_on_undeliverable: boolean;
  /** Refund when the final state is EXPIRED after the provider accepted the message. */
  readonly refund_on_expired: boolean;
  /** Refund when the message is rejected (REJECTD) before the provider accepted it. */
  readonly refund_on_rejected: boolean;
}

/** The defaults of `price_plans`: no refund once the provider accepted; refund a rejection before acceptance. */
export const DEFAULT_REFUND_POLICY: RefundPolicy = Object.freeze({
  refund_on_undeliverable: false,
  refund_on_expired: false,
  refund_on_rejected: true,
});

/** Final states of a message the provider accepted: SMPP 3.4 Appendix B `stat` values. */
export type ProviderFinalState =
  'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD' | 'DELETED' | 'ACCEPTD' | 'UNKNOWN';

/** Why a message ended before any provider accepted it. */
export type UnsentReason = 'rejected' | 'no_route' | 'expired_before_send' | 'cancelled';

export type FinalOutcome =
  | { readonly acceptedByProvider: true; readonly state: ProviderFinalState }
  | { readonly acceptedByProvider: false; readonly reason: UnsentReason };

export type Settlement = 'post' | 'void';

/**
 * Decides whether a message's reservation is captured (`post`) or released (`void`) for its final outcome.
 * Before acceptance nothing was sent, so the tenant is refunded, except for a rejection when the plan says
 * `refund_on_rejected = false`. After acceptance the tenant pays, unless the plan refunds UNDELIV or EXPIRED.
 */
export function settle(outcome: FinalOutcome, policy: RefundPolicy = DEFAULT_REFUND_POLICY): Settlement {
  if (!outcome.acceptedByProvider) {
    if (outcome.reason === 'rejected') return policy.refund_on_rejected ? 'void' : 'post';
    return 'void';
  }
  switch (outcome.state) {
    case 'UNDELIV':
      return policy.refund_on_undeliverable ? 'void' : 'post';
    case 'EXPIRED':
      return policy.refund_on_expired ? 'void' : 'post';
    case 'DELIVRD':
    case 'REJECTD':
    case 'DELETED':
    case 'ACCEPTD':
    case 'UNKNOWN':
      return 'post';
  }
}
