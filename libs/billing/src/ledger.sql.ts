import type { LedgerEntryKind, ReservationStatus } from '@app/database';

export type Resolution = Extract<LedgerEntryKind, 'post' | 'void' | 'expire'>;

export const STATUS_AFTER: Readonly<Record<Resolution, ReservationStatus>> = {
  post: 'posted',
  void: 'voided',
  expire: 'expired',
};

/**
 * A top-up or an adjustment ($1 account, $2 signed amount, $3 key, $4 currency, $5 kind, $6 reason): locks the
 * account unless the key exists, writes the entry when the currency matches and the available money stays ≥ 0,
 * and moves the balance by what was written. The result row says which of these held.
 */
export const CREDIT_SQL = `
WITH existing AS (
  SELECT id FROM ledger_entries WHERE idempotency_key = $3
),
locked AS MATERIALIZED (
  SELECT id, status, currency, balance - reserved + credit_limit + $2::bigint >= 0 AS fits
  FROM accounts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM existing)
  FOR NO KEY UPDATE
),
entry AS (
  INSERT INTO ledger_entries (account_id, kind, amount, idempotency_key, reason)
  SELECT id, $5, $2, $3, $6 FROM locked WHERE fits AND currency = $4
  ON CONFLICT ON CONSTRAINT "UQ_ledger_entries_idempotency_key" DO NOTHING
  RETURNING id, amount
),
credited AS (
  UPDATE accounts a SET balance = a.balance + entry.amount, updated_at = now()
  FROM entry WHERE a.id = $1
  RETURNING a.id
)
SELECT EXISTS (SELECT 1 FROM accounts WHERE id = $1) AS account_found,
       locked.status, locked.currency, locked.fits, entry.id AS entry_id
FROM (SELECT 1) AS one
LEFT JOIN locked ON true
LEFT JOIN entry ON true
LEFT JOIN credited ON true`;

/*
 * The SQL of LedgerRepository. Parameters of the reservation statements, as arrays with one element per request:
 * $1 ord, $2 idempotency_key, $3 account_id, $4 currency, $5 amount, $6 segments, $7 message_ref, $8 provider_id,
 * $9 cost, $10 destination_prefix, $11 country, $12 expires_at (null: now + $13 milliseconds).
 *
 * `existing` finds the keys written before (retries and conflicts, never written again). It probes the unique
 * index once per key: a LATERAL subquery with LIMIT 1 is never flattened into a hash join over a sequential scan,
 * which the planner otherwise prefers while the table is young and its statistics stale.
 */
const RESERVE_INPUT = `
input AS (
  SELECT * FROM unnest($1::int[], $2::text[], $3::uuid[], $4::text[], $5::bigint[], $6::int[], $7::text[], $8::text[],
                       $9::bigint[], $10::text[], $11::text[], $12::timestamptz[])
    AS i(ord, idempotency_key, account_id, currency, amount, segments, message_ref, provider_id, cost,
         destination_prefix, country, expires_at)
),
existing AS MATERIALIZED (
  SELECT i.ord, e.id, e.kind, e.account_id, e.amount, e.reservation_id
  FROM input i
  CROSS JOIN LATERAL (SELECT * FROM ledger_entries WHERE idempotency_key = i.idempotency_key LIMIT 1) e
)`;

/** Inserts the reservations of `source` and their reserve entries; a key a concurrent caller committed is skipped. */
function reserveInsert(source: string): string {
  return `
inserted AS (
  INSERT INTO reservations (account_id, idempotency_key, amount, segments, message_ref, provider_id, cost,
                            destination_prefix, country, expires_at)
  SELECT account_id, idempotency_key, amount, segments, message_ref, provider_id, cost, destination_prefix, country,
         coalesce(expires_at, now() + $13::bigint * interval '1 millisecond')
  FROM ${source} ORDER BY ord
  ON CONFLICT ON CONSTRAINT "UQ_reservations_idempotency_key" DO NOTHING
  RETURNING id, account_id, idempotency_key, amount
),
entries AS (
  INSERT INTO ledger_entries (account_id, kind, amount, idempotency_key, reservation_id)
  SELECT account_id, 'reserve', amount, idempotency_key, id FROM inserted
  RETURNING id
)`;
}

const EXISTING_COLUMNS = `x.id AS existing_id, x.kind AS existing_kind, x.account_id AS existing_account_id,
       x.amount::text AS existing_amount, x.reservation_id AS existing_reservation_id`;

/**
 * The fast path: no account lock. When every new request fits its account as last committed (active, same
 * currency, available money for the account's whole share of the batch), the reservations and entries are
 * inserted; otherwise nothing is written (`all_fit` false). The account rows are then changed by
 * `accountDeltaSql('reserve')`, which re-checks the money under the row lock, so the lock is held only from that
 * statement to commit, not while hundreds of rows and their foreign keys are written.
 */
export const RESERVE_OPTIMISTIC_SQL = `
WITH ${RESERVE_INPUT},
fresh AS MATERIALIZED (
  SELECT i.* FROM input i WHERE NOT EXISTS (SELECT 1 FROM existing x WHERE x.ord = i.ord)
),
fits AS MATERIALIZED (
  SELECT coalesce(bool_and(a.id IS NOT NULL AND a.status = 'active' AND a.currency = d.currency
                           AND a.balance - a.reserved + a.credit_limit >= d.total), true) AS all_fit
  FROM (SELECT account_id, currency, sum(amount) AS total FROM fresh GROUP BY account_id, currency) d
  LEFT JOIN accounts a ON a.id = d.account_id
),
candidates AS (
  SELECT fresh.* FROM fresh, fits WHERE fits.all_fit
),
${reserveInsert('candidates')}
SELECT i.ord, fits.all_fit, ins.id AS reservation_id, ${EXISTING_COLUMNS}
FROM input i
CROSS JOIN fits
LEFT JOIN existing x ON x.ord = i.ord
LEFT JOIN inserted ins ON ins.idempotency_key = i.idempotency_key
ORDER BY i.ord`;

/**
 * The exact path, used when the fast path does not apply. `locked` takes every account row of the batch in id order
 * (FOR NO KEY UPDATE: in READ COMMITTED it waits for a concurrent writer and returns the newest version), so
 * `available` is exact for the rest of the statement; per account, the running sum in input order decides which
 * requests fit; `reserved` grows by what was actually inserted. $14: the batch's account ids.
 */
export const RESERVE_LOCKED_SQL = `
WITH ${RESERVE_INPUT},
locked AS MATERIALIZED (
  SELECT a.id, a.status, a.currency, a.balance - a.reserved + a.credit_limit AS available
  FROM accounts a WHERE a.id = ANY($14::uuid[])
  ORDER BY a.id
  FOR NO KEY UPDATE
),
accepted AS MATERIALIZED (
  SELECT * FROM (
    SELECT i.*, l.available,
           sum(i.amount) OVER (PARTITION BY i.account_id ORDER BY i.ord) AS running_total
    FROM input i JOIN locked l ON l.id = i.account_id
    WHERE l.status = 'active' AND l.currency = i.currency
      AND NOT EXISTS (SELECT 1 FROM existing x WHERE x.ord = i.ord)
  ) eligible
  WHERE running_total <= available
),
${reserveInsert('accepted')},
debited AS (
  UPDATE accounts a SET reserved = a.reserved + t.total, updated_at = now()
  FROM (SELECT account_id, sum(amount) AS total FROM inserted GROUP BY account_id) t
  WHERE a.id = t.account_id
  RETURNING a.id
)
SELECT i.ord, l.id IS NOT NULL AS account_found, l.status, l.currency::text AS currency,
       acc.ord IS NOT NULL AS accepted, ins.id AS reservation_id, ${EXISTING_COLUMNS}
FROM input i
LEFT JOIN existing x ON x.ord = i.ord
LEFT JOIN locked l ON l.id = i.account_id
LEFT JOIN accepted acc ON acc.ord = i.ord
LEFT JOIN inserted ins ON ins.idempotency_key = i.idempotency_key
ORDER BY i.ord`;

/**
 * Moves accounts by per-account totals ($1 account ids, $2 totals), locking the rows in id order so that batches
 * touching several accounts cannot deadlock. `reserve` adds to reserved only where the account is active and the money is there (the one
 * conditional statement per account change; the result counts the accounts changed); `post` takes the total from
 * balance and reserved; `void` and `expire` from reserved.
 */
export function accountDeltaSql(kind: 'reserve' | Resolution): string {
  const change =
    kind === 'reserve'
      ? 'reserved = a.reserved + t.total'
      : kind === 'post'
        ? 'balance = a.balance - t.total, reserved = a.reserved - t.total'
        : 'reserved = a.reserved - t.total';
  const fits =
    kind === 'reserve'
      ? `a.status = 'active' AND a.balance - a.reserved - t.total + a.credit_limit >= 0`
      : 'true';
  return `
WITH totals AS (
  SELECT * FROM unnest($1::uuid[], $2::bigint[]) AS t(account_id, total)
),
locked AS MATERIALIZED (
  SELECT a.id, ${fits} AS fits
  FROM accounts a JOIN totals t ON t.account_id = a.id
  ORDER BY a.id
  FOR NO KEY UPDATE OF a
),
verdict AS MATERIALIZED (
  SELECT count(*) = (SELECT count(*) FROM totals) AND coalesce(bool_and(fits), true) AS all_fit FROM locked
),
changed AS (
  UPDATE accounts a SET ${change}, updated_at = now()
  FROM totals t, verdict v
  WHERE a.id = t.account_id AND v.all_fit
  RETURNING a.id
)
SELECT count(*)::int AS changed FROM changed`;
}

/**
 * Resolves reservations and writes their entries (the accounts move afterwards, by `accountDeltaSql`, in the same
 * transaction). `target` locks the pending reservations: the requested ones in id order ($1 ids, $2 provider ids,
 * $3 costs per segment), or for the sweeper up to $2 due at $1, skipping rows another sweeper holds. A concurrent
 * resolver of the same row waits and then finds it no longer pending, so each reservation is resolved once; the
 * unique index UQ_ledger_entries_resolution is the backstop.
 */
export function resolutionSql(kind: Resolution, source: 'requested' | 'due'): string {
  const target =
    source === 'requested'
      ? `input AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS i(reservation_id, provider_id, cost_per_segment)
),
target AS MATERIALIZED (
  SELECT r.id, i.provider_id, i.cost_per_segment
  FROM reservations r JOIN input i ON i.reservation_id = r.id
  WHERE r.status = 'pending'
  ORDER BY r.id
  FOR UPDATE OF r
)`
      : `target AS MATERIALIZED (
  SELECT r.id, NULL::text AS provider_id, NULL::bigint AS cost_per_segment
  FROM reservations r
  WHERE r.status = 'pending' AND r.expires_at <= $1::timestamptz
  ORDER BY r.expires_at, r.id
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)`;
  return `
WITH ${target},
resolved AS (
  UPDATE reservations r
  SET status = '${STATUS_AFTER[kind]}', resolved_at = now(),
      provider_id = coalesce(t.provider_id, r.provider_id),
      cost = coalesce(t.cost_per_segment * r.segments, r.cost)
  FROM target t
  WHERE r.id = t.id AND r.status = 'pending'
  RETURNING r.id, r.account_id, r.amount
),
entries AS (
  INSERT INTO ledger_entries (account_id, kind, amount, idempotency_key, reservation_id)
  SELECT account_id, '${kind}', amount, '${kind}:' || id, id FROM resolved
  RETURNING id
)
SELECT id AS reservation_id, account_id, amount::text FROM resolved ORDER BY id`;
}
