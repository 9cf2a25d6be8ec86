import { useTestDatabase } from '@app/testing';
import fc from 'fast-check';
import { BillingError } from './billing.errors';
import { LedgerRepository } from './ledger.repository';
import type { AccountSnapshot, ReserveRequest } from './ledger.types';
import { reconcile } from './reconciliation';
import { createAccount } from './testing/ledger-fixtures';

/*
 * Model-based test: random sequences of top-up / adjust / reserve / reserveBatch / post / void / expiry sweep /
 * retries run against Postgres and against a plain in-memory model; balance, reserved and every outcome must agree
 * after every step, and the whole ledger must reconcile after every run.
 */

type AccountIndex = 0 | 1;
type Op =
  | { type: 'topup'; account: AccountIndex; amount: bigint }
  | { type: 'adjust'; account: AccountIndex; amount: bigint }
  | { type: 'reserve'; account: AccountIndex; price: bigint; segments: number; expiring: boolean }
  | { type: 'reserveBatch'; items: { account: AccountIndex; price: bigint; segments: number }[] }
  | { type: 'post'; pick: number }
  | { type: 'void'; pick: number }
  | { type: 'sweep' }
  | { type: 'retry'; pick: number; sameAmount: boolean };

const accountArb = fc.constantFrom<AccountIndex>(0, 1);
const priceArb = fc.bigInt({ min: 0n, max: 400n });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    type: fc.constant('topup' as const),
    account: accountArb,
    amount: fc.bigInt({ min: 1n, max: 1_000n }),
  }),
  fc.record({
    type: fc.constant('adjust' as const),
    account: accountArb,
    amount: fc.bigInt({ min: -600n, max: 600n }).filter((amount) => amount !== 0n),
  }),
  fc.record({
    type: fc.constant('reserve' as const),
    account: accountArb,
    price: priceArb,
    segments: fc.integer({ min: 1, max: 3 }),
    expiring: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('reserveBatch' as const),
    items: fc.array(
      fc.record({ account: accountArb, price: priceArb, segments: fc.integer({ min: 1, max: 3 }) }),
      {
        minLength: 1,
        maxLength: 6,
      },
    ),
  }),
  fc.record({ type: fc.constant('post' as const), pick: fc.nat() }),
  fc.record({ type: fc.constant('void' as const), pick: fc.nat() }),
  fc.constant({ type: 'sweep' as const }),
  fc.record({ type: fc.constant('retry' as const), pick: fc.nat(), sameAmount: fc.boolean() }),
);

interface ModelAccount {
  balance: bigint;
  reserved: bigint;
  creditLimit: bigint;
}
interface ModelReservation {
  id: string;
  account: AccountIndex;
  amount: bigint;
  status: 'pending' | 'posted' | 'voided' | 'expired';
  expiring: boolean;
}
type KeyedOp =
  | { kind: 'topup' | 'adjust'; key: string; account: AccountIndex; amount: bigint }
  | { kind: 'reserve'; key: string; account: AccountIndex; request: ReserveRequest; reservationId: string };

const available = (account: ModelAccount): bigint => account.balance - account.reserved + account.creditLimit;

async function outcome<T>(call: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    if (error instanceof BillingError) return { ok: false, code: error.code };
    throw error;
  }
}

describe.each([
  ['fast path', 1],
  ['locked path', Number.MAX_SAFE_INTEGER],
])(
  'LedgerRepository (reservations on the %s) against an in-memory model (Postgres, fast-check)',
  (_, fastPathMinBatch) => {
    const db = useTestDatabase();
    let ledger: LedgerRepository;
    beforeAll(() => {
      ledger = new LedgerRepository(db.dataSource, { fastPathMinBatch });
    });

    it('agrees with the model after every step and reconciles after every run', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(opArb, { minLength: 1, maxLength: 25 }),
          fc.tuple(fc.constantFrom(0n, 300n), fc.constantFrom(0n, 500n)),
          async (ops, [credit0, credit1]) => {
            run += 1;
            const tx = db.dataSource.manager;
            const real: AccountSnapshot[] = [
              await createAccount(ledger, db.dataSource, { creditLimit: credit0 }),
              await createAccount(ledger, db.dataSource, { creditLimit: credit1 }),
            ];
            const model: ModelAccount[] = [
              { balance: 0n, reserved: 0n, creditLimit: credit0 },
              { balance: 0n, reserved: 0n, creditLimit: credit1 },
            ];
            const reservations: ModelReservation[] = [];
            const keyed: KeyedOp[] = [];
            let sequence = 0;
            const nextKey = (): string => `run${run}-${sequence++}`;
            const request = (
              account: AccountIndex,
              price: bigint,
              segments: number,
              expiring = false,
            ): ReserveRequest => ({
              idempotencyKey: nextKey(),
              accountId: real[account].id,
              currency: 'EUR',
              segments,
              pricePerSegment: price,
              expiresAt: new Date(Date.now() + (expiring ? -60_000 : 3_600_000)),
            });

            for (const op of ops) {
              switch (op.type) {
                case 'topup':
                case 'adjust': {
                  const key = nextKey();
                  const target = model[op.account];
                  const fits = op.type === 'topup' || available(target) + op.amount >= 0n;
                  const base = {
                    accountId: real[op.account].id,
                    currency: 'EUR',
                    amount: op.amount,
                    idempotencyKey: key,
                  };
                  const result = await outcome(
                    op.type === 'topup'
                      ? ledger.topUp(tx, base)
                      : ledger.adjust(tx, { ...base, reason: 'model' }),
                  );
                  expect(result.ok ? 'ok' : result.code).toBe(fits ? 'ok' : 'INSUFFICIENT_FUNDS');
                  if (fits) {
                    target.balance += op.amount;
                    keyed.push({ kind: op.type, key, account: op.account, amount: op.amount });
                  }
                  break;
                }
                case 'reserve': {
                  const target = model[op.account];
                  const amount = op.price * BigInt(op.segments);
                  const fits = available(target) >= amount;
                  const req = request(op.account, op.price, op.segments, op.expiring);
                  const result = await outcome(ledger.reserve(tx, req));
                  expect(result.ok ? 'ok' : result.code).toBe(fits ? 'ok' : 'INSUFFICIENT_FUNDS');
                  if (result.ok) {
                    target.reserved += amount;
                    reservations.push({
                      id: result.value.reservationId,
                      account: op.account,
                      amount,
                      status: 'pending',
                      expiring: op.expiring,
                    });
                    keyed.push({
                      kind: 'reserve',
                      key: req.idempotencyKey,
                      account: op.account,
                      request: req,
                      reservationId: result.value.reservationId,
                    });
                  }
                  break;
                }
                case 'reserveBatch': {
                  const requests = op.items.map((item) => request(item.account, item.price, item.segments));
                  const results = await ledger.reserveBatch(tx, requests);
                  const running: bigint[] = [0n, 0n];
                  const limit = model.map(available);
                  op.items.forEach((item, index) => {
                    const amount = item.price * BigInt(item.segments);
                    running[item.account] += amount;
                    const fits = running[item.account] <= limit[item.account];
                    const result = results[index];
                    expect(result.ok ? 'ok' : result.reason).toBe(fits ? 'ok' : 'INSUFFICIENT_FUNDS');
                    if (result.ok) {
                      model[item.account].reserved += amount;
                      reservations.push({
                        id: result.reservationId,
                        account: item.account,
                        amount,
                        status: 'pending',
                        expiring: false,
                      });
                    }
                  });
                  break;
                }
                case 'post':
                case 'void': {
                  if (reservations.length === 0) break;
                  const reservation = reservations[op.pick % reservations.length];
                  const wanted = op.type === 'post' ? 'posted' : 'voided';
                  const result = await outcome(
                    op.type === 'post'
                      ? ledger.post(tx, { reservationId: reservation.id })
                      : ledger.void(tx, { reservationId: reservation.id }),
                  );
                  if (reservation.status === 'pending') {
                    expect(result).toMatchObject({
                      ok: true,
                      value: { replayed: false, amount: reservation.amount },
                    });
                    reservation.status = wanted;
                    model[reservation.account].reserved -= reservation.amount;
                    if (op.type === 'post') model[reservation.account].balance -= reservation.amount;
                  } else if (reservation.status === wanted) {
                    expect(result).toMatchObject({ ok: true, value: { replayed: true } });
                  } else {
                    expect(result).toEqual({ ok: false, code: 'ALREADY_RESOLVED' });
                  }
                  break;
                }
                case 'sweep': {
                  const { expired } = await ledger.sweepExpired(new Date(), 1_000);
                  const swept = new Set(expired.map((entry) => entry.reservationId));
                  for (const reservation of reservations) {
                    const due = reservation.status === 'pending' && reservation.expiring;
                    expect(swept.has(reservation.id)).toBe(due);
                    if (due) {
                      reservation.status = 'expired';
                      model[reservation.account].reserved -= reservation.amount;
                    }
                  }
                  break;
                }
                case 'retry': {
                  if (keyed.length === 0) break;
                  const original = keyed[op.pick % keyed.length];
                  if (original.kind === 'reserve') {
                    const retried = op.sameAmount
                      ? original.request
                      : { ...original.request, pricePerSegment: original.request.pricePerSegment + 1n };
                    const result = await outcome(ledger.reserve(tx, retried));
                    expect(result).toEqual(
                      op.sameAmount
                        ? {
                            ok: true,
                            value: expect.objectContaining({
                              reservationId: original.reservationId,
                              replayed: true,
                            }),
                          }
                        : { ok: false, code: 'IDEMPOTENCY_CONFLICT' },
                    );
                  } else {
                    const amount = op.sameAmount ? original.amount : original.amount + 1n;
                    const base = {
                      accountId: real[original.account].id,
                      currency: 'EUR',
                      amount,
                      idempotencyKey: original.key,
                    };
                    const result = await outcome(
                      original.kind === 'topup'
                        ? ledger.topUp(tx, base)
                        : ledger.adjust(tx, {
                            ...base,
                            amount: amount === 0n ? 2n : amount,
                            reason: 'model',
                          }),
                    );
                    expect(result.ok ? 'ok' : result.code).toBe(
                      op.sameAmount ? 'ok' : 'IDEMPOTENCY_CONFLICT',
                    );
                    if (result.ok) expect(result.value.replayed).toBe(true);
                  }
                  break;
                }
              }
              for (const index of [0, 1] as const) {
                const snapshot = await ledger.getAccount(tx, real[index].id);
                expect({
                  balance: snapshot.balance,
                  reserved: snapshot.reserved,
                  available: snapshot.available,
                }).toEqual({
                  balance: model[index].balance,
                  reserved: model[index].reserved,
                  available: available(model[index]),
                });
              }
            }
            const report = await reconcile(db.dataSource);
            expect(report.differences).toEqual([]);
          },
        ),
        { numRuns: 30 },
      );
    });
  },
);
