import type { AccountStatus, LedgerEntryKind, ReservationStatus } from '@app/database';
import type { DataSource } from 'typeorm';
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
  MarginQuery,
  MarginRow,
  OpenAccountRequest,
  PostRequest,
  ReservationReceipt,
  ReserveRequest,
  ResolutionReceipt,
  SweepResult,
  TopUpRequest,
  VoidRequest,
} from './ledger.types';
import { rateMessage } from './rating';

export interface LedgerRepositoryOptions {
  /** How long a reservation may stay pending before the sweeper expires it (default 72 h). */
  readonly reservationTtlMs?: number;
}

/** Longer than any provider's DLR validity period (SMPP validity is commonly capped at 48-72 h). */
const DEFAULT_RESERVATION_TTL_MS = 72 * 60 * 60 * 1000;

type Resolution = Extract<LedgerEntryKind, 'post' | 'void' | 'expire'>;

const STATUS_AFTER: Record<Resolution, ReservationStatus> = {
  post: 'posted',
  void: 'voided',
  expire: 'expired',
};

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

function rows<T>(result: unknown): T[] {
  if (!Array.isArray(result)) throw new Error('expected rows from a SELECT statement');
  return result as T[];
}

async function select<T>(tx: BillingTx, sql: string, params: unknown[] = []): Promise<T[]> {
  return rows<T>(await tx.query(sql, params));
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

/**
 * The Postgres ledger. Every change of an account is one conditional statement that locks the account row, checks
 * the available money and writes the entries it implies, so no interleaving of callers can overdraw an account or
 * leave the cached balance apart from the ledger; `CHK_accounts_no_overdraft` is the backstop. Accounts are always
 * locked in id order, so batches touching several accounts cannot deadlock each other.
 *
 * Idempotency: `ledger_entries.idempotency_key` is unique over all kinds. topup, adjust and reserve use the
 * caller's key; post, void and expire use `<kind>:<reservation id>`, one resolution per reservation.
 */
export class LedgerRepository {
  private readonly reservationTtlMs: number;

  constructor(
    private readonly dataSource: DataSource,
    options: LedgerRepositoryOptions = {},
  ) {
    const ttl = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
    if (!Number.isSafeInteger(ttl) || ttl <= 0) {
      throw new InvalidBillingRequestError(`reservationTtlMs must be a positive integer, got ${ttl}`);
    }
    this.reservationTtlMs = ttl;
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
    }>(
      tx,
      `WITH existing AS (
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
       LEFT JOIN credited ON true`,
      [accountId, amount.toString(), key, currency, kind, reason],
    );
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
      `SELECT id, idempotency_key, kind, account_id, amount::text, reservation_id
       FROM ledger_entries WHERE idempotency_key = ANY($1::text[])`,
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
   * tenant costs one row lock per batch, not per message. Results are in input order. Input that is malformed
   * throws InvalidBillingRequestError before anything is written.
   */
  async reserveBatch(
    tx: BillingTx,
    requests: readonly ReserveRequest[],
  ): Promise<BatchResult<ReservationReceipt>[]> {
    const items = requests.map((request, index) => validateReserve(request, index));
    const results = new Array<BatchResult<ReservationReceipt> | undefined>(items.length);
    if (items.length === 0) return [];

    const existing = new Map(
      (await this.entriesByKey(tx, [...new Set(items.map((item) => item.key))])).map((e) => [
        e.idempotency_key,
        e,
      ]),
    );
    const firstByKey = new Map<string, number>();
    const fresh: number[] = [];
    const duplicates: number[] = [];
    items.forEach((item, index) => {
      const entry = existing.get(item.key);
      if (entry !== undefined) {
        results[index] = replayReserve(item, entry);
      } else if (firstByKey.has(item.key)) {
        duplicates.push(index);
      } else {
        firstByKey.set(item.key, index);
        fresh.push(index);
      }
    });

    if (fresh.length > 0) {
      const batch = fresh.map((index) => items[index]);
      const accountIds = [...new Set(batch.map((item) => item.accountId))].sort();
      const outcome = await select<{
        ord: number;
        account_found: boolean;
        status: AccountStatus | null;
        currency: string | null;
        accepted: boolean;
        reservation_id: string | null;
      }>(tx, RESERVE_BATCH_SQL, [
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
        accountIds,
        this.reservationTtlMs,
      ]);
      const lost: number[] = [];
      for (const row of outcome) {
        const index = fresh[row.ord];
        const item = items[index];
        if (row.reservation_id !== null) {
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
    const resolved = await select<{ reservation_id: string; account_id: string; amount: string }>(
      tx,
      resolutionSql(kind, 'requested'),
      [
        unique.map((item) => item.reservationId),
        column(unique, (item) => item.providerId),
        column(unique, (item) => item.costPerSegment?.toString() ?? null),
      ],
    );
    const done = new Map(resolved.map((row) => [row.reservation_id, row]));
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
      if (row !== undefined) {
        return {
          ok: true,
          reservationId: row.reservation_id,
          accountId: row.account_id,
          amount: BigInt(row.amount),
          replayed: repeated,
        };
      }
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

  /**
   * Expires up to `limit` reservations still pending at `now` past their `expires_at` (a crash left them
   * unresolved), releasing their money with one `expire` entry each. Runs as one statement in its own
   * transaction; FOR UPDATE SKIP LOCKED lets several sweepers run at once without taking the same reservation.
   */
  async sweepExpired(now: Date, limit: number): Promise<SweepResult> {
    requireDate(now, 'now');
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidBillingRequestError(`limit must be a positive integer, got ${limit}`);
    }
    const expired = await select<{ reservation_id: string; account_id: string; amount: string }>(
      this.dataSource.manager,
      resolutionSql('expire', 'due'),
      [now.toISOString(), limit],
    );
    return {
      expired: expired.map((row) => ({
        reservationId: row.reservation_id,
        accountId: row.account_id,
        amount: BigInt(row.amount),
      })),
    };
  }

  /** Revenue, provider cost and margin of posted messages per tenant, provider and destination prefix. */
  async marginReport(tx: BillingTx, query: MarginQuery): Promise<MarginRow[]> {
    requireDate(query.from, 'from');
    requireDate(query.to, 'to');
    const tenantId = query.tenantId === undefined ? null : requireUuid(query.tenantId, 'tenantId');
    const found = await select<{
      tenant_id: string;
      currency: string;
      provider_id: string | null;
      destination_prefix: string | null;
      messages: string;
      segments: string;
      revenue: string;
      cost: string;
      messages_without_cost: string;
    }>(
      tx,
      `SELECT a.tenant_id, a.currency, r.provider_id, r.destination_prefix,
              count(*)::text AS messages, sum(r.segments)::text AS segments,
              sum(r.amount)::text AS revenue, coalesce(sum(r.cost), 0)::text AS cost,
              count(*) FILTER (WHERE r.cost IS NULL)::text AS messages_without_cost
       FROM reservations r JOIN accounts a ON a.id = r.account_id
       WHERE r.status = 'posted' AND r.created_at >= $1 AND r.created_at < $2
         AND ($3::uuid IS NULL OR a.tenant_id = $3)
         AND ($4::text IS NULL OR r.provider_id = $4)
         AND ($5::text IS NULL OR starts_with(r.destination_prefix, $5))
       GROUP BY a.tenant_id, a.currency, r.provider_id, r.destination_prefix
       ORDER BY a.tenant_id, r.provider_id NULLS LAST, r.destination_prefix NULLS LAST`,
      [
        query.from.toISOString(),
        query.to.toISOString(),
        tenantId,
        query.providerId ?? null,
        query.destinationPrefix ?? null,
      ],
    );
    return found.map((row) => {
      const revenue = BigInt(row.revenue);
      const cost = BigInt(row.cost);
      return {
        tenantId: row.tenant_id,
        currency: row.currency,
        providerId: row.provider_id,
        destinationPrefix: row.destination_prefix,
        messages: Number(row.messages),
        segments: Number(row.segments),
        revenue,
        cost,
        margin: revenue - cost,
        messagesWithoutCost: Number(row.messages_without_cost),
      };
    });
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

/*
 * One statement for a whole batch. `locked` takes every account row of the batch in id order (FOR NO KEY UPDATE:
 * in READ COMMITTED it returns the newest committed version, waiting for a concurrent writer), so `available` is
 * exact while the statement runs; per account the running sum in input order decides which messages fit; only the
 * reservations actually inserted (ON CONFLICT skips a key a concurrent caller committed) are added to `reserved`
 * and get a `reserve` entry.
 */
const RESERVE_BATCH_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::int[], $2::text[], $3::uuid[], $4::text[], $5::bigint[], $6::int[], $7::text[], $8::text[],
                       $9::bigint[], $10::text[], $11::text[], $12::timestamptz[])
    AS i(ord, idempotency_key, account_id, currency, amount, segments, message_ref, provider_id, cost,
         destination_prefix, country, expires_at)
),
locked AS MATERIALIZED (
  SELECT a.id, a.status, a.currency, a.balance - a.reserved + a.credit_limit AS available
  FROM accounts a WHERE a.id = ANY($13::uuid[])
  ORDER BY a.id
  FOR NO KEY UPDATE
),
accepted AS MATERIALIZED (
  SELECT * FROM (
    SELECT i.*, l.available,
           sum(i.amount) OVER (PARTITION BY i.account_id ORDER BY i.ord) AS running_total
    FROM input i JOIN locked l ON l.id = i.account_id
    WHERE l.status = 'active' AND l.currency = i.currency
  ) eligible
  WHERE running_total <= available
),
inserted AS (
  INSERT INTO reservations (account_id, idempotency_key, amount, segments, message_ref, provider_id, cost,
                            destination_prefix, country, expires_at)
  SELECT account_id, idempotency_key, amount, segments, message_ref, provider_id, cost, destination_prefix, country,
         coalesce(expires_at, now() + $14::bigint * interval '1 millisecond')
  FROM accepted ORDER BY ord
  ON CONFLICT ON CONSTRAINT "UQ_reservations_idempotency_key" DO NOTHING
  RETURNING id, account_id, idempotency_key, amount
),
debited AS (
  UPDATE accounts a SET reserved = a.reserved + t.total, updated_at = now()
  FROM (SELECT account_id, sum(amount) AS total FROM inserted GROUP BY account_id) t
  WHERE a.id = t.account_id
  RETURNING a.id
),
entries AS (
  INSERT INTO ledger_entries (account_id, kind, amount, idempotency_key, reservation_id)
  SELECT account_id, 'reserve', amount, idempotency_key, id FROM inserted
  RETURNING id
)
SELECT i.ord, l.id IS NOT NULL AS account_found, l.status, l.currency::text AS currency,
       acc.ord IS NOT NULL AS accepted, ins.id AS reservation_id
FROM input i
LEFT JOIN locked l ON l.id = i.account_id
LEFT JOIN accepted acc ON acc.ord = i.ord
LEFT JOIN inserted ins ON ins.idempotency_key = i.idempotency_key
ORDER BY i.ord`;

/*
 * Resolves reservations in one statement: `target` locks the pending ones (in id order, or SKIP LOCKED for the
 * sweeper), their accounts are locked in id order, the status changes pending -> posted/voided/expired exactly once
 * (a concurrent resolver of the same row waits and then finds it no longer pending), the accounts move by the
 * summed amounts, and each gets its resolution entry, unique per reservation (UQ_ledger_entries_resolution).
 */
function resolutionSql(kind: Resolution, source: 'requested' | 'due'): string {
  const target =
    source === 'requested'
      ? `input AS (
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS i(reservation_id, provider_id, cost_per_segment)
         ),
         target AS MATERIALIZED (
           SELECT r.id, r.account_id, i.provider_id, i.cost_per_segment
           FROM reservations r JOIN input i ON i.reservation_id = r.id
           WHERE r.status = 'pending'
           ORDER BY r.id
           FOR UPDATE OF r
         )`
      : `target AS MATERIALIZED (
           SELECT r.id, r.account_id, NULL::text AS provider_id, NULL::bigint AS cost_per_segment
           FROM reservations r
           WHERE r.status = 'pending' AND r.expires_at <= $1::timestamptz
           ORDER BY r.expires_at, r.id
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         )`;
  const balance = kind === 'post' ? 'balance = a.balance - s.total,' : '';
  return `
WITH ${target},
locked_accounts AS MATERIALIZED (
  SELECT a.id FROM accounts a
  WHERE a.id IN (SELECT account_id FROM target)
  ORDER BY a.id
  FOR NO KEY UPDATE
),
resolved AS (
  UPDATE reservations r
  SET status = '${STATUS_AFTER[kind]}', resolved_at = now(),
      provider_id = coalesce(t.provider_id, r.provider_id),
      cost = coalesce(t.cost_per_segment * r.segments, r.cost)
  FROM target t
  WHERE r.id = t.id AND r.status = 'pending'
  RETURNING r.id, r.account_id, r.amount
),
moved AS (
  UPDATE accounts a SET ${balance} reserved = a.reserved - s.total, updated_at = now()
  FROM (SELECT account_id, sum(amount) AS total FROM resolved GROUP BY account_id) s
  JOIN locked_accounts l ON l.id = s.account_id
  WHERE a.id = s.account_id
  RETURNING a.id
),
entries AS (
  INSERT INTO ledger_entries (account_id, kind, amount, idempotency_key, reservation_id)
  SELECT account_id, '${kind}', amount, '${kind}:' || id, id FROM resolved
  RETURNING id
)
SELECT id AS reservation_id, account_id, amount::text FROM resolved ORDER BY id`;
}
