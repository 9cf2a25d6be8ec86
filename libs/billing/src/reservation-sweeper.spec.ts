import type { SweepResult } from './ledger.types';
import {
  describeExpired,
  ReservationSweeper,
  type ExpiredReservation,
  type ReservationSweeperOptions,
} from './reservation-sweeper';

const NOW = new Date('2025-06-01T12:00:00Z');
const ACCOUNT_A = '00000000-0000-4000-8000-00000000000a';
const ACCOUNT_B = '00000000-0000-4000-8000-00000000000b';

function reservation(index: number, accountId = ACCOUNT_A, amount = 1000n): ExpiredReservation {
  return { reservationId: `r-${index}`, accountId, amount };
}

/** A ledger holding `due` expired reservations, handed out in the order asked. */
function fakeLedger(due: ExpiredReservation[]) {
  const calls: Array<{ now: Date; limit: number }> = [];
  let failure: Error | undefined;
  return {
    calls,
    failNext: (error: Error) => (failure = error),
    sweepExpired: (now: Date, limit: number): Promise<SweepResult> => {
      calls.push({ now, limit });
      if (failure !== undefined) {
        const error = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ expired: due.splice(0, limit) });
    },
  };
}

function sweeper(
  ledger: ReservationSweeperOptions['ledger'],
  overrides: Partial<ReservationSweeperOptions> = {},
) {
  const logs: string[] = [];
  const errors: string[] = [];
  const instance = new ReservationSweeper({
    ledger,
    clock: () => NOW,
    logger: { log: (message) => logs.push(message), error: (message) => errors.push(message) },
    ...overrides,
  });
  return { instance, logs, errors };
}

describe('ReservationSweeper', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('expires in batches until fewer than a batch are due, within the per-sweep bound', async () => {
    const ledger = fakeLedger(Array.from({ length: 7 }, (_, index) => reservation(index)));
    const { instance, logs } = sweeper(ledger, { batchSize: 3 });
    expect(await instance.sweepOnce()).toBe(7);
    expect(ledger.calls).toEqual([
      { now: NOW, limit: 3 },
      { now: NOW, limit: 3 },
      { now: NOW, limit: 3 },
    ]);
    expect(logs).toHaveLength(3);
    expect(await instance.sweepOnce()).toBe(0);
    expect(logs).toHaveLength(3);

    const bounded = fakeLedger(Array.from({ length: 10 }, (_, index) => reservation(index)));
    expect(await sweeper(bounded, { batchSize: 2, maxBatchesPerSweep: 3 }).instance.sweepOnce()).toBe(6);
    expect(bounded.calls).toHaveLength(3);
  });

  it('hands every committed batch to onExpired and logs its failure without stopping', async () => {
    const ledger = fakeLedger([reservation(1), reservation(2), reservation(3)]);
    const seen: string[][] = [];
    const { instance, errors } = sweeper(ledger, {
      batchSize: 2,
      onExpired: (expired) => {
        seen.push(expired.map((item) => item.reservationId));
        return seen.length === 1 ? Promise.reject(new Error('messages table locked')) : Promise.resolve();
      },
    });
    expect(await instance.sweepOnce()).toBe(3);
    expect(seen).toEqual([['r-1', 'r-2'], ['r-3']]);
    expect(errors).toEqual(['handling 2 expired reservations failed: messages table locked']);
  });

  it('sweeps every interval on an unref timer, logs a failed sweep, and stops cleanly', async () => {
    jest.useFakeTimers();
    const ledger = fakeLedger([reservation(1)]);
    const { instance, logs, errors } = sweeper(ledger, { intervalMs: 1_000 });
    instance.start();
    instance.start();
    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(ledger.calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(ledger.calls).toHaveLength(1);
    expect(logs).toHaveLength(1);

    ledger.failNext(new Error('connection refused'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(errors).toEqual(['reservation sweep failed: connection refused']);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(ledger.calls).toHaveLength(3);

    await instance.stop();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(ledger.calls).toHaveLength(3);
  });

  it('describes what it expired per account, naming at most 20 reservations', () => {
    expect(
      describeExpired([reservation(1), reservation(2, ACCOUNT_B, 500n), reservation(3, ACCOUNT_A, 7n)]),
    ).toBe(
      `expired 3 unresolved reservations, released per account (count, micro-units): ` +
        `${ACCOUNT_A}: 2 (1007), ${ACCOUNT_B}: 1 (500); reservations r-1, r-2, r-3`,
    );
    const many = describeExpired(Array.from({ length: 25 }, (_, index) => reservation(index)));
    expect(many).toContain('r-19 and 5 more');
    expect(many).not.toContain('r-20');
  });

  it('refuses invalid options', () => {
    const ledger = fakeLedger([]);
    expect(() => sweeper(ledger, { intervalMs: 0 })).toThrow(
      new RangeError('intervalMs must be a positive integer, got 0'),
    );
    expect(() => sweeper(ledger, { batchSize: 1.5 })).toThrow(RangeError);
    expect(() => sweeper(ledger, { maxBatchesPerSweep: -1 })).toThrow(RangeError);
  });
});
