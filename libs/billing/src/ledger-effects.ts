import type { LedgerEntryKind } from '@app/database';

/**
 * How one ledger entry moves its account, by kind: the definition that `accounts.balance` and
 * `accounts.reserved` follow from. balance = Σ topup + Σ adjust − Σ post;
 * reserved = Σ reserve − Σ post − Σ void − Σ expire. Amounts of reserve/post/void/expire are the reservation's
 * amount (≥ 0); topup is > 0; adjust is signed and ≠ 0.
 */
export const LEDGER_EFFECTS: Readonly<
  Record<LedgerEntryKind, { balance: -1n | 0n | 1n; reserved: -1n | 0n | 1n }>
> = Object.freeze({
  topup: { balance: 1n, reserved: 0n },
  adjust: { balance: 1n, reserved: 0n },
  reserve: { balance: 0n, reserved: 1n },
  post: { balance: -1n, reserved: -1n },
  void: { balance: 0n, reserved: -1n },
  expire: { balance: 0n, reserved: -1n },
});

export interface AccountTotals {
  balance: bigint;
  reserved: bigint;
}

/** Replays entries into the totals they imply (the pure twin of the SQL that reconciliation runs). */
export function replayLedger(entries: Iterable<{ kind: LedgerEntryKind; amount: bigint }>): AccountTotals {
  const totals: AccountTotals = { balance: 0n, reserved: 0n };
  for (const { kind, amount } of entries) {
    totals.balance += LEDGER_EFFECTS[kind].balance * amount;
    totals.reserved += LEDGER_EFFECTS[kind].reserved * amount;
  }
  return totals;
}

/** SQL expression over a ledger_entries row (`alias`) giving its signed effect on `column`. */
export function ledgerEffectSql(column: keyof AccountTotals, alias: string): string {
  const arms = Object.entries(LEDGER_EFFECTS)
    .filter(([, effect]) => effect[column] !== 0n)
    .map(([kind, effect]) => `WHEN '${kind}' THEN ${effect[column] < 0n ? '-' : ''}${alias}.amount`);
  return `CASE ${alias}.kind ${arms.join(' ')} ELSE 0 END`;
}
