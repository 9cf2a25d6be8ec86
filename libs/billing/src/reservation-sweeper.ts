import { Logger } from '@nestjs/common';
import type { LedgerRepository } from './ledger.repository';
import type { SweepResult } from './ledger.types';

export type ExpiredReservation = SweepResult['expired'][number];

export interface SweeperLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface ReservationSweeperOptions {
  /** Expires the reservations; constructed with the reservation TTL (BILLING_RESERVATION_TTL_MS). */
  readonly ledger: Pick<LedgerRepository, 'sweepExpired'>;
  /** How often to sweep (BILLING_SWEEP_INTERVAL_MS; default 60,000). */
  readonly intervalMs?: number;
  /** Reservations expired per transaction (default 500). */
  readonly batchSize?: number;
  /** Transactions per sweep at most; what is left waits for the next sweep (default 20). */
  readonly maxBatchesPerSweep?: number;
  readonly clock?: () => Date;
  readonly logger?: SweeperLogger;
  /**
   * Told of every batch after it committed, for example to finalise the messages those reservations paid for. A
   * failure is logged and does not stop the sweep (the reservations stay expired).
   */
  readonly onExpired?: (expired: readonly ExpiredReservation[]) => Promise<void>;
}

/** Reservation ids named in one log line at most; the rest are counted. */
const LOGGED_IDS = 20;

/**
 * Voids, every `intervalMs`, the reservations left pending past their expiry (a crash between reserve and
 * post/void), releasing the tenants' money with one `expire` ledger entry each. Several instances may run against
 * one database: `sweepExpired` locks with SKIP LOCKED, so each reservation is expired exactly once.
 */
export class ReservationSweeper {
  private readonly ledger: Pick<LedgerRepository, 'sweepExpired'>;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly maxBatchesPerSweep: number;
  private readonly clock: () => Date;
  private readonly logger: SweeperLogger;
  private readonly onExpired: ReservationSweeperOptions['onExpired'];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(options: ReservationSweeperOptions) {
    this.ledger = options.ledger;
    this.intervalMs = positiveInteger(options.intervalMs ?? 60_000, 'intervalMs');
    this.batchSize = positiveInteger(options.batchSize ?? 500, 'batchSize');
    this.maxBatchesPerSweep = positiveInteger(options.maxBatchesPerSweep ?? 20, 'maxBatchesPerSweep');
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? new Logger('ReservationSweeper');
    this.onExpired = options.onExpired;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.running !== undefined) return;
      this.running = this.sweepOnce()
        .catch((error: unknown) => {
          this.logger.error(`reservation sweep failed: ${messageOf(error)}`);
          return 0;
        })
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Clears the timer and waits for a sweep under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Expires what is due now, batch by batch; returns how many reservations this call expired. */
  async sweepOnce(): Promise<number> {
    const now = this.clock();
    let total = 0;
    for (let batch = 0; batch < this.maxBatchesPerSweep; batch++) {
      const { expired } = await this.ledger.sweepExpired(now, this.batchSize);
      if (expired.length === 0) break;
      total += expired.length;
      this.logger.log(describeExpired(expired));
      if (this.onExpired !== undefined) {
        await this.onExpired(expired).catch((error: unknown) =>
          this.logger.error(`handling ${expired.length} expired reservations failed: ${messageOf(error)}`),
        );
      }
      if (expired.length < this.batchSize) break;
    }
    return total;
  }
}

/** One line: how many, the amount released per account, and the reservation ids (the first LOGGED_IDS). */
export function describeExpired(expired: readonly ExpiredReservation[]): string {
  const perAccount = new Map<string, { count: number; amount: bigint }>();
  for (const item of expired) {
    const sum = perAccount.get(item.accountId) ?? { count: 0, amount: 0n };
    sum.count++;
    sum.amount += item.amount;
    perAccount.set(item.accountId, sum);
  }
  const accounts = [...perAccount]
    .map(([accountId, sum]) => `${accountId}: ${sum.count} (${sum.amount})`)
    .join(', ');
  const ids = expired.slice(0, LOGGED_IDS).map((item) => item.reservationId);
  const more = expired.length > LOGGED_IDS ? ` and ${expired.length - LOGGED_IDS} more` : '';
  return (
    `expired ${expired.length} unresolved reservations, released per account (count, micro-units): ${accounts}; ` +
    `reservations ${ids.join(', ')}${more}`
  );
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
