import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BusError, type Bus } from './bus';

export interface OutboxRelayOptions {
  /** Rows locked, published and marked per transaction. */
  readonly batchSize: number;
  /** Pause between looks at the table when the last one found nothing (or failed). */
  readonly pollMs: number;
}

interface OutboxRow {
  readonly id: string;
  readonly topic: string;
  readonly message_id: string | null;
  readonly payload: unknown;
}

/** Oldest unpublished rows first; rows another relay holds are skipped, not waited for. */
const CLAIM_SQL = `
SELECT id, topic, message_id, payload FROM outbox
WHERE published_at IS NULL
ORDER BY id
LIMIT $1
FOR UPDATE SKIP LOCKED`;

const MARK_SQL = `UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`;

/**
 * Publishes the rows of the transactional outbox (`outbox`, written in the same transaction as the state they
 * announce) to the bus, and stamps `published_at` only after the bus confirmed them, in the same transaction that
 * locked them. A crash between the broker's confirm and that commit leaves the rows unpublished, so they go out
 * again: delivery is at least once and consumers deduplicate by message id (the row's `message_id`, or
 * `outbox:<id>` for rows without one). Several relays may run at once (row locks, SKIP LOCKED).
 *
 * Wakes on `wake()` (the in-process producers call it after a commit) or every `pollMs`; while a batch comes back
 * full it goes on at once.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: Bus,
    private readonly options: OutboxRelayOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new RangeError('batchSize must be a positive integer');
    }
    if (!Number.isFinite(options.pollMs) || options.pollMs < 1)
      throw new RangeError('pollMs must be positive');
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Look at the table now (new rows were committed). */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /**
   * One batch: locks up to `batchSize` unpublished rows, publishes them, marks the confirmed ones and commits.
   * Returns how many were marked. Throws a BusError after committing what was confirmed when any publish failed.
   */
  async relayOnce(): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let failure: unknown;
    let published = 0;
    try {
      await runner.startTransaction();
      const rows = (await runner.query(CLAIM_SQL, [this.options.batchSize])) as OutboxRow[];
      const results = await Promise.allSettled(
        rows.map((row) =>
          this.bus.publish(row.topic, row.payload, { messageId: row.message_id ?? `outbox:${row.id}` }),
        ),
      );
      const confirmed = rows.filter((_, index) => results[index].status === 'fulfilled').map((row) => row.id);
      const rejected = results.find((result) => result.status === 'rejected');
      if (rejected !== undefined) failure = rejected.reason;
      if (confirmed.length > 0) await runner.query(MARK_SQL, [confirmed]);
      await runner.commitTransaction();
      published = confirmed.length;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
    if (failure !== undefined) {
      throw new BusError(
        `outbox: ${published} published, the rest left for the next pass: ${failure instanceof Error ? failure.message : 'publish failed'}`,
        {
          cause: failure,
        },
      );
    }
    return published;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pass().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async pass(): Promise<void> {
    let next = this.options.pollMs;
    try {
      this.wakeRequested = false;
      const published = await this.relayOnce();
      if (published === this.options.batchSize || this.wakeRequested) next = 0;
    } catch (error) {
      this.logger.warn(error instanceof Error ? error.message : String(error));
    }
    this.schedule(next);
  }
}
