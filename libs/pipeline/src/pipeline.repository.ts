import type { DataSource, EntityManager } from 'typeorm';
import type { SendableMessageRow } from './outbound-message';

type Queryable = DataSource | EntityManager;

/** Statuses in which a message may still be handed to a provider (not scheduled, not sent, not final). */
export const SENDABLE_STATUSES: ReadonlySet<string> = new Set(['accepted', 'queued']);

const MESSAGE_COLUMNS = `id, tenant_id, group_id, part_no, part_total, status, final, source_addr, source_addr_ton,
  source_addr_npi, destination_addr, dest_addr_ton, dest_addr_npi, esm_class, registered_delivery, data_coding,
  short_message, tlvs, user_message_reference, expires_at, route, reservation_id, provider_id`;

/** TypeORM's postgres driver returns [rows, affected] rather than rows for UPDATE ... RETURNING. */
async function modified<T>(manager: Queryable, sql: string, parameters: unknown[]): Promise<T[]> {
  const result: T[] | [T[], number] = await manager.query(sql, parameters);
  return result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number'
    ? result[0]
    : (result as T[]);
}

/** A message overdue for its final state. */
export interface OverdueMessage {
  readonly id: string;
  readonly status: string;
  readonly reservation_id: string | null;
  /** null without a reservation. */
  readonly reservation_status: string | null;
}

/** The pipeline's SQL over `messages` and `outbox`. */
export class PipelineRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(run);
  }

  async loadMessage(id: string): Promise<SendableMessageRow | undefined> {
    const rows: SendableMessageRow[] = await this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /**
   * Moves a still-sendable message from `fromProvider` to `toProvider` and queues its send there (outbox row with
   * the bus id `busId`), in one transaction. False when the message moved on meanwhile (a redelivered copy).
   */
  async moveToProvider(
    messageId: string,
    fromProvider: string,
    toProvider: string,
    payload: Record<string, unknown>,
    busId: string,
  ): Promise<boolean> {
    return this.transaction(async (tx) => {
      const moved = await modified<{ id: string }>(
        tx,
        `UPDATE messages SET provider_id = $3, updated_at = now()
         WHERE id = $1 AND provider_id = $2 AND NOT final AND status IN ('accepted', 'queued') RETURNING id`,
        [messageId, fromProvider, toProvider],
      );
      if (moved.length === 0) return false;
      await tx.query(`INSERT INTO outbox (topic, message_id, payload) VALUES ($1, $2, $3::jsonb)`, [
        `send.${toProvider}`,
        busId,
        JSON.stringify(payload),
      ]);
      return true;
    });
  }

  /** Parks a message the provider cannot schedule until `holdUntil`; the gateway's scheduler releases it then. */
  async hold(messageId: string, providerId: string, holdUntil: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET status = 'scheduled', schedule_at = $3, updated_at = now()
       WHERE id = $1 AND provider_id = $2 AND NOT final AND status IN ('accepted', 'queued')`,
      [messageId, providerId, holdUntil],
    );
  }

  /** Messages without a final state accepted before `acceptedBefore`, oldest first. */
  async overdue(acceptedBefore: Date, limit: number): Promise<OverdueMessage[]> {
    return this.dataSource.query(
      `SELECT m.id, m.status, m.reservation_id, r.status AS reservation_status FROM messages m
       LEFT JOIN reservations r ON r.id = m.reservation_id
       WHERE NOT m.final AND m.status <> 'scheduled' AND m.submitted_at < $1
       ORDER BY m.submitted_at LIMIT $2`,
      [acceptedBefore, limit],
    );
  }
}
