/** message_state values (SMPP 3.4 §5.2.28), as in TLV 0x0427 and query_sm_resp. */
export const DlrMessageState = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
} as const;

export type DlrMessageState = (typeof DlrMessageState)[keyof typeof DlrMessageState];

/** The 7-character `stat` of receipt text for each state (SPEC Appendix B; ENROUTE is de facto). */
const STAT_BY_STATE: Readonly<Record<DlrMessageState, string>> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

const STATE_BY_STAT: ReadonlyMap<string, DlrMessageState> = new Map<string, DlrMessageState>([
  ...Object.entries(STAT_BY_STATE).map(([state, stat]) => [stat, Number(state) as DlrMessageState] as const),
  ...Object.entries(DlrMessageState),
  // GatewayAPI: held in its own queue, not yet with the operator (providers.md §2.6).
  ['BUFFERD', DlrMessageState.ENROUTE],
]);

/** The message_state for a receipt `stat`, case-insensitive; long names (DELIVERED) are accepted too. */
export function statToMessageState(stat: string): DlrMessageState | undefined {
  return STATE_BY_STAT.get(stat.trim().toUpperCase());
}

export function messageStateToStat(state: DlrMessageState): string {
  return STAT_BY_STATE[state];
}

export function isDlrMessageState(value: number): value is DlrMessageState {
  return Number.isInteger(value) && value >= 1 && value <= 8;
}

/**
 * Final per SMPP 3.4 §5.2.28: DELIVERED, EXPIRED, DELETED, UNDELIVERABLE, ACCEPTED, REJECTED.
 * ENROUTE and UNKNOWN are not. Providers that treat ACCEPTD as pending (Mobile Text Alerts,
 * providers.md §3.7) override this in their profile.
 */
export function isFinalMessageState(state: DlrMessageState): boolean {
  return state !== DlrMessageState.ENROUTE && state !== DlrMessageState.UNKNOWN;
}
