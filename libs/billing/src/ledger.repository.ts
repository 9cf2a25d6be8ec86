import type { AccountStatus, LedgerEntryKind, ReservationStatus } from '@app/database';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  AccountInactiveError,
  AccountNotFoundError,
  type BillingError,
  CurrencyMismatchError,
  IdempotencyConflictError,
  InsufficientFundsError,
  InvalidBillingRequestError,
  ReservationAlreadyResolvedError,
  ReservationNotFoundError,
} from './billing.errors';
import {
  INT8_MAX,
  optionalDate,
  requireAmount,
  requireCurrency,
  requireDate,
  requireKey,
  requireText,
  requireUuid,
} from './billing-input';
import type {
  AccountSnapshot,
  AdjustRequest,
  BatchResult,
  BillingFailure,
  BillingTx,
  EntryReceipt,
  OpenAccountRequest,
  PostRequest,
  ReservationReceipt,
  ReserveRequest,
  ResolutionReceipt,
  SweepResult,
  TopUpRequest,
  VoidRequest,
} from './ledger.types';
import {
  accountDeltaSql,
  CREDIT_SQL,
  RESERVE_LOCKED_SQL,
  RESERVE_OPTIMISTIC_SQL,
  resolutionSql,
  STATUS_AFTER,
  type Resolution,
} from './ledger.sql';
import { rateMessage } from './rating';
import { select } from './select';

export interface LedgerRepositoryOptions {
  /** How long a reservation may stay pending before the sweeper expires it (default 72 h). */
  readonly reservationTtlMs?: number;
  /**
   * Batches with at least this many new requests take the fast path of `reserveBatch` (default 50); smaller ones
   * go straight to the single locked statement, which needs 1 round trip instead of 4 plus a transaction.
   */
  readonly fastPathMinBatch?: number;
}

/** Longer than any provider's DLR validity period (SMPP validity is commonly capped at 48-72 h). */
const DEFAULT_RESERVATION_TTL_MS = 72 * 60 * 60 * 1000;
const DEFAULT_FAST_PATH_MIN_BATCH = 50;

interface AccountRow {
  id: string;
  tenant_id: string;
  currency: string;
  status: AccountStatus;
  balance: string;
  reserved: string;
  credit_limit: string;
  low_balance_threshold: string;
}

const ACCOUNT_COLUMNS = `id, tenant_id, currency, status, balance::text, reserved::text, credit_limit::text,
  low_balance_threshold::text`;

interface ExistingEntry {
  id: string;
  idempotency_key: string;
  kind: LedgerEntryKind;
  account_id: string;
  amount: string;
  reservation_id: string | null;
}

interface ValidReserve {
  key: string;
  accountId: string;
  currency: string;
  amount: bigint;
  segments: number;
  messageRef: string | null;
  providerId: string | null;
  cost: bigint | null;
  destinationPrefix: string | null;
  country: string | null;
  expiresAt: Date | null;
}

interface ValidPost {
  reservationId: string;
  providerId: string | null;
  costPerSegment: bigint | null;
}

function failure(error: BillingError): BillingFailure {
  return { ok: false, reason: error.code, error };
}

function unwrap<T>(result: BatchResult<T>): T {
  if (!result.ok) throw result.error;
  return result;
}

function toSnapshot(row: AccountRow): AccountSnapshot {
  const balance = BigInt(row.balance);
  const reserved = BigInt(row.reserved);
  const creditLimit = BigInt(row.credit_limit);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    currency: row.currency,
    status: row.status,
    balance,
    reserved,
    creditLimit,
    available: balance - reserved + creditLimit,
    lowBalanceThreshold: BigInt(row.low_balance_threshold),
  };
}

/** One parameter per column: pg turns JS arrays into Postgres array literals (bigints travel as text). */
function column<T>(
  items: readonly T[],
  pick: (item: T) => string | number | null,
): (string | number | null)[] {
  return items.map(pick);
}

/** Runs `work` inside a transaction: the caller's, or one started here when `tx` is in autocommit mode. */
async function inTransaction<T>(tx: BillingTx, work: (tx: BillingTx) => Promise<T>): Promise<T> {
  if ('startTransaction' in tx) return inRunnerTransaction(tx, work);
  if (tx.queryRunner?.isTransactionActive === true) return work(tx);
  return tx.transaction((manager) => work(manager));
}

async function inRunnerTransaction<T>(runner: QueryRunner, work: (tx: BillingTx) => Promise<T>): Promise<T> {
  if (runner.isTransactionActive) return work(runner);
  await runner.startTransaction();
  try {
    const result = await work(runner);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}

/** Sums amounts per account, as the two array parameters of `accountDeltaSql`. */
function totalsByAccount(rows: readonly { accountId: string; amount: bigint }[]): [string[], string[]] {
  const totals = new Map<string, bigint>();
  for (const { accountId, amount } of rows) totals.set(accountId, (totals.get(accountId) ?? 0n) + amount);
  return [[...totals.keys()], [...totals.values()].map(String)];
}

interface ExistingColumns {
  existing_id: string | null;
  existing_kind: LedgerEntryKind | null;
  existing_account_id: string | null;
  existing_amount: string | null;
  existing_reservation_id: string | null;
}

/** One request's outcome in a reservation statement (the fast path fills the account columns as passed). */
interface ReserveRow extends ExistingColumns {
  ord: number;
  account_found: boolean;
  status: AccountStatus | null;
  currency: string | null;
  accepted: boolean;
  reservation_id: string | null;
}

const RESERVE_SAVEPOINT = 'billing_reserve_batch';

/**
 * The Postgres ledger. Every change of an account's money is one statement that locks the account row and changes
 * it only when the available money allows (never read-then-write), in the same transaction as the entries it
 * implies, so no interleaving of callers can overdraw an account or leave the cached balance apart from the ledger;
 * `CHK_accounts_no_overdraft` is the backstop. Accounts are always locked in id order, so batches touching several
 * accounts cannot deadlock each other. Reservation statements run on the caller's transaction; operations that need
 * several statements open one when the caller's `tx` is in autocommit mode.
 *
 * Idempotency: `ledger_entries.idempotency_key` is unique over all kinds. topup, adjust and reserve use the
 * caller's key; post, void and expire use `<kind>:<reservation id>`, one resolution per reservation.
 */
export class LedgerRepository {
  private readonly reservationTtlMs: number;
  private readonly fastPathMinBatch: number;

  constructor(
    private readonly dataSource: DataSource,
    options: LedgerRepositoryOptions = {},
  ) {
    const ttl = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
    if (!Number.isSafeInteger(ttl) || ttl <= 0) {
      throw new InvalidBillingRequestError(`reservationTtlMs must be a positive integer, got ${ttl}`);
    }
    this.reservationTtlMs = ttl;
    const minBatch = options.fastPathMinBatch ?? DEFAULT_FAST_PATH_MIN_BATCH;
    if (!Number.isSafeInteger(minBatch) || minBatch < 1) {
      throw new InvalidBillingRequestError(`fastPathMinBatch must be a positive integer, got ${minBatch}`);
    }
    this.fastPathMinBatch = minBatch;
  }

  /** Creates the tenant's account; when it exists already in the same currency, returns it unchanged. */
  async openAccount(tx: BillingTx, request: OpenAccountRequest): Promise<AccountSnapshot> {
    const tenantId = requireUuid(request.tenantId, 'tenantId');
    const currency = requireCurrency(request.currency);
    const creditLimit = requireAmount(request.creditLimit ?? 0n, 'creditLimit', 0n);
    const threshold = requireAmount(request.lowBalanceThreshold ?? 0n, 'lowBalanceThreshold', 0n);
    const [row] = await select<AccountRow>(
      tx,
      `WITH created AS (
         INSERT INTO accounts (tenant_id, currency, credit_limit, low_balance_threshold) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT "UQ_accounts_tenant" DO NOTHING
         RETURNING ${ACCOUNT_COLUMNS}
       )
       SELECT * FROM created
       UNION ALL
       SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM created)`,
      [tenantId, currency, creditLimit.toString(), threshold.toString()],
    );
    if (row === undefined) throw new InvalidBillingRequestError(`tenant ${tenantId} does not exist`);
    if (row.currency !== currency) throw new CurrencyMismatchError(row.id, row.currency, currency);
    return toSnapshot(row);
  }

  async getAccount(tx: BillingTx, accountId: string): Promise<AccountSnapshot> {
    const id = requireUuid(accountId, 'accountId');
    const [row] = await select<AccountRow>(tx, `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id]);
    if (row === undefined) throw new AccountNotFoundError(id);
    return toSnapshot(row);
  }

  async findAccountByTenant(tx: BillingTx, tenantId: string): Promise<AccountSnapshot | undefined> {
    const id = requireUuid(tenantId, 'tenantId');
    const [row] = await select<AccountRow>(
      tx,
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1`,
      [id],
    );
    return row === undefined ? undefined : toSnapshot(row);
  }

  /** Credits the account. */
  async topUp(tx: BillingTx, request: TopUpRequest): Promise<EntryReceipt> {
    return this.credit(tx, 'topup', request, requireAmount(request.amount, 'amount', 1n), null);
  }

  /** An operator's correction, + or −, with a reason. A debit never takes available money below 0. */
  async adjust(tx: BillingTx, request: AdjustRequest): Promise<EntryReceipt> {
    const amount = requireAmount(request.amount, 'amount', -INT8_MAX, true);
    return this.credit(tx, 'adjust', request, amount, requireText(request.reason, 'reason'));
  }

  private async credit(
    tx: BillingTx,
    kind: 'topup' | 'adjust',
    request: TopUpRequest | AdjustRequest,
    amount: bigint,
    reason: string | null,
  ): Promise<EntryReceipt> {
    const accountId = requireUuid(request.accountId, 'accountId');
    const currency = requireCurrency(request.currency);
    const key = requireKey(request.idempotencyKey);
    const [row] = await select<{
      account_found: boolean;
      status: AccountStatus | null;
      currency: string | null;
      fits: boolean | null;
      entry_id: string | null;
    }>(tx, CREDIT_SQL, [accountId, amount.toString(), key, currency, kind, reason]);
    if (row.entry_id !== null) return { entryId: row.entry_id, accountId, amount, replayed: false };
    if (!row.account_found) throw new AccountNotFoundError(accountId);
    if (row.currency !== null && row.currency !== currency) {
      throw new CurrencyMismatchError(accountId, row.currency, currency);
    }
    if (row.fits === false) throw new InsufficientFundsError(accountId, -amount);
    // The key exists: written before this statement, or by a concurrent caller that committed during it.
    const [existing] = await this.entriesByKey(tx, [key]);
    if (existing === undefined) throw new Error(`ledger entry ${key} was neither written nor found`);
    if (existing.kind !== kind || existing.account_id !== accountId || BigInt(existing.amount) !== amount) {
      throw new IdempotencyConflictError(key, describeEntry(existing));
    }
    return { entryId: existing.id, accountId, amount, replayed: true };
  }

  private async entriesByKey(tx: BillingTx, keys: readonly string[]): Promise<ExistingEntry[]> {
    return select<ExistingEntry>(
      tx,
      // One index probe per key: with \`= ANY(array)\` the planner picks a sequential scan while the table is small.
      `SELECT e.id, e.idempotency_key, e.kind, e.account_id, e.amount::text, e.reservation_id
       FROM unnest($1::text[]) AS k(idempotency_key)
       CROSS JOIN LATERAL (
         SELECT * FROM ledger_entries WHERE idempotency_key = k.idempotency_key LIMIT 1
       ) e`,
      [keys],
    );
  }

  /** Reserves one message's price; throws the typed error of a refusal. */
  async reserve(tx: BillingTx, request: ReserveRequest): Promise<ReservationReceipt> {
    const [result] = await this.reserveBatch(tx, [request]);
    return unwrap(result);
  }

  /**
   * Reserves a batch of messages (group commit). Per account, the messages that fit the available money are
   * accepted in input order and the first that does not fit and every later one are refused with
   * INSUFFICIENT_FUNDS; the whole batch is one conditional update per account plus multi-row inserts, so a busy
   * tenant costs one row lock per batch, not per message, and on the fast path (see `reserveFresh`) that lock is
   * held only from the update to the caller's commit. Results are in input order. Malformed input throws
   * InvalidBillingRequestError before anything is written.
   *
   * `beforeDebit` lets the caller write its own rows for the batch (messages, outbox) in the same transaction
   * while no account row is locked yet: on the fast path it runs after the reservations are written and before the
   * accounts are debited, so concurrent batches of one tenant overlap everything but the debit and the commit. When
   * the fast path then fails (an account changed in between), its writes are rolled back with the reservations and
   * it runs once more with the exact results. It always sees the results that are returned.
   */
  async reserveBatch(
    tx: BillingTx,
    requests: readonly ReserveRequest[],
    options: { beforeDebit?: (results: readonly BatchResult<ReservationReceipt>[]) => Promise<void> } = {},
  ): Promise<BatchResult<ReservationReceipt>[]> {
    const items = requests.map((request, index) => validateReserve(request, index));
    if (items.length === 0) return [];
    const beforeDebit = options.beforeDebit ?? (() => Promise.resolve());

    const firstByKey = new Map<string, number>();
    const fresh: number[] = [];
    const duplicates: number[] = [];
    items.forEach((item, index) => {
      if (firstByKey.has(item.key)) {
        duplicates.push(index);
      } else {
        firstByKey.set(item.key, index);
        fresh.push(index);
      }
    });
    const assemble = (rows: readonly ReserveRow[]) =>
      this.assembleReserve(tx, items, fresh, duplicates, firstByKey, rows);

    const batch = fresh.map((index) => items[index]);
    if (batch.length < this.fastPathMinBatch) {
      const results = await assemble(
        await select<ReserveRow>(tx, RESERVE_LOCKED_SQL, this.reserveParams(batch, true)),
      );
      await beforeDebit(results);
      return results;
    }
    return inTransaction(tx, (inner) => this.reserveFresh(inner, batch, assemble, beforeDebit));
  }

  /** Turns the statement's rows (one per fresh request) into results in input order, duplicates included. */
  private async assembleReserve(
    tx: BillingTx,
    items: readonly ValidReserve[],
    fresh: readonly number[],
    duplicates: readonly number[],
    firstByKey: ReadonlyMap<string, number>,
    rows: readonly ReserveRow[],
  ): Promise<BatchResult<ReservationReceipt>[]> {
    const results = new Array<BatchResult<ReservationReceipt> | undefined>(items.length);
    const lost: number[] = [];
    for (const row of rows) {
      const index = fresh[row.ord];
      const item = items[index];
      if (row.existing_kind !== null) {
        results[index] = replayReserve(item, {
          id: row.existing_id as string,
          idempotency_key: item.key,
          kind: row.existing_kind,
          account_id: row.existing_account_id as string,
          amount: row.existing_amount as string,
          reservation_id: row.existing_reservation_id,
        });
      } else if (row.reservation_id !== null) {
        results[index] = {
          ok: true,
          reservationId: row.reservation_id,
          accountId: item.accountId,
          amount: item.amount,
          replayed: false,
        };
      } else if (!row.account_found) {
        results[index] = failure(new AccountNotFoundError(item.accountId));
      } else if (row.status !== 'active') {
        results[index] = failure(new AccountInactiveError(item.accountId, row.status ?? 'unknown'));
      } else if (row.currency !== item.currency) {
        results[index] = failure(
          new CurrencyMismatchError(item.accountId, row.currency ?? '?', item.currency),
        );
      } else if (!row.accepted) {
        results[index] = failure(new InsufficientFundsError(item.accountId, item.amount));
      } else {
        lost.push(index);
      }
    }
    if (lost.length > 0) {
      // Accepted, but a concurrent caller committed the same key first (ON CONFLICT DO NOTHING skipped it).
      const entries = new Map(
        (
          await this.entriesByKey(
            tx,
            lost.map((index) => items[index].key),
          )
        ).map((e) => [e.idempotency_key, e]),
      );
      for (const index of lost) {
        const entry = entries.get(items[index].key);
        if (entry === undefined)
          throw new Error(`reservation ${items[index].key} was neither written nor found`);
        results[index] = replayReserve(items[index], entry);
      }
    }

    for (const index of duplicates) {
      const item = items[index];
      const first = firstByKey.get(item.key) as number;
      const firstResult = results[first] as BatchResult<ReservationReceipt>;
      if (item.accountId !== items[first].accountId || item.amount !== items[first].amount) {
        results[index] = failure(
          new IdempotencyConflictError(
            item.key,
            `earlier in the same batch for account ${items[first].accountId}, amount ${items[first].amount}`,
          ),
        );
      } else {
        results[index] = firstResult.ok ? { ...firstResult, replayed: true } : firstResult;
      }
    }
    return results as BatchResult<ReservationReceipt>[];
  }

  /**
   * Writes the batch's new requests (keys unique within it). Fast path first: the rows are written without holding
   * an account lock, `beforeDebit` runs, and the accounts are then debited by one conditional update each; when a
   * request does not fit or an account changed in between, the fast path's writes (and the caller's) are rolled
   * back to a savepoint and the exact, locked statement decides every request.
   */
  private async reserveFresh(
    tx: BillingTx,
    batch: readonly ValidReserve[],
    assemble: (rows: readonly ReserveRow[]) => Promise<BatchResult<ReservationReceipt>[]>,
    beforeDebit: (results: readonly BatchResult<ReservationReceipt>[]) => Promise<void>,
  ): Promise<BatchResult<ReservationReceipt>[]> {
    await tx.query(`SAVEPOINT ${RESERVE_SAVEPOINT}`);
    const optimistic = await select<
      ExistingColumns & { ord: number; all_fit: boolean; reservation_id: string | null }
    >(tx, RESERVE_OPTIMISTIC_SQL, this.reserveParams(batch, false));
    if (optimistic.length > 0 && optimistic[0].all_fit) {
      const results = await assemble(
        optimistic.map((row) => ({
          ...row,
          account_found: true,
          status: 'active',
          currency: batch[row.ord].currency,
          accepted: true,
        })),
      );
      await beforeDebit(results);
      const written = optimistic.filter((row) => row.reservation_id !== null).map((row) => batch[row.ord]);
      const [accountIds, totals] = totalsByAccount(written);
      const [{ changed }] =
        accountIds.length === 0
          ? [{ changed: 0 }]
          : await select<{ changed: number }>(tx, accountDeltaSql('reserve'), [accountIds, totals]);
      if (changed === accountIds.length) {
        await tx.query(`RELEASE SAVEPOINT ${RESERVE_SAVEPOINT}`);
        return results;
      }
    }
    await tx.query(`ROLLBACK TO SAVEPOINT ${RESERVE_SAVEPOINT}`);
    await tx.query(`RELEASE SAVEPOINT ${RESERVE_SAVEPOINT}`);
    const results = await assemble(
      await select<ReserveRow>(tx, RESERVE_LOCKED_SQL, this.reserveParams(batch, true)),
    );
    await beforeDebit(results);
    return results;
  }

  private reserveParams(batch: readonly ValidReserve[], locked: boolean): unknown[] {
    const params: unknown[] = [
      batch.map((_, ord) => ord),
      column(batch, (item) => item.key),
      column(batch, (item) => item.accountId),
      column(batch, (item) => item.currency),
      column(batch, (item) => item.amount.toString()),
      column(batch, (item) => item.segments),
      column(batch, (item) => item.messageRef),
      column(batch, (item) => item.providerId),
      column(batch, (item) => item.cost?.toString() ?? null),
      column(batch, (item) => item.destinationPrefix),
      column(batch, (item) => item.country),
      column(batch, (item) => item.expiresAt?.toISOString() ?? null),
      this.reservationTtlMs,
    ];
    if (locked) params.push([...new Set(batch.map((item) => item.accountId))].sort());
    return params;
  }

  /** Captures one reservation (the provider accepted the message); throws the typed error of a refusal. */
  async post(tx: BillingTx, request: PostRequest): Promise<ResolutionReceipt> {
    const [result] = await this.postBatch(tx, [request]);
    return unwrap(result);
  }

  /** Releases one reservation (rejection, no route, expiry before sending, cancel, refund by policy). */
  async void(tx: BillingTx, request: VoidRequest): Promise<ResolutionReceipt> {
    const [result] = await this.voidBatch(tx, [request]);
    return unwrap(result);
  }

  /**
   * Captures reservations: balance and reserved both go down by the frozen amount; the provider and cost, when
   * given, replace the reserved ones. Posting an already posted reservation with the same provider and cost is a
   * no-op success; with a different one it is IDEMPOTENCY_CONFLICT; a voided or expired one is ALREADY_RESOLVED.
   */
  async postBatch(
    tx: BillingTx,
    requests: readonly PostRequest[],
  ): Promise<BatchResult<ResolutionReceipt>[]> {
    const items = requests.map((request, index) => validatePost(request, index));
    return this.resolveBatch(tx, 'post', items);
  }

  /** Releases reservations: reserved goes down by the amount. Voiding a voided reservation is a no-op success. */
  async voidBatch(
    tx: BillingTx,
    requests: readonly VoidRequest[],
  ): Promise<BatchResult<ResolutionReceipt>[]> {
    const items = requests.map((request, index) => ({
      reservationId: requireUuid(request.reservationId, `requests[${index}].reservationId`),
      providerId: null,
      costPerSegment: null,
    }));
    return this.resolveBatch(tx, 'void', items);
  }

  private async resolveBatch(
    tx: BillingTx,
    kind: 'post' | 'void',
    items: readonly ValidPost[],
  ): Promise<BatchResult<ResolutionReceipt>[]> {
    if (items.length === 0) return [];
    const firstById = new Map<string, ValidPost>();
    for (const item of items) if (!firstById.has(item.reservationId)) firstById.set(item.reservationId, item);
    const unique = [...firstById.values()];
    const resolved = await inTransaction(tx, (inner) =>
      this.resolve(inner, kind, 'requested', [
        unique.map((item) => item.reservationId),
        column(unique, (item) => item.providerId),
        column(unique, (item) => item.costPerSegment?.toString() ?? null),
      ]),
    );
    const done = new Map(resolved.map((row) => [row.reservationId, row]));
    const pendingIds = unique.map((item) => item.reservationId).filter((id) => !done.has(id));
    const current = new Map(
      pendingIds.length === 0
        ? []
        : (
            await select<{
              id: string;
              account_id: string;
              amount: string;
              status: ReservationStatus;
              provider_id: string | null;
              cost: string | null;
              segments: number;
            }>(
              tx,
              `SELECT id, account_id, amount::text, status, provider_id, cost::text, segments
               FROM reservations WHERE id = ANY($1::uuid[])`,
              [pendingIds],
            )
          ).map((row) => [row.id, row]),
    );
    return items.map((item): BatchResult<ResolutionReceipt> => {
      const first = firstById.get(item.reservationId) as ValidPost;
      const repeated = first !== item;
      if (
        repeated &&
        (item.providerId !== first.providerId || item.costPerSegment !== first.costPerSegment)
      ) {
        return failure(
          new IdempotencyConflictError(
            `${kind}:${item.reservationId}`,
            'earlier in the same batch with another provider or cost',
          ),
        );
      }
      const row = done.get(item.reservationId);
      if (row !== undefined) return { ok: true, ...row, replayed: repeated };
      const reservation = current.get(item.reservationId);
      if (reservation === undefined) return failure(new ReservationNotFoundError(item.reservationId));
      if (reservation.status === 'pending') {
        // `target` waits for any concurrent resolver of the row, so a pending row would have been resolved above.
        throw new Error(`reservation ${item.reservationId} is still pending after being resolved`);
      }
      if (reservation.status !== STATUS_AFTER[kind]) {
        return failure(new ReservationAlreadyResolvedError(item.reservationId, reservation.status, kind));
      }
      const providerDiffers = item.providerId !== null && item.providerId !== reservation.provider_id;
      const costDiffers =
        item.costPerSegment !== null &&
        (reservation.cost === null ||
          BigInt(reservation.cost) !== item.costPerSegment * BigInt(reservation.segments));
      if (providerDiffers || costDiffers) {
        return failure(
          new IdempotencyConflictError(
            `${kind}:${item.reservationId}`,
            `posted before with provider ${reservation.provider_id ?? 'none'} and cost ${reservation.cost ?? 'none'}`,
          ),
        );
      }
      return {
        ok: true,
        reservationId: reservation.id,
        accountId: reservation.account_id,
        amount: BigInt(reservation.amount),
        replayed: true,
      };
    });
  }

  /** Resolves reservations and writes their entries, then moves their accounts; inside a transaction. */
  private async resolve(
    tx: BillingTx,
    kind: Resolution,
    source: 'requested' | 'due',
    params: unknown[],
  ): Promise<{ reservationId: string; accountId: string; amount: bigint }[]> {
    const resolved = (
      await select<{ reservation_id: string; account_id: string; amount: string }>(
        tx,
        resolutionSql(kind, source),
        params,
      )
    ).map((row) => ({
      reservationId: row.reservation_id,
      accountId: row.account_id,
      amount: BigInt(row.amount),
    }));
    if (resolved.length > 0) await select(tx, accountDeltaSql(kind), totalsByAccount(resolved));
    return resolved;
  }

  /**
   * Expires up to `limit` reservations still pending at `now` past their `expires_at` (a crash left them
   * unresolved), releasing their money with one `expire` entry each, in its own transaction. FOR UPDATE SKIP
   * LOCKED lets several sweepers run at once without taking the same reservation.
   */
  async sweepExpired(now: Date, limit: number): Promise<SweepResult> {
    requireDate(now, 'now');
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidBillingRequestError(`limit must be a positive integer, got ${limit}`);
    }
    const expired = await inTransaction(this.dataSource.manager, (tx) =>
      this.resolve(tx, 'expire', 'due', [now.toISOString(), limit]),
    );
    return { expired };
  }
}

function describeEntry(entry: ExistingEntry): string {
  return `${entry.kind} of ${entry.amount} on account ${entry.account_id}`;
}

function replayReserve(item: ValidReserve, entry: ExistingEntry): BatchResult<ReservationReceipt> {
  if (
    entry.kind !== 'reserve' ||
    entry.account_id !== item.accountId ||
    BigInt(entry.amount) !== item.amount
  ) {
    return failure(new IdempotencyConflictError(item.key, describeEntry(entry)));
  }
  return {
    ok: true,
    reservationId: entry.reservation_id as string,
    accountId: item.accountId,
    amount: item.amount,
    replayed: true,
  };
}

function optionalText(value: string | null | undefined, field: string): string | null {
  return value === undefined || value === null ? null : requireText(value, field);
}

function validateReserve(request: ReserveRequest, index: number): ValidReserve {
  const at = `requests[${index}]`;
  const segments = request.segments;
  const amount = requireAmount(
    rateMessage(segments, requireAmount(request.pricePerSegment, `${at}.pricePerSegment`, 0n)),
    `${at} amount (segments × price)`,
    0n,
  );
  const costPerSegment =
    request.costPerSegment === undefined || request.costPerSegment === null
      ? null
      : requireAmount(request.costPerSegment, `${at}.costPerSegment`, 0n);
  return {
    key: requireKey(request.idempotencyKey, `${at}.idempotencyKey`),
    accountId: requireUuid(request.accountId, `${at}.accountId`),
    currency: requireCurrency(request.currency),
    amount,
    segments,
    messageRef: optionalText(request.messageRef, `${at}.messageRef`),
    providerId: optionalText(request.providerId, `${at}.providerId`),
    cost:
      costPerSegment === null ? null : requireAmount(rateMessage(segments, costPerSegment), `${at} cost`, 0n),
    destinationPrefix: optionalText(request.destinationPrefix, `${at}.destinationPrefix`),
    country: optionalText(request.country, `${at}.country`),
    expiresAt: optionalDate(request.expiresAt, `${at}.expiresAt`) ?? null,
  };
}

function validatePost(request: PostRequest, index: number): ValidPost {
  const at = `requests[${index}]`;
  return {
    reservationId: requireUuid(request.reservationId, `${at}.reservationId`),
    providerId: optionalText(request.providerId, `${at}.providerId`),
    costPerSegment:
      request.costPerSegment === undefined
        ? null
        : requireAmount(request.costPerSegment, `${at}.costPerSegment`, 0n),
  };
}
