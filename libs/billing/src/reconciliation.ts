import type { ReservationStatus } from '@app/database';
import type { DataSource, EntityManager } from 'typeorm';
import { ledgerEffectSql } from './ledger-effects';

/** One way in which the stored state disagrees with the ledger. Money in micro-units. */
export type ReconciliationDifference =
  | {
      readonly kind: 'balance';
      readonly accountId: string;
      readonly recorded: bigint;
      readonly replayed: bigint;
    }
  | {
      readonly kind: 'reserved';
      readonly accountId: string;
      readonly recorded: bigint;
      readonly replayed: bigint;
    }
  | {
      /** A reservation needs exactly one `reserve` entry. */
      readonly kind: 'reserve_entries';
      readonly reservationId: string;
      readonly count: number;
    }
  | {
      /** At most one of post/void/expire per reservation. */
      readonly kind: 'resolutions';
      readonly reservationId: string;
      readonly resolutions: readonly string[];
    }
  | {
      /** The status says one thing, the resolution entries another. */
      readonly kind: 'status';
      readonly reservationId: string;
      readonly status: ReservationStatus;
      readonly resolutions: readonly string[];
    }
  | {
      /** An entry of the reservation moves a different amount or account than the reservation holds. */
      readonly kind: 'entry_mismatch';
      readonly reservationId: string;
      readonly detail: string;
    };

export interface ReconciliationReport {
  readonly ok: boolean;
  readonly accounts: number;
  readonly entries: number;
  readonly reservations: number;
  readonly differences: readonly ReconciliationDifference[];
  /** True when more differences exist than `maxDifferences` allowed to list. */
  readonly truncated: boolean;
}

export interface ReconcileOptions {
  /** Upper bound on listed differences per check (default 1000). */
  readonly maxDifferences?: number;
}

const RESOLUTION_OF: Record<ReservationStatus, string | null> = {
  pending: null,
  posted: 'post',
  voided: 'void',
  expired: 'expire',
};

/**
 * Replays the ledger and compares it with every account's balance and reserved, and checks that every reservation
 * has one reserve entry and at most one resolution matching its status and amount. Reads one consistent snapshot
 * (REPEATABLE READ, READ ONLY), so it runs beside live traffic; it never changes anything.
 */
export async function reconcile(
  dataSource: DataSource,
  options: ReconcileOptions = {},
): Promise<ReconciliationReport> {
  const limit = options.maxDifferences ?? 1000;
  return dataSource.transaction('REPEATABLE READ', async (manager) => {
    await manager.query('SET TRANSACTION READ ONLY');
    return reconcileSnapshot(manager, limit);
  });
}

async function reconcileSnapshot(manager: EntityManager, limit: number): Promise<ReconciliationReport> {
  const [counts] = await manager.query<{ accounts: number; entries: number; reservations: number }[]>(
    `SELECT (SELECT count(*) FROM accounts)::int AS accounts,
            (SELECT count(*) FROM ledger_entries)::int AS entries,
            (SELECT count(*) FROM reservations)::int AS reservations`,
  );

  const accounts = await manager.query<
    { id: string; balance: string; reserved: string; replayed_balance: string; replayed_reserved: string }[]
  >(
    `SELECT a.id, a.balance::text, a.reserved::text,
            coalesce(e.balance, 0)::text AS replayed_balance, coalesce(e.reserved, 0)::text AS replayed_reserved
     FROM accounts a
     LEFT JOIN (
       SELECT le.account_id, sum(${ledgerEffectSql('balance', 'le')}) AS balance,
              sum(${ledgerEffectSql('reserved', 'le')}) AS reserved
       FROM ledger_entries le GROUP BY le.account_id
     ) e ON e.account_id = a.id
     WHERE a.balance <> coalesce(e.balance, 0) OR a.reserved <> coalesce(e.reserved, 0)
     ORDER BY a.id
     LIMIT $1`,
    [limit + 1],
  );

  const reservations = await manager.query<
    {
      id: string;
      status: ReservationStatus;
      amount: string;
      reserve_entries: number;
      resolutions: string[];
      mismatched: string;
    }[]
  >(
    `SELECT r.id, r.status, r.amount::text,
            count(e.id) FILTER (WHERE e.kind = 'reserve')::int AS reserve_entries,
            coalesce(array_agg(e.kind ORDER BY e.id) FILTER (WHERE e.kind <> 'reserve'), '{}') AS resolutions,
            coalesce(string_agg(e.kind || ' ' || e.amount || ' on ' || e.account_id, ', ' ORDER BY e.id)
              FILTER (WHERE e.amount <> r.amount OR e.account_id <> r.account_id), '') AS mismatched
     FROM reservations r LEFT JOIN ledger_entries e ON e.reservation_id = r.id
     GROUP BY r.id
     HAVING count(e.id) FILTER (WHERE e.kind = 'reserve') <> 1
         OR count(e.id) FILTER (WHERE e.kind <> 'reserve') > 1
         OR coalesce(bool_or(e.amount <> r.amount OR e.account_id <> r.account_id), false)
         OR (r.status = 'pending') <> (count(e.id) FILTER (WHERE e.kind <> 'reserve') = 0)
         OR NOT coalesce(bool_and(e.kind = 'reserve' OR e.kind = CASE r.status WHEN 'posted' THEN 'post'
              WHEN 'voided' THEN 'void' WHEN 'expired' THEN 'expire' END), true)
     ORDER BY r.id
     LIMIT $1`,
    [limit + 1],
  );

  const differences: ReconciliationDifference[] = [];
  for (const row of accounts.slice(0, limit)) {
    if (row.balance !== row.replayed_balance) {
      differences.push({
        kind: 'balance',
        accountId: row.id,
        recorded: BigInt(row.balance),
        replayed: BigInt(row.replayed_balance),
      });
    }
    if (row.reserved !== row.replayed_reserved) {
      differences.push({
        kind: 'reserved',
        accountId: row.id,
        recorded: BigInt(row.reserved),
        replayed: BigInt(row.replayed_reserved),
      });
    }
  }
  for (const row of reservations.slice(0, limit)) {
    if (row.reserve_entries !== 1) {
      differences.push({ kind: 'reserve_entries', reservationId: row.id, count: row.reserve_entries });
    }
    if (row.resolutions.length > 1) {
      differences.push({ kind: 'resolutions', reservationId: row.id, resolutions: row.resolutions });
    }
    const expected = RESOLUTION_OF[row.status];
    const statusMatches =
      expected === null
        ? row.resolutions.length === 0
        : row.resolutions.length > 0 && row.resolutions.every((kind) => kind === expected);
    if (!statusMatches) {
      differences.push({
        kind: 'status',
        reservationId: row.id,
        status: row.status,
        resolutions: row.resolutions,
      });
    }
    if (row.mismatched !== '') {
      differences.push({
        kind: 'entry_mismatch',
        reservationId: row.id,
        detail: `reservation holds ${row.amount}; entries: ${row.mismatched}`,
      });
    }
  }
  return {
    ok: differences.length === 0,
    accounts: counts.accounts,
    entries: counts.entries,
    reservations: counts.reservations,
    differences,
    truncated: accounts.length > limit || reservations.length > limit,
  };
}

/** The command's output: one OK line, or one line per difference. */
export function formatReconciliation(report: ReconciliationReport): string[] {
  if (report.ok) return [`reconcile: OK, ${report.accounts} accounts, ${report.entries} entries`];
  const lines = report.differences.map(describeDifference);
  if (report.truncated) lines.push('reconcile: more differences not listed');
  lines.push(
    `reconcile: ${report.differences.length} difference(s), ${report.accounts} accounts, ${report.entries} entries`,
  );
  return lines;
}

function describeDifference(difference: ReconciliationDifference): string {
  switch (difference.kind) {
    case 'balance':
    case 'reserved':
      return `account ${difference.accountId}: ${difference.kind} ${difference.recorded} != ledger replay ${difference.replayed} (off by ${difference.recorded - difference.replayed})`;
    case 'reserve_entries':
      return `reservation ${difference.reservationId}: ${difference.count} reserve entries, expected 1`;
    case 'resolutions':
      return `reservation ${difference.reservationId}: resolved ${difference.resolutions.length} times (${difference.resolutions.join(', ')})`;
    case 'status':
      return `reservation ${difference.reservationId}: status ${difference.status} but resolution entries [${difference.resolutions.join(', ')}]`;
    case 'entry_mismatch':
      return `reservation ${difference.reservationId}: ${difference.detail}`;
  }
}
