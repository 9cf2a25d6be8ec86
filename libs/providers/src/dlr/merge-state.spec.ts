import { DlrMessageState, isFinalMessageState, type DlrMessageState as State } from '@app/smpp';
import fc from 'fast-check';
import { mergeState, type TrackedState } from './merge-state';

const tracked = (messageState: State, final = isFinalMessageState(messageState)): TrackedState => ({
  messageState,
  final,
});

describe('mergeState', () => {
  it('applies states in order until one is final', () => {
    const enroute = mergeState(undefined, tracked(DlrMessageState.ENROUTE));
    expect(enroute.outcome).toBe('applied');
    const unknown = mergeState(enroute.state, tracked(DlrMessageState.UNKNOWN));
    expect(unknown).toEqual({ outcome: 'applied', state: tracked(DlrMessageState.UNKNOWN) });
  });

  it('calls a repeated final state a duplicate and a different one a conflict, keeping the first', () => {
    const delivered = tracked(DlrMessageState.DELIVERED);
    expect(mergeState(delivered, tracked(DlrMessageState.DELIVERED))).toEqual({
      outcome: 'duplicate',
      state: delivered,
    });
    expect(mergeState(delivered, tracked(DlrMessageState.EXPIRED))).toEqual({
      outcome: 'conflict',
      state: delivered,
    });
  });

  it('never changes a state once it is final, whatever arrives after', () => {
    const state = fc.constantFrom(...Object.values(DlrMessageState));
    const arrival = fc
      .tuple(state, fc.boolean())
      .map(([messageState, final]) => tracked(messageState, final));
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 12 }), (arrivals) => {
        let current: TrackedState | undefined;
        let firstFinal: TrackedState | undefined;
        for (const incoming of arrivals) {
          current = mergeState(current, incoming).state;
          firstFinal ??= incoming.final ? incoming : undefined;
          if (firstFinal !== undefined) expect(current).toBe(firstFinal);
        }
      }),
    );
  });
});
