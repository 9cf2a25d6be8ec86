import { useTestDatabase } from '@app/testing';
import type { EntityManager } from 'typeorm';
import { InsufficientFundsError } from './billing.errors';
import { LedgerRepository } from './ledger.repository';
import type { BatchResult, ReservationReceipt } from './ledger.types';
import { reconcile } from './reconciliation';
import { createAccount, reserveRequest } from './testing/ledger-fixtures';

// Generous: 1,000 transactions on one hot row take seconds on a loaded machine; nothing here asserts on time.
jest.setTimeout(60_000);

const CONNECTIONS = 50;
const PRICE = 1_000n;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Deterministic shuffle (a fixed LCG), so that a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let i = result.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

describe('LedgerRepository under concurrency (Postgres, 50 connections)', () => {
  const db = useTestDatabase({ poolSize: CONNECTIONS });
  let ledger: LedgerRepository;
  /** Every batch on the fast path (the default repository takes it from 50 requests on). */
  let fastLedger: LedgerRepository;
  /** Every batch on the locked path. */
  let lockedLedger: LedgerRepository;
  beforeAll(() => {
    ledger = new LedgerRepository(db.dataSource);
    fastLedger = new LedgerRepository(db.dataSource, { fastPathMinBatch: 1 });
    lockedLedger = new LedgerRepository(db.dataSource, { fastPathMinBatch: Number.MAX_SAFE_INTEGER });
  });
  const ledgerFor = (path: string): LedgerRepository => (path === 'fast path' ? fastLedger : lockedLedger);
  /** Runs `run` on chunks of `size` items, each chunk in its own transaction, all at once; results in order. */
  const concurrently = async <T, R>(
    items: readonly T[],
    size: number,
    run: (manager: EntityManager, batch: T[]) => Promise<R[]>,
  ): Promise<R[]> =>
    (
      await Promise.all(
        chunk(items, size).map((batch) => db.dataSource.transaction((manager) => run(manager, batch))),
      )
    ).flat();

  it('1,000 concurrent single reservations against money for exactly 500: 500 succeed, then posting all empties it', async () => {
    const account = await createAccount(ledger, db.dataSource, { balance: 500n * PRICE });
    const outcomes = await Promise.all(
      Array.from({ length: 1_000 }, (_, n) =>
        db.dataSource
          .transaction((manager) => ledger.reserve(manager, reserveRequest(account, `single-${n}`, PRICE)))
          .then(
            (receipt) => ({ ok: true as const, receipt }),
            (error: unknown) => ({ ok: false as const, error }),
          ),
      ),
    );
    const reserved = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.receipt] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
    expect(reserved).toHaveLength(500);
    expect(refused).toHaveLength(500);
    for (const error of refused) expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(await ledger.getAccount(db.dataSource.manager, account.id)).toMatchObject({
      balance: 500n * PRICE,
      reserved: 500n * PRICE,
      available: 0n,
    });

    await concurrently(reserved, 10, (manager, receipts) =>
      ledger.postBatch(
        manager,
        receipts.map((receipt) => ({ reservationId: receipt.reservationId })),
      ),
    );
    expect(await ledger.getAccount(db.dataSource.manager, account.id)).toMatchObject({
      balance: 0n,
      reserved: 0n,
    });
  });

  it.each(['fast path', 'locked path'])(
    'concurrent batches (%s) against money for exactly 500 of 1,000 messages: 500 succeed',
    async (path) => {
      const ledger = ledgerFor(path);
      const account = await createAccount(ledger, db.dataSource, { balance: 500n * PRICE });
      const requests = Array.from({ length: 1_000 }, (_, n) =>
        reserveRequest(account, `batch-${path}-${n}`, PRICE),
      );
      const results = await concurrently(requests, 40, (manager, batch) =>
        ledger.reserveBatch(manager, batch),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(500);
      expect(results.filter((result) => !result.ok && result.reason === 'INSUFFICIENT_FUNDS')).toHaveLength(
        500,
      );
      const account2 = await ledger.getAccount(db.dataSource.manager, account.id);
      expect(account2.balance - account2.reserved).toBe(0n);

      const receipts = results.flatMap((result) => (result.ok ? [result] : []));
      // Every reservation twice, from different concurrent batches: each is still posted exactly once.
      const postResults = await concurrently(shuffled([...receipts, ...receipts], 7), 25, (manager, batch) =>
        ledger.postBatch(
          manager,
          batch.map((receipt) => ({ reservationId: receipt.reservationId })),
        ),
      );
      expect(postResults.every((result) => result.ok)).toBe(true);
      expect(postResults.filter((result) => result.ok && !result.replayed)).toHaveLength(500);
      expect(await ledger.getAccount(db.dataSource.manager, account.id)).toMatchObject({
        balance: 0n,
        reserved: 0n,
      });
    },
  );

  it.each(['fast path', 'locked path'])(
    'concurrent batches (%s) mixing five accounts in random order neither deadlock nor overdraw any of them',
    async (path) => {
      const ledger = ledgerFor(path);
      const accounts = await Promise.all(
        Array.from({ length: 5 }, () => createAccount(ledger, db.dataSource, { balance: 100n * PRICE })),
      );
      const requests = shuffled(
        accounts.flatMap((account, a) =>
          Array.from({ length: 200 }, (_, n) => reserveRequest(account, `mixed-${path}-${a}-${n}`, PRICE)),
        ),
        11,
      );
      const results: BatchResult<ReservationReceipt>[] = await concurrently(requests, 50, (manager, batch) =>
        ledger.reserveBatch(manager, batch),
      );
      for (const account of accounts) {
        const accepted = results.filter((result) => result.ok && result.accountId === account.id);
        expect(accepted).toHaveLength(100);
        expect(await ledger.getAccount(db.dataSource.manager, account.id)).toMatchObject({ available: 0n });
      }
    },
  );

  it.each(['fast path', 'locked path'])(
    'the same key reserved by 20 concurrent callers (%s) is written once and replayed 19 times',
    async (path) => {
      const ledger = ledgerFor(path);
      const account = await createAccount(ledger, db.dataSource, { balance: 100n * PRICE });
      const receipts = await Promise.all(
        Array.from({ length: 20 }, () =>
          db.dataSource.transaction((manager) =>
            ledger.reserve(manager, reserveRequest(account, `racy-key-${path}`, PRICE)),
          ),
        ),
      );
      expect(new Set(receipts.map((receipt) => receipt.reservationId)).size).toBe(1);
      expect(receipts.filter((receipt) => !receipt.replayed)).toHaveLength(1);
      expect((await ledger.getAccount(db.dataSource.manager, account.id)).reserved).toBe(PRICE);
    },
  );

  it('two concurrent sweepers expire each expired reservation exactly once', async () => {
    const account = await createAccount(ledger, db.dataSource, { balance: 300n * PRICE });
    const expiresAt = new Date(Date.now() - 1_000);
    const held = await fastLedger.reserveBatch(
      db.dataSource.manager,
      Array.from({ length: 300 }, (_, n) => reserveRequest(account, `sweep-${n}`, PRICE, { expiresAt })),
    );
    expect(held.every((result) => result.ok)).toBe(true);
    const now = new Date();
    const sweeper = async (): Promise<string[]> => {
      const taken: string[] = [];
      for (let round = 0; round < 100; round++) {
        const { expired } = await ledger.sweepExpired(now, 20);
        if (expired.length === 0) break;
        taken.push(...expired.map((entry) => entry.reservationId));
      }
      return taken;
    };
    const [first, second] = await Promise.all([sweeper(), sweeper()]);
    const all = [...first, ...second];
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    const [counts] = await db.dataSource.query<{ entries: number; reservations: number }[]>(
      `SELECT (SELECT count(*) FROM ledger_entries WHERE kind = 'expire' AND account_id = $1)::int AS entries,
              (SELECT count(*) FROM reservations WHERE status = 'expired' AND account_id = $1)::int AS reservations`,
      [account.id],
    );
    expect(counts).toEqual({ entries: 300, reservations: 300 });
    expect(await ledger.getAccount(db.dataSource.manager, account.id)).toMatchObject({
      balance: 300n * PRICE,
      reserved: 0n,
    });
  });

  it('leaves a ledger that reconciles after all of the above', async () => {
    const report = await reconcile(db.dataSource);
    expect(report.differences).toEqual([]);
  });
});
