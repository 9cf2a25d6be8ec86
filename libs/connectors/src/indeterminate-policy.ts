import { ConnectorConfigError } from './rate-control';

/**
 * What to do with an attempt whose session was lost before its submit_sm_resp: the provider may or may not have
 * the message. `resubmit` sends it again (a possible duplicate on the handset) at most `maxResubmits` times;
 * `give-up` ends it as UNKNOWN (never a duplicate, possibly never delivered).
 */
export type IndeterminatePolicy = { mode: 'resubmit'; maxResubmits: number } | { mode: 'give-up' };

export type IndeterminateDecision = 'resubmit' | 'give-up';

export function parseIndeterminatePolicy(text: string): IndeterminatePolicy {
  if (text === 'give-up') return { mode: 'give-up' };
  const match = /^resubmit:(\d{1,2})$/.exec(text);
  if (match === null) {
    throw new ConnectorConfigError(`indeterminate policy must be 'give-up' or 'resubmit:<k>', got ${text}`);
  }
  return { mode: 'resubmit', maxResubmits: Number(match[1]) };
}

/** `resubmitsSoFar`: how many times this message was already resubmitted after a lost session. */
export function decideIndeterminate(
  policy: IndeterminatePolicy,
  resubmitsSoFar: number,
): IndeterminateDecision {
  if (policy.mode === 'give-up') return 'give-up';
  return resubmitsSoFar < policy.maxResubmits ? 'resubmit' : 'give-up';
}
