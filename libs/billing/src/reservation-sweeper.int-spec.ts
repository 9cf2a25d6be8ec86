import { createDataSource } from '@app/database';
import { useTestDatabase } from '@app/testing';
import type { DataSource } from 'typeorm';
import { LedgerRepository } from './ledger.repository';
import type { ReservationReceipt } from './ledger.types';
import { reconcile } from './reconciliation';
import { ReservationSweeper, type ExpiredReservation } from './reservation-sweeper';
import { createAccount, reserveRequest } from './testing/ledger-fixtures';

const TTL_MS = 60_000;
const STALE = 300;

describe('ReservationSweeper (Postgres)', () => {
  const db = useTestDatabase();
  let secondInstance: DataSource;

  beforeAll(async () => {
    // A second process's pool: the two sweepers contend through Postgres only.
    secondInstance = await createDataSource(db.url, {
      poolSize: 3,
      applicationName: 'sweeper-2',
    }).initialize();
  });

  afterAll(async () => {
    await secondInstance.destroy();
  });

  it('expires each reservation past the configured TTL exactly once with two sweepers, and no other', async () => {
    const ledger = new LedgerRepository(db.dataSource, { reservationTtlMs: TTL_MS });
    const account = await createAccount(ledger, db.dataSource, { balance: 1_000_000n });
    // Read before reserving: every reservation below expires at least TTL_MS after this.
    const [{ now }] = await db.dataSource.query<{ now: Date }[]>('SELECT now() AS now');
    const results = await ledger.reserveBatch(
      db.dataSource.manager,
      Array.from({ length: STALE }, (_, index) => reserveRequest(account, `stale-${index}`, 100n)),
    );
    const stale = results.map((result) => (result as ReservationReceipt).reservationId);
    expect(new Set(stale).size).toBe(STALE);
    const fresh = await ledger.reserve(
      db.dataSource.manager,
      reserveRequest(account, 'fresh', 7n, { expiresAt: new Date(now.getTime() + 10 * TTL_MS) }),
    );

    // Just before the TTL nothing is due; well after it (the reserving took less than 30 s), all made with it are.
    const beforeTtl = new Date(now.getTime() + TTL_MS - 1);
    const afterTtl = new Date(now.getTime() + TTL_MS + 30_000);
    const early = new ReservationSweeper({ ledger, clock: () => beforeTtl, logger: silent() });
    expect(await early.sweepOnce()).toBe(0);

    const seen: ExpiredReservation[] = [];
    const logs: string[] = [];
    const sweepers = [db.dataSource, secondInstance].map(
      (dataSource) =>
        new ReservationSweeper({
          ledger: new LedgerRepository(dataSource, { reservationTtlMs: TTL_MS }),
          batchSize: 7,
          maxBatchesPerSweep: 100,
          clock: () => afterTtl,
          logger: { log: (message) => logs.push(message), error: (message) => logs.push(message) },
          onExpired: (expired) => {
            seen.push(...expired);
            return Promise.resolve();
          },
        }),
    );
    const counts = await Promise.all(sweepers.map((sweeper) => sweeper.sweepOnce()));
    expect(counts[0] + counts[1]).toBe(STALE);
    expect(seen.map((item) => item.reservationId).sort()).toEqual([...stale].sort());
    expect(seen.every((item) => item.accountId === account.id && item.amount === 100n)).toBe(true);
    expect(logs.every((line) => line.startsWith('expired '))).toBe(true);
    expect(await Promise.all(sweepers.map((sweeper) => sweeper.sweepOnce()))).toEqual([0, 0]);

    const [{ expires }] = await db.dataSource.query<{ expires: number }[]>(
      `SELECT count(*)::int AS expires FROM ledger_entries WHERE kind = 'expire' AND account_id = $1`,
      [account.id],
    );
    expect(expires).toBe(STALE);
    const [{ status }] = await db.dataSource.query<{ status: string }[]>(
      'SELECT status FROM reservations WHERE id = $1',
      [fresh.reservationId],
    );
    expect(status).toBe('pending');
    expect(await ledger.getAccount(db.dataSource.manager, account.id)).toMatchObject({
      balance: 1_000_000n,
      reserved: 7n,
    });
    expect((await reconcile(db.dataSource)).differences).toEqual([]);
  });
});

function silent() {
  return { log: () => undefined, error: () => undefined };
}
