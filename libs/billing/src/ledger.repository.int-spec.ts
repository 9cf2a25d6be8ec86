import type { QueryRunner } from 'typeorm';
import { useTestDatabase } from '@app/testing';
import {
  AccountInactiveError,
  AccountNotFoundError,
  CurrencyMismatchError,
  IdempotencyConflictError,
  InsufficientFundsError,
  InvalidBillingRequestError,
  ReservationAlreadyResolvedError,
  ReservationNotFoundError,
} from './billing.errors';
import { LedgerRepository } from './ledger.repository';
import { marginReport } from './margin-report';
import { reconcile } from './reconciliation';
import { createAccount, createTenant, ensureProvider, reserveRequest } from './testing/ledger-fixtures';

describe('LedgerRepository (Postgres)', () => {
  const db = useTestDatabase();
  let ledger: LedgerRepository;
  beforeAll(() => {
    ledger = new LedgerRepository(db.dataSource);
  });
  const tx = () => db.dataSource.manager;

  describe('accounts', () => {
    it('opens one account per tenant and returns the same one when opened again', async () => {
      const tenantId = await createTenant(db.dataSource);
      const first = await ledger.openAccount(tx(), { tenantId, currency: 'EUR', creditLimit: 5_000n });
      const again = await ledger.openAccount(tx(), { tenantId, currency: 'EUR' });
      expect(again.id).toBe(first.id);
      expect(first).toMatchObject({ balance: 0n, reserved: 0n, creditLimit: 5_000n, available: 5_000n });
      await expect(ledger.openAccount(tx(), { tenantId, currency: 'USD' })).rejects.toBeInstanceOf(
        CurrencyMismatchError,
      );
      expect(await ledger.findAccountByTenant(tx(), tenantId)).toMatchObject({ id: first.id });
    });

    it('reports an unknown account with a typed error', async () => {
      await expect(ledger.getAccount(tx(), '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
        AccountNotFoundError,
      );
    });
  });

  describe('top-up and adjust', () => {
    it('credits once per key: same key and amount is a no-op success, another amount or kind is an error', async () => {
      const account = await createAccount(ledger, db.dataSource);
      const request = { accountId: account.id, currency: 'EUR', amount: 1_500_000n, idempotencyKey: 'pay-1' };
      const first = await ledger.topUp(tx(), request);
      const retry = await ledger.topUp(tx(), request);
      expect(first.replayed).toBe(false);
      expect(retry).toEqual({ ...first, replayed: true });
      await expect(ledger.topUp(tx(), { ...request, amount: 1_500_001n })).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      await expect(
        ledger.adjust(tx(), { ...request, reason: 'same key, other kind' }),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect((await ledger.getAccount(tx(), account.id)).balance).toBe(1_500_000n);
    });

    it('adjusts up and down with a reason, never below the available money, once per key', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 1_000n });
      const down = {
        accountId: account.id,
        currency: 'EUR',
        amount: -400n,
        reason: 'refund',
        idempotencyKey: 'adj-1',
      };
      await ledger.adjust(tx(), down);
      expect((await ledger.adjust(tx(), down)).replayed).toBe(true);
      await expect(ledger.adjust(tx(), { ...down, amount: -401n })).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      await expect(
        ledger.adjust(tx(), { ...down, amount: -601n, idempotencyKey: 'adj-2' }),
      ).rejects.toBeInstanceOf(InsufficientFundsError);
      await ledger.adjust(tx(), { ...down, amount: 50n, idempotencyKey: 'adj-3', reason: 'goodwill' });
      const reasons = await db.dataSource.query<{ reason: string }[]>(
        `SELECT reason FROM ledger_entries WHERE account_id = $1 AND kind = 'adjust' ORDER BY id`,
        [account.id],
      );
      expect(reasons.map((row) => row.reason)).toEqual(['refund', 'goodwill']);
      expect((await ledger.getAccount(tx(), account.id)).balance).toBe(650n);
    });

    it('refuses malformed requests before touching the database, keeping the caller transaction usable', async () => {
      const account = await createAccount(ledger, db.dataSource);
      await db.dataSource.transaction(async (manager) => {
        const base = { accountId: account.id, currency: 'EUR', amount: 1n, idempotencyKey: 'k' };
        await expect(ledger.topUp(manager, { ...base, accountId: 'not-a-uuid' })).rejects.toBeInstanceOf(
          InvalidBillingRequestError,
        );
        await expect(ledger.topUp(manager, { ...base, amount: 0n })).rejects.toBeInstanceOf(
          InvalidBillingRequestError,
        );
        await expect(ledger.topUp(manager, { ...base, amount: 2n ** 63n })).rejects.toBeInstanceOf(
          InvalidBillingRequestError,
        );
        await expect(ledger.topUp(manager, { ...base, currency: 'eur' })).rejects.toBeInstanceOf(
          InvalidBillingRequestError,
        );
        await expect(ledger.topUp(manager, { ...base, idempotencyKey: '' })).rejects.toBeInstanceOf(
          InvalidBillingRequestError,
        );
        await expect(ledger.adjust(manager, { ...base, reason: ' ' })).rejects.toBeInstanceOf(
          InvalidBillingRequestError,
        );
        await expect(ledger.topUp(manager, { ...base, currency: 'USD' })).rejects.toBeInstanceOf(
          CurrencyMismatchError,
        );
        await ledger.topUp(manager, base);
      });
      expect((await ledger.getAccount(tx(), account.id)).balance).toBe(1n);
    });
  });

  describe('reserve', () => {
    it('freezes segments × price, holds it in reserved, and replays the same key', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 10_000n });
      const request = reserveRequest(account, 'msg-1', 3_750n, { segments: 2, destinationPrefix: '4915' });
      const first = await ledger.reserve(tx(), request);
      expect(first).toMatchObject({ amount: 7_500n, replayed: false });
      expect(await ledger.reserve(tx(), request)).toEqual({ ...first, replayed: true });
      await expect(ledger.reserve(tx(), { ...request, segments: 1 })).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      const other = await createAccount(ledger, db.dataSource, { balance: 10_000n });
      await expect(ledger.reserve(tx(), { ...request, accountId: other.id })).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      expect(await ledger.getAccount(tx(), account.id)).toMatchObject({
        balance: 10_000n,
        reserved: 7_500n,
        available: 2_500n,
      });
    });

    it('never takes more than the available money; a credit limit lets the balance go below zero', async () => {
      const prepaid = await createAccount(ledger, db.dataSource, { balance: 100n });
      await expect(ledger.reserve(tx(), reserveRequest(prepaid, 'p-1', 101n))).rejects.toBeInstanceOf(
        InsufficientFundsError,
      );
      await ledger.reserve(tx(), reserveRequest(prepaid, 'p-2', 100n));

      const postpaid = await createAccount(ledger, db.dataSource, { creditLimit: 500n });
      const held = await ledger.reserve(tx(), reserveRequest(postpaid, 'pp-1', 500n));
      await expect(ledger.reserve(tx(), reserveRequest(postpaid, 'pp-2', 1n))).rejects.toBeInstanceOf(
        InsufficientFundsError,
      );
      await ledger.post(tx(), { reservationId: held.reservationId });
      expect(await ledger.getAccount(tx(), postpaid.id)).toMatchObject({
        balance: -500n,
        reserved: 0n,
        available: 0n,
      });
    });

    it('refuses unknown, inactive and other-currency accounts and malformed requests with typed errors', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 100n });
      await expect(
        ledger.reserve(tx(), {
          ...reserveRequest(account, 'x-1', 1n),
          accountId: '00000000-0000-4000-8000-000000000000',
        }),
      ).rejects.toBeInstanceOf(AccountNotFoundError);
      await expect(
        ledger.reserve(tx(), { ...reserveRequest(account, 'x-2', 1n), currency: 'USD' }),
      ).rejects.toBeInstanceOf(CurrencyMismatchError);
      for (const bad of [
        { segments: 0 },
        { segments: 1.5 },
        { pricePerSegment: -1n },
        { costPerSegment: -1n },
      ]) {
        await expect(
          ledger.reserve(tx(), { ...reserveRequest(account, 'x-3', 1n), ...bad }),
        ).rejects.toBeInstanceOf(InvalidBillingRequestError);
      }
      await db.dataSource.query(`UPDATE accounts SET status = 'suspended' WHERE id = $1`, [account.id]);
      await expect(ledger.reserve(tx(), reserveRequest(account, 'x-4', 1n))).rejects.toBeInstanceOf(
        AccountInactiveError,
      );
    });

    it('writes nothing when the caller rolls its transaction back', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 100n });
      await expect(
        db.dataSource.transaction(async (manager) => {
          await ledger.reserve(manager, reserveRequest(account, 'rollback-1', 60n));
          expect((await ledger.getAccount(manager, account.id)).reserved).toBe(60n);
          throw new Error('caller fails after reserving');
        }),
      ).rejects.toThrow('caller fails after reserving');
      expect((await ledger.getAccount(tx(), account.id)).reserved).toBe(0n);
      const entries = await db.dataSource.query(
        `SELECT 1 FROM ledger_entries WHERE idempotency_key = 'rollback-1'`,
      );
      expect(entries).toHaveLength(0);
    });
  });

  describe('reserveBatch', () => {
    it('accepts, per account and in input order, the messages that fit and refuses the rest', async () => {
      const a = await createAccount(ledger, db.dataSource, { balance: 1_000n });
      const b = await createAccount(ledger, db.dataSource, { balance: 250n });
      const results = await ledger.reserveBatch(tx(), [
        reserveRequest(a, 'b-a1', 300n),
        reserveRequest(b, 'b-b1', 200n),
        reserveRequest(a, 'b-a2', 300n),
        reserveRequest(a, 'b-a3', 300n),
        reserveRequest(b, 'b-b2', 100n),
        reserveRequest(a, 'b-a4', 300n),
        reserveRequest(a, 'b-a5', 50n),
        reserveRequest(b, 'b-b3', 50n),
      ]);
      expect(results.map((result) => (result.ok ? 'ok' : result.reason))).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
        'INSUFFICIENT_FUNDS',
        'INSUFFICIENT_FUNDS',
        'INSUFFICIENT_FUNDS',
        'INSUFFICIENT_FUNDS',
      ]);
      expect(await ledger.getAccount(tx(), a.id)).toMatchObject({ reserved: 900n, available: 100n });
      expect(await ledger.getAccount(tx(), b.id)).toMatchObject({ reserved: 200n, available: 50n });
    });

    it('replays keys already written and repeated within the batch, and flags a repeat with another amount', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 1_000n });
      const [done] = await ledger.reserveBatch(tx(), [reserveRequest(account, 'r-1', 100n)]);
      const results = await ledger.reserveBatch(tx(), [
        reserveRequest(account, 'r-1', 100n),
        reserveRequest(account, 'r-2', 100n),
        reserveRequest(account, 'r-2', 100n),
        reserveRequest(account, 'r-2', 200n),
        reserveRequest(account, 'r-1', 999n),
      ]);
      expect(results[0]).toEqual({ ...done, replayed: true });
      expect(results[1]).toMatchObject({ ok: true, replayed: false });
      expect(results[2]).toEqual({ ...results[1], replayed: true });
      expect(results[3]).toMatchObject({ ok: false, reason: 'IDEMPOTENCY_CONFLICT' });
      expect(results[4]).toMatchObject({ ok: false, reason: 'IDEMPOTENCY_CONFLICT' });
      expect((await ledger.getAccount(tx(), account.id)).reserved).toBe(200n);
      expect(await ledger.reserveBatch(tx(), [])).toEqual([]);
    });

    it('runs beforeDebit in the transaction before the debit, and again with exact results when the fast path fails', async () => {
      await db.dataSource.query(
        'CREATE TABLE IF NOT EXISTS before_debit_probe (key text PRIMARY KEY, ok boolean)',
      );
      const fast = new LedgerRepository(db.dataSource, { fastPathMinBatch: 2 });
      const account = await createAccount(ledger, db.dataSource, { balance: 1_000n });
      const write = async (runner: QueryRunner, keys: string[], results: readonly { ok: boolean }[]) => {
        await runner.query(
          'INSERT INTO before_debit_probe (key, ok) SELECT * FROM unnest($1::text[], $2::boolean[])',
          [keys, results.map((result) => result.ok)],
        );
      };

      // Fast path: one call, made while the account is not yet debited; its rows commit with the reservations.
      const runner = db.dataSource.createQueryRunner();
      await runner.connect();
      const calls: Array<{ oks: boolean[]; reservedBefore: bigint }> = [];
      try {
        await runner.startTransaction();
        await fast.reserveBatch(
          runner,
          [reserveRequest(account, 'bd-1', 100n), reserveRequest(account, 'bd-2', 100n)],
          {
            beforeDebit: async (results) => {
              const [row] = (await runner.query('SELECT reserved::text FROM accounts WHERE id = $1', [
                account.id,
              ])) as { reserved: string }[];
              calls.push({ oks: results.map((result) => result.ok), reservedBefore: BigInt(row.reserved) });
              await write(runner, ['bd-1', 'bd-2'], results);
            },
          },
        );
        await runner.commitTransaction();

        expect(calls).toEqual([{ oks: [true, true], reservedBefore: 0n }]);
        expect(await ledger.getAccount(tx(), account.id)).toMatchObject({ reserved: 200n });

        // The money changes between the fast path's check and its debit: the first call's rows are rolled back
        // and the exact path calls again with the refusals.
        calls.length = 0;
        await runner.startTransaction();
        const results = await fast.reserveBatch(
          runner,
          [reserveRequest(account, 'bd-3', 300n), reserveRequest(account, 'bd-4', 300n)],
          {
            beforeDebit: async (batch) => {
              calls.push({ oks: batch.map((result) => result.ok), reservedBefore: 0n });
              await write(runner, [`bd-3-${calls.length}`, `bd-4-${calls.length}`], batch);
              if (calls.length === 1) {
                await ledger.adjust(tx(), {
                  accountId: account.id,
                  currency: 'EUR',
                  amount: -500n,
                  reason: 'concurrent change',
                  idempotencyKey: 'bd-adjust',
                });
              }
            },
          },
        );
        await runner.commitTransaction();
        expect(calls.map((call) => call.oks)).toEqual([
          [true, true],
          [true, false],
        ]);
        expect(results.map((result) => (result.ok ? 'ok' : result.reason))).toEqual([
          'ok',
          'INSUFFICIENT_FUNDS',
        ]);
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
      const probe = await db.dataSource.query<{ key: string; ok: boolean }[]>(
        'SELECT key, ok FROM before_debit_probe ORDER BY key',
      );
      expect(probe).toEqual([
        { key: 'bd-1', ok: true },
        { key: 'bd-2', ok: true },
        { key: 'bd-3-2', ok: true },
        { key: 'bd-4-2', ok: false },
      ]);
      expect(await ledger.getAccount(tx(), account.id)).toMatchObject({ balance: 500n, reserved: 500n });
    });
  });

  describe('post and void', () => {
    it('posts once: capture moves balance and reserved, records the provider cost, replays, and conflicts', async () => {
      await ensureProvider(db.dataSource, 'infobip');
      await ensureProvider(db.dataSource, 'gatewayapi');
      const account = await createAccount(ledger, db.dataSource, { balance: 10_000n });
      const held = await ledger.reserve(
        tx(),
        reserveRequest(account, 'post-1', 2_000n, {
          segments: 2,
          providerId: 'infobip',
          costPerSegment: 900n,
        }),
      );
      const posted = await ledger.post(tx(), {
        reservationId: held.reservationId,
        providerId: 'gatewayapi',
        costPerSegment: 800n,
      });
      expect(posted).toMatchObject({ amount: 4_000n, replayed: false });
      expect(await ledger.post(tx(), { reservationId: held.reservationId })).toMatchObject({
        replayed: true,
      });
      expect(
        await ledger.post(tx(), {
          reservationId: held.reservationId,
          providerId: 'gatewayapi',
          costPerSegment: 800n,
        }),
      ).toMatchObject({ replayed: true });
      await expect(
        ledger.post(tx(), { reservationId: held.reservationId, costPerSegment: 801n }),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
      await expect(ledger.void(tx(), { reservationId: held.reservationId })).rejects.toBeInstanceOf(
        ReservationAlreadyResolvedError,
      );
      expect(await ledger.getAccount(tx(), account.id)).toMatchObject({ balance: 6_000n, reserved: 0n });
      const [row] = await db.dataSource.query<{ provider_id: string; cost: string; status: string }[]>(
        'SELECT provider_id, cost::text, status FROM reservations WHERE id = $1',
        [held.reservationId],
      );
      expect(row).toEqual({ provider_id: 'gatewayapi', cost: '1600', status: 'posted' });
    });

    it('voids once: releases the money, replays, and refuses a later post', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 1_000n });
      const held = await ledger.reserve(tx(), reserveRequest(account, 'void-1', 700n));
      expect(await ledger.void(tx(), { reservationId: held.reservationId })).toMatchObject({
        replayed: false,
      });
      expect(await ledger.void(tx(), { reservationId: held.reservationId })).toMatchObject({
        replayed: true,
      });
      await expect(ledger.post(tx(), { reservationId: held.reservationId })).rejects.toBeInstanceOf(
        ReservationAlreadyResolvedError,
      );
      expect(await ledger.getAccount(tx(), account.id)).toMatchObject({ balance: 1_000n, reserved: 0n });
      await expect(
        ledger.void(tx(), { reservationId: '00000000-0000-4000-8000-000000000000' }),
      ).rejects.toBeInstanceOf(ReservationNotFoundError);
    });

    it('resolves batches per item, in input order', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 1_000n });
      const held = await ledger.reserveBatch(
        tx(),
        [1, 2, 3].map((n) => reserveRequest(account, `pb-${n}`, 100n)),
      );
      const [r1, r2, r3] = held.map((result) => (result.ok ? result.reservationId : ''));
      await ledger.void(tx(), { reservationId: r3 });
      const posted = await ledger.postBatch(tx(), [
        { reservationId: r2 },
        { reservationId: r1 },
        { reservationId: r2 },
        { reservationId: r3 },
        { reservationId: '00000000-0000-4000-8000-000000000000' },
      ]);
      expect(
        posted.map((result) => (result.ok ? `ok${result.replayed ? '-replayed' : ''}` : result.reason)),
      ).toEqual(['ok', 'ok', 'ok-replayed', 'ALREADY_RESOLVED', 'RESERVATION_NOT_FOUND']);
      expect(await ledger.voidBatch(tx(), [{ reservationId: r3 }])).toEqual([
        { ok: true, reservationId: r3, accountId: account.id, amount: 100n, replayed: true },
      ]);
      expect(await ledger.getAccount(tx(), account.id)).toMatchObject({ balance: 800n, reserved: 0n });
    });
  });

  describe('sweeper', () => {
    it('expires pending reservations past their expiry, once, and leaves the others', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 1_000n });
      const now = new Date();
      const stale = await ledger.reserve(
        tx(),
        reserveRequest(account, 'sweep-1', 100n, { expiresAt: new Date(now.getTime() - 60_000) }),
      );
      const fresh = await ledger.reserve(
        tx(),
        reserveRequest(account, 'sweep-2', 100n, { expiresAt: new Date(now.getTime() + 60_000) }),
      );
      const first = await ledger.sweepExpired(now, 1_000);
      expect(first.expired.map((entry) => entry.reservationId)).toContain(stale.reservationId);
      expect(first.expired.map((entry) => entry.reservationId)).not.toContain(fresh.reservationId);
      const second = await ledger.sweepExpired(now, 1_000);
      expect(second.expired.map((entry) => entry.reservationId)).not.toContain(stale.reservationId);
      await expect(ledger.post(tx(), { reservationId: stale.reservationId })).rejects.toBeInstanceOf(
        ReservationAlreadyResolvedError,
      );
      expect(await ledger.getAccount(tx(), account.id)).toMatchObject({ balance: 1_000n, reserved: 100n });
      await expect(ledger.sweepExpired(now, 0)).rejects.toBeInstanceOf(InvalidBillingRequestError);
    });
  });

  describe('database backstops', () => {
    it('the CHECK constraint rejects an update that would overdraw an account', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 100n });
      await expect(
        db.dataSource.query('UPDATE accounts SET reserved = reserved + 101 WHERE id = $1', [account.id]),
      ).rejects.toThrow(/CHK_accounts_no_overdraft/);
      await expect(
        db.dataSource.query('UPDATE accounts SET reserved = -1 WHERE id = $1', [account.id]),
      ).rejects.toThrow(/CHK_accounts_reserved/);
    });

    it('ledger entries cannot be updated or deleted', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 100n });
      await expect(
        db.dataSource.query('UPDATE ledger_entries SET amount = 1 WHERE account_id = $1', [account.id]),
      ).rejects.toThrow(/append-only/);
      await expect(
        db.dataSource.query('DELETE FROM ledger_entries WHERE account_id = $1', [account.id]),
      ).rejects.toThrow(/append-only/);
    });

    it('a reservation cannot get a second resolution entry', async () => {
      const account = await createAccount(ledger, db.dataSource, { balance: 100n });
      const held = await ledger.reserve(tx(), reserveRequest(account, 'twice-1', 10n));
      await ledger.post(tx(), { reservationId: held.reservationId });
      await expect(
        db.dataSource.query(
          `INSERT INTO ledger_entries (account_id, kind, amount, idempotency_key, reservation_id)
           VALUES ($1, 'void', 10, 'manual-void', $2)`,
          [account.id, held.reservationId],
        ),
      ).rejects.toThrow(/UQ_ledger_entries_resolution/);
    });
  });

  describe('margin report', () => {
    it('sums price and recorded cost of posted messages per tenant, provider and destination prefix', async () => {
      await ensureProvider(db.dataSource, 'labsmobile');
      await ensureProvider(db.dataSource, 'mta');
      const account = await createAccount(ledger, db.dataSource, { balance: 1_000_000n });
      const held = await ledger.reserveBatch(tx(), [
        reserveRequest(account, 'm-1', 5_000n, {
          segments: 2,
          providerId: 'labsmobile',
          costPerSegment: 3_000n,
          destinationPrefix: '34',
        }),
        reserveRequest(account, 'm-2', 5_000n, {
          providerId: 'labsmobile',
          costPerSegment: 3_000n,
          destinationPrefix: '34',
        }),
        reserveRequest(account, 'm-3', 4_000n, {
          providerId: 'mta',
          costPerSegment: 1_000n,
          destinationPrefix: '1',
        }),
        reserveRequest(account, 'm-4', 4_000n, {
          providerId: 'mta',
          costPerSegment: 1_000n,
          destinationPrefix: '1',
        }),
      ]);
      const ids = held.map((result) => (result.ok ? result.reservationId : ''));
      await ledger.postBatch(tx(), [
        { reservationId: ids[0] },
        { reservationId: ids[1] },
        { reservationId: ids[2] },
      ]);
      await ledger.void(tx(), { reservationId: ids[3] });
      const range = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) };
      const report = await marginReport(tx(), { ...range, tenantId: account.tenantId });
      expect(report).toEqual([
        {
          tenantId: account.tenantId,
          currency: 'EUR',
          providerId: 'labsmobile',
          destinationPrefix: '34',
          messages: 2,
          segments: 3,
          revenue: 15_000n,
          cost: 9_000n,
          margin: 6_000n,
          messagesWithoutCost: 0,
        },
        {
          tenantId: account.tenantId,
          currency: 'EUR',
          providerId: 'mta',
          destinationPrefix: '1',
          messages: 1,
          segments: 1,
          revenue: 4_000n,
          cost: 1_000n,
          margin: 3_000n,
          messagesWithoutCost: 0,
        },
      ]);
      expect(
        await marginReport(tx(), {
          ...range,
          tenantId: account.tenantId,
          providerId: 'mta',
          destinationPrefix: '3',
        }),
      ).toEqual([]);
    });
  });

  it('leaves a ledger that reconciles with every account after all of the above', async () => {
    const report = await reconcile(db.dataSource);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
