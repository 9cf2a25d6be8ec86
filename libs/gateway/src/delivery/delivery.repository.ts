import type { StoredDeliverSm, TenantDeliveryKind } from '@app/database';
import type { DataSource, EntityManager } from 'typeorm';
import type { ReceiptSource } from './deliver-sm';
import { TENANT_DELIVERY_CHANNEL } from './delivery-notifications';

/** A row taken for sending; `attempts` already counts this attempt. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly kind: TenantDeliveryKind;
  readonly messageId: string | null;
  readonly pdu: StoredDeliverSm;
  readonly attempts: number;
}

export interface NewDelivery {
  readonly tenantId: string;
  readonly kind: TenantDeliveryKind;
  readonly messageId: string | null;
  readonly final: boolean;
  readonly pdu: StoredDeliverSm;
  readonly retentionMs: number;
}

/** The message columns a receipt needs, plus whom it belongs to and what was asked for. */
export interface ReceiptMessage extends ReceiptSource {
  readonly tenant_id: string;
  readonly registered_delivery: number;
}

export interface MessageOutcomeUpdate {
  readonly messageId: string;
  /** null keeps the current status. */
  readonly status: string | null;
  readonly final: boolean;
  readonly err: string;
  readonly networkErrorCode: Buffer | null;
  readonly doneAt: Date;
}

interface ClaimRow {
  id: string;
  kind: TenantDeliveryKind;
  message_id: string | null;
  pdu: StoredDeliverSm;
  attempts: number;
}

type Queryable = Pick<EntityManager, 'query'>;

/** Expired rows per sweep statement, so that one sweep never holds many row locks at once. */
const EXPIRY_BATCH = 1000;

/**
 * SQL of the tenant delivery queue. Every time comparison uses the database clock (now()), so instances with skewed
 * clocks still agree on leases and due times.
 */
export class DeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Records an outcome unless the message already has a final one (a final state is never overwritten). Returns
   * the message when the update applied, undefined when the message was already final, and null when there is no
   * such message.
   */
  async updateMessageOutcome(
    update: MessageOutcomeUpdate,
    tx: Queryable = this.dataSource,
  ): Promise<ReceiptMessage | undefined | null> {
    const [rows] = await tx.query<[ReceiptMessage[], number]>(
      `UPDATE "messages"
          SET "status" = COALESCE($2::text, "status"),
              "final" = $3,
              "error_code" = $4,
              "network_error_code" = COALESCE($5::bytea, "network_error_code"),
              "done_at" = CASE WHEN $3 THEN $6::timestamptz ELSE "done_at" END,
              "updated_at" = now()
        WHERE "id" = $1 AND NOT "final"
        RETURNING "id", "tenant_id", "registered_delivery", "source_addr", "source_addr_ton", "source_addr_npi",
                  "destination_addr", "dest_addr_ton", "dest_addr_npi", "dlr_text", "user_message_reference",
                  "submitted_at"`,
      [update.messageId, update.status, update.final, update.err, update.networkErrorCode, update.doneAt],
    );
    if (rows.length > 0) return rows[0];
    const exists = await tx.query<unknown[]>(`SELECT 1 FROM "messages" WHERE "id" = $1`, [update.messageId]);
    return exists.length > 0 ? undefined : null;
  }

  /** Queues a delivery; returns its id, or undefined when the message already has its final DLR queued. */
  async enqueue(delivery: NewDelivery, tx: Queryable = this.dataSource): Promise<string | undefined> {
    // The notification is delivered when the writer's transaction commits (see TENANT_DELIVERY_CHANNEL).
    const rows = await tx.query<{ id: string }[]>(
      `WITH "queued" AS (
         INSERT INTO "tenant_deliveries" ("tenant_id", "kind", "message_id", "final", "pdu", "expires_at")
         VALUES ($1, $2, $3, $4, $5::jsonb, now() + $6::double precision * interval '1 millisecond')
         ON CONFLICT DO NOTHING
         RETURNING "id", "tenant_id"
       )
       SELECT "id", pg_notify('${TENANT_DELIVERY_CHANNEL}', "tenant_id"::text) FROM "queued"`,
      [
        delivery.tenantId,
        delivery.kind,
        delivery.messageId,
        delivery.final,
        JSON.stringify(delivery.pdu),
        delivery.retentionMs,
      ],
    );
    return rows[0]?.id;
  }

  /** Takes or renews the tenant's lease for `owner`; false while another owner's lease runs. */
  async acquireLease(tenantId: string, owner: string, leaseMs: number): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO "tenant_delivery_leases" AS l ("tenant_id", "owner", "lease_until")
       VALUES ($1, $2, now() + $3::double precision * interval '1 millisecond')
       ON CONFLICT ("tenant_id") DO UPDATE
          SET "owner" = EXCLUDED."owner", "lease_until" = EXCLUDED."lease_until"
        WHERE l."owner" = EXCLUDED."owner" OR l."lease_until" < now()
       RETURNING "owner"`,
      [tenantId, owner, leaseMs],
    );
    return rows.length > 0;
  }

  async releaseLease(tenantId: string, owner: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM "tenant_delivery_leases" WHERE "tenant_id" = $1 AND "owner" = $2`,
      [tenantId, owner],
    );
  }

  /**
   * Takes up to `limit` due rows of the tenant, oldest first, if `owner` still holds the lease: each counts an
   * attempt and stays invisible for `claimMs` (to this and every other instance) unless settled sooner.
   */
  async claim(tenantId: string, owner: string, limit: number, claimMs: number): Promise<ClaimedDelivery[]> {
    const [rows] = await this.dataSource.query<[ClaimRow[], number]>(
      `UPDATE "tenant_deliveries"
          SET "attempts" = "attempts" + 1,
              "next_attempt_at" = now() + $4::double precision * interval '1 millisecond'
        WHERE "id" IN (
                SELECT "id" FROM "tenant_deliveries"
                 WHERE "tenant_id" = $1 AND "status" = 'pending' AND "next_attempt_at" <= now()
                   AND "expires_at" > now()
                 ORDER BY "id"
                 LIMIT $3
                   FOR UPDATE SKIP LOCKED)
          AND EXISTS (SELECT 1 FROM "tenant_delivery_leases"
                       WHERE "tenant_id" = $1 AND "owner" = $2 AND "lease_until" > now())
        RETURNING "id", "kind", "message_id", "pdu", "attempts"`,
      [tenantId, owner, limit, claimMs],
    );
    return rows
      .map((row) => ({
        id: row.id,
        kind: row.kind,
        messageId: row.message_id,
        pdu: row.pdu,
        attempts: row.attempts,
      }))
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  async markDelivered(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE "tenant_deliveries" SET "status" = 'delivered', "delivered_at" = now(), "last_error" = NULL
        WHERE "id" = $1 AND "status" = 'pending'`,
      [id],
    );
  }

  async scheduleRetry(id: string, delayMs: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE "tenant_deliveries"
          SET "next_attempt_at" = now() + $2::double precision * interval '1 millisecond', "last_error" = $3
        WHERE "id" = $1 AND "status" = 'pending'`,
      [id, delayMs, error],
    );
  }

  /** Marks pending rows past their retention expired; returns how many of each kind. */
  async expireDue(): Promise<Record<TenantDeliveryKind, number>> {
    const counts: Record<TenantDeliveryKind, number> = { dlr: 0, mo: 0 };
    // Bounded: each round expires up to EXPIRY_BATCH rows and stops at a short round.
    for (let round = 0; round < 1000; round++) {
      const [rows] = await this.dataSource.query<[{ kind: TenantDeliveryKind }[], number]>(
        `UPDATE "tenant_deliveries"
            SET "status" = 'expired', "last_error" = COALESCE("last_error", 'retention elapsed before delivery')
          WHERE "id" IN (
                  SELECT "id" FROM "tenant_deliveries"
                   WHERE "status" = 'pending' AND "expires_at" <= now()
                   LIMIT $1
                     FOR UPDATE SKIP LOCKED)
          RETURNING "kind"`,
        [EXPIRY_BATCH],
      );
      for (const row of rows) counts[row.kind]++;
      if (rows.length < EXPIRY_BATCH) break;
    }
    return counts;
  }
}
