import type { DlrState, ReceiptOutcome } from './deliver-sm';
import type { GroupPart } from './delivery.repository';

/** The receipt state of a final `messages.status` (a final 'unknown' is our synthetic final UNKNOWN). */
const FINAL_STATUS_STATES: Readonly<Record<string, DlrState>> = {
  delivered: 'delivered',
  undeliverable: 'undeliverable',
  expired: 'expired',
  rejected: 'rejected',
  deleted: 'deleted',
  unknown: 'unknown_final',
};

export interface AggregatedReceipt {
  /** The part the receipt reports as: part 1 (the lowest-numbered part stored, should part 1 be missing). */
  readonly source: GroupPart;
  readonly outcome: ReceiptOutcome;
}

const ERR = /^\d{3,10}$/;

function stateOf(part: GroupPart): DlrState {
  return FINAL_STATUS_STATES[part.status] ?? 'unknown_final';
}

/**
 * The one receipt of a long message whose stored parts are all final; undefined while any part is still open.
 * `parts` are the group's stored rows (at least one), ordered by part_no. The receipt carries part 1's id, its
 * submit date and text; stat DELIVRD when every part was delivered, otherwise the state of the lowest-numbered part
 * that was not delivered, with that part's err and network_error_code (part 1's when all were delivered); done date
 * the latest done date of the parts; sub: the number of parts, dlvrd: how many of them were delivered.
 */
export function aggregateGroup(parts: readonly GroupPart[]): AggregatedReceipt | undefined {
  if (parts.length === 0 || parts.some((part) => !part.final)) return undefined;
  const source = parts[0];
  const failed = parts.find((part) => stateOf(part) !== 'delivered');
  const reporting = failed ?? source;
  const doneAt = parts.reduce<Date | null>(
    (latest, part) =>
      part.done_at !== null && (latest === null || part.done_at > latest) ? part.done_at : latest,
    null,
  );
  return {
    source,
    outcome: {
      state: stateOf(reporting),
      err: reporting.error_code !== null && ERR.test(reporting.error_code) ? reporting.error_code : '000',
      networkErrorCode: reporting.network_error_code,
      doneAt: doneAt ?? source.submitted_at,
      parts: {
        submitted: parts.length,
        delivered: parts.filter((part) => stateOf(part) === 'delivered').length,
      },
    },
  };
}
