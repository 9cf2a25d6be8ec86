import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { LedgerRepository } from '@app/billing';
import { GATEWAY_ERR_NONE } from './message-queries';
import type { TenantDeliveryPort } from './delivery-port';

export interface MessageSchedulerOptions {
  readonly intervalMs: number;
  /** Messages released or expired per statement; a tick repeats while a statement fills its batch. */
  readonly batchSize: number;
}

/** Scheduled messages whose time has come (and whose validity has not passed) get their outbox row. */
const RELEASE_SQL = `
WITH due AS (
  SELECT id FROM messages
  WHERE status = 'scheduled' AND schedule_at <= now() AND (expires_at IS NULL OR expires_at > now())
  ORDER BY schedule_at
  LIMIT $1
  FOR UPDATE SKIP LOCKED
), released AS (
  UPDATE messages m SET status = 'accepted', updated_at = now()
  FROM due WHERE m.id = due.id
  RETURNING m.id, m.tenant_id, m.group_id, m.provider_id
)
INSERT INTO outbox (topic, message_id, payload)
SELECT 'send.' || provider_id, id,
  jsonb_build_object('messageId', id, 'tenantId', tenant_id, 'groupId', group_id, 'providerId', provider_id)
FROM released
RETURNING message_id`;

/** Not yet handed to a provider and past validity_period. */
const EXPIRED_SQL = `
SELECT id, tenant_id, reservation_id FROM messages
WHERE status IN ('scheduled', 'accepted') AND expires_at <= now()
ORDER BY expires_at
LIMIT $1
FOR UPDATE SKIP LOCKED`;

/**
 * Releases scheduled messages at their schedule_delivery_time and ends messages whose validity_period passed before
 * they were sent: status EXPIRED, reservation voided, a DLR through the tenant delivery queue. Safe with several
 * instances (row locks, SKIP LOCKED).
 */
export class MessageScheduler {
  private readonly logger = new Logger('MessageScheduler');
  private readonly ledger: LedgerRepository;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly delivery: TenantDeliveryPort,
    private readonly options: MessageSchedulerOptions,
  ) {
    this.ledger = new LedgerRepository(dataSource);
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: release what is due, expire what is past validity. Returns the counts. */
  async tick(): Promise<{ released: number; expired: number }> {
    let released = 0;
    let expired = 0;
    for (;;) {
      const rows = await this.dataSource.query<unknown[]>(RELEASE_SQL, [this.options.batchSize]);
      released += rows.length;
      if (rows.length < this.options.batchSize) break;
    }
    for (;;) {
      const count = await this.expireBatch();
      expired += count;
      if (count < this.options.batchSize) break;
    }
    return { released, expired };
  }

  private async expireBatch(): Promise<number> {
    const tenants = new Set<string>();
    const expired = await this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; tenant_id: string; reservation_id: string | null }[]>(
        EXPIRED_SQL,
        [this.options.batchSize],
      );
      if (rows.length === 0) return 0;
      const reservations = rows.flatMap((row) => (row.reservation_id === null ? [] : [row.reservation_id]));
      if (reservations.length > 0) {
        await this.ledger.voidBatch(
          tx,
          reservations.map((reservationId) => ({ reservationId })),
        );
      }
      const doneAt = new Date();
      for (const row of rows) {
        await this.delivery.recordDlr(
          { messageId: row.id, state: 'expired', err: GATEWAY_ERR_NONE, doneAt },
          tx,
        );
      }
      await tx.query(
        `UPDATE messages SET status = 'expired', final = true, done_at = COALESCE(done_at, $2), updated_at = now()
         WHERE id = ANY($1) AND NOT final`,
        [rows.map((row) => row.id), doneAt],
      );
      for (const row of rows) tenants.add(row.tenant_id);
      return rows.length;
    });
    for (const tenantId of tenants) this.delivery.wake?.(tenantId);
    return expired;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn(
            `scheduler pass failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.options.intervalMs);
  }
}
