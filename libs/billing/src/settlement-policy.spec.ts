import { DEFAULT_REFUND_POLICY, settle, type FinalOutcome, type RefundPolicy } from './settlement-policy';

const accepted = (state: Extract<FinalOutcome, { acceptedByProvider: true }>['state']): FinalOutcome => ({
  acceptedByProvider: true,
  state,
});
const unsent = (reason: Extract<FinalOutcome, { acceptedByProvider: false }>['reason']): FinalOutcome => ({
  acceptedByProvider: false,
  reason,
});
const refundAll: RefundPolicy = {
  refund_on_undeliverable: true,
  refund_on_expired: true,
  refund_on_rejected: true,
};
const refundNone: RefundPolicy = {
  refund_on_undeliverable: false,
  refund_on_expired: false,
  refund_on_rejected: false,
};

describe('settle', () => {
  it('by default charges every outcome once the provider accepted', () => {
    for (const state of [
      'DELIVRD',
      'UNDELIV',
      'EXPIRED',
      'REJECTD',
      'DELETED',
      'ACCEPTD',
      'UNKNOWN',
    ] as const) {
      expect(settle(accepted(state))).toBe('post');
    }
  });

  it('by default refunds everything that never reached a provider', () => {
    for (const reason of ['rejected', 'no_route', 'expired_before_send', 'cancelled'] as const) {
      expect(settle(unsent(reason), DEFAULT_REFUND_POLICY)).toBe('void');
    }
  });

  it('follows the plan flags for UNDELIV, EXPIRED and a rejection before acceptance', () => {
    expect(settle(accepted('UNDELIV'), refundAll)).toBe('void');
    expect(settle(accepted('EXPIRED'), refundAll)).toBe('void');
    expect(settle(accepted('UNDELIV'), { ...refundNone, refund_on_expired: true })).toBe('post');
    expect(settle(accepted('EXPIRED'), { ...refundNone, refund_on_undeliverable: true })).toBe('post');
    expect(settle(unsent('rejected'), refundNone)).toBe('post');
  });

  it('never lets a flag charge for a message that was not sent or refund a delivered one', () => {
    for (const policy of [refundAll, refundNone, DEFAULT_REFUND_POLICY]) {
      expect(settle(accepted('DELIVRD'), policy)).toBe('post');
      expect(settle(unsent('no_route'), policy)).toBe('void');
      expect(settle(unsent('expired_before_send'), policy)).toBe('void');
      expect(settle(unsent('cancelled'), policy)).toBe('void');
    }
  });
});
