import {
  DlrMessageState,
  isDlrMessageState,
  isFinalMessageState,
  messageStateToStat,
  statToMessageState,
} from './message-state';

describe('message_state <-> stat', () => {
  it.each([
    ['ENROUTE', 1, false],
    ['DELIVRD', 2, true],
    ['EXPIRED', 3, true],
    ['DELETED', 4, true],
    ['UNDELIV', 5, true],
    ['ACCEPTD', 6, true],
    ['UNKNOWN', 7, false],
    ['REJECTD', 8, true],
  ] as const)('%s is message_state %i, final: %s (smpp34.md §12)', (stat, state, final) => {
    expect(statToMessageState(stat)).toBe(state);
    expect(messageStateToStat(state)).toBe(stat);
    expect(isFinalMessageState(state)).toBe(final);
  });

  it('accepts BUFFERD as ENROUTE-like, any case, and the long state names', () => {
    expect(statToMessageState('BUFFERD')).toBe(DlrMessageState.ENROUTE);
    expect(statToMessageState('delivrd')).toBe(DlrMessageState.DELIVERED);
    expect(statToMessageState('UNDELIVERABLE')).toBe(DlrMessageState.UNDELIVERABLE);
    expect(statToMessageState('SCHEDULED')).toBeUndefined();
  });

  it('knows the 3.4 range', () => {
    expect([0, 1, 8, 9].map(isDlrMessageState)).toEqual([false, true, true, false]);
  });
});
