import type { DlrMessageState } from '@app/smpp';

/** What correlation keeps per message: the latest state and whether it is final at this provider. */
export interface TrackedState {
  messageState: DlrMessageState;
  final: boolean;
}

export type MergeOutcome =
  /** The incoming state replaces the current one. */
  | 'applied'
  /** The same final state again (a duplicate receipt): nothing changes, nothing is forwarded. */
  | 'duplicate'
  /** A non-final state after a final one (GatewayAPI sends ENROUTE after DELIVRD): logged and dropped. */
  | 'stale'
  /** A different final state after a final one: the first stands, the conflict is logged. */
  | 'conflict';

/**
 * States only move forward: a final state is never overwritten, neither by a non-final one that
 * arrives late (ENROUTE, or ACCEPTD at Mobile Text Alerts) nor by a second, different final state,
 * so that the tenant gets exactly one final receipt. Before the final state, the latest receipt wins.
 */
export function mergeState<S extends TrackedState>(
  current: S | undefined,
  incoming: S,
): { state: S; outcome: MergeOutcome } {
  if (current === undefined || !current.final) return { state: incoming, outcome: 'applied' };
  if (!incoming.final) return { state: current, outcome: 'stale' };
  return {
    state: current,
    outcome: incoming.messageState === current.messageState ? 'duplicate' : 'conflict',
  };
}
