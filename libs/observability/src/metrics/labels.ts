import { CommandStatus, messageStateToStat, statToMessageState, type CommandStatusName } from '@app/smpp';

/** The value a label takes when its real value would make the series unbounded or is not a valid label. */
export const OTHER_LABEL = 'other';

/** Values of a label drawn from a set the operator controls: tenant ids, provider ids, bus topics. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
/** Eight or more digits, optionally after +: an MSISDN or a numeric message id, never a label value. */
const LOOKS_LIKE_NUMBER = /^\+?\d{8,}$/;

/**
 * A label over an open but operator-controlled set (tenants, providers, topics). The first `limit` distinct
 * valid values are kept; later ones, and anything that is not a short identifier or looks like a phone number,
 * are reported as `other`, so that a bug at a call site cannot create a series per message or per subscriber.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    readonly name: string,
    readonly limit: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`label ${name}: limit must be a positive integer`);
  }

  value(raw: string): string {
    if (this.seen.has(raw)) return raw;
    if (!IDENTIFIER.test(raw) || LOOKS_LIKE_NUMBER.test(raw) || this.seen.size >= this.limit)
      return OTHER_LABEL;
    this.seen.add(raw);
    return raw;
  }

  /** Distinct values kept so far (at most `limit`). */
  get size(): number {
    return this.seen.size;
  }
}

const STATUS_NAMES = new Map<number, CommandStatusName>(
  (Object.keys(CommandStatus) as CommandStatusName[]).map((name) => [CommandStatus[name], name]),
);

/** The SMPP 3.4 name of a command_status (as `statusName`); vendor and reserved values collapse to `other`. */
export function statusLabel(status: number): CommandStatusName | typeof OTHER_LABEL {
  return STATUS_NAMES.get(status >>> 0) ?? OTHER_LABEL;
}

export type StatLabel =
  'ENROUTE' | 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD';

/**
 * A receipt's `stat` in its 7-character SMPP 3.4 Appendix B form: long names (DELIVERED) and dialects (GatewayAPI's
 * BUFFERD) map to their state's stat; anything else is `other`.
 */
export function statLabel(stat: string): StatLabel | typeof OTHER_LABEL {
  const state = statToMessageState(stat.trim());
  return state === undefined ? OTHER_LABEL : (messageStateToStat(state) as StatLabel);
}
