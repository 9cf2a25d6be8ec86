import type {
  MultipartReceiptMode,
  ProviderErrorRecord,
  StoredDeliverSm,
  TenantDeliveryKind,
} from '@app/database';
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
  readonly group_id: string;
  readonly part_no: number;
  readonly part_total: number;
  /** The tenant's `multipart_receipts` for a part of a long message (part_total > 1); null for a single part. */
  readonly multipart_receipts: MultipartReceiptMode | null;
}

/** A stored part of a long message, with its outcome so far (for the aggregated receipt). */
export interface GroupPart extends ReceiptMessage {
  readonly status: string;
  readonly final: boolean;
  readonly error_code: string | null;
  readonly network_error_code: Buffer | null;
  readonly done_at: Date | null;
}

/** Namespace (first key) of the transaction advisory locks that serialise the completion of a long message. */
const GROUP_LOCK_NAMESPACE = 0x6d707274; // 'mprt'

export interface MessageOutcomeUpdate {
  readonly messageId: string;
  /** null keeps the current status. */
  readonly status: string | null;
  readonly final: boolean;
  readonly err: string;
  readonly networkErrorCode: Buffer | null;
  /** The provider's own code, verbatim; null keeps the current one. */
  readonly providerError: ProviderErrorRecord | null;
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

type OutcomeRow = { requested_id: string; known: boolean } & (
  ReceiptMessage | { [K in keyof ReceiptMessage]: null }
);

function deliveryGroup(messageId: string | null, final: boolean): string {
  return `${final ? 'f' : 'i'}:${messageId ?? ''}`;
}

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
    return (await this.updateMessageOutcomes([update], tx))[0];
  }

  /**
   * `updateMessageOutcome` for many messages in one statement, results in input order. Each message may appear once
   * (fold several outcomes of one message into one update first).
   */
  async updateMessageOutcomes(
    updates: readonly MessageOutcomeUpdate[],
    tx: Queryable = this.dataSource,
  ): Promise<Array<ReceiptMessage | undefined | null>> {
    if (updates.length === 0) return [];
    const rows = await tx.query<OutcomeRow[]>(
      `WITH "v" AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::bytea[], $6::timestamptz[],
                              $7::jsonb[])
           AS "v"("id", "status", "final", "err", "network_error_code", "done_at", "provider_error")
       ), "updated" AS (
         UPDATE "messages" m
            SET "status" = COALESCE(v."status", m."status"),
                "final" = v."final",
                "error_code" = v."err",
                "network_error_code" = COALESCE(v."network_error_code", m."network_error_code"),
                "provider_error" = COALESCE(v."provider_error", m."provider_error"),
                "done_at" = CASE WHEN v."final" THEN v."done_at" ELSE m."done_at" END,
                "updated_at" = now()
           FROM "v"
          WHERE m."id" = v."id" AND NOT m."final"
         RETURNING m."id", m."tenant_id", m."registered_delivery", m."source_addr", m."source_addr_ton",
                   m."source_addr_npi", m."destination_addr", m."dest_addr_ton", m."dest_addr_npi", m."dlr_text",
                   m."user_message_reference", m."submitted_at", m."group_id", m."part_no", m."part_total"
       )
       SELECT v."id" AS "requested_id", u.*,
              CASE WHEN u."part_total" > 1
                   THEN (SELECT t."multipart_receipts" FROM "tenants" t WHERE t."id" = u."tenant_id") END
                AS "multipart_receipts",
              u."id" IS NOT NULL OR EXISTS (SELECT 1 FROM "messages" x WHERE x."id" = v."id") AS "known"
         FROM "v" LEFT JOIN "updated" u ON u."id" = v."id"`,
      [
        updates.map((u) => u.messageId),
        updates.map((u) => u.status),
        updates.map((u) => u.final),
        updates.map((u) => u.err),
        updates.map((u) => u.networkErrorCode),
        updates.map((u) => u.doneAt),
        updates.map((u) => (u.providerError === null ? null : JSON.stringify(u.providerError))),
      ],
    );
    const byId = new Map(rows.map((row) => [row.requested_id, row]));
    return updates.map((update) => {
      const row = byId.get(update.messageId);
      if (row === undefined || !row.known) return null;
      if (row.id === null) return undefined;
      const { requested_id: _requested, known: _known, ...message } = row;
      return message;
    });
  }

  /**
   * Takes a transaction advisory lock per long message (group_id), in one fixed order so that two transactions
   * locking several groups cannot deadlock on them. Held until the caller's transaction ends: a transaction that
   * finalised a part and then reads the group (`groupParts`, a later statement) sees every part finalised by any
   * transaction that held the lock before it, so exactly one of them sees the group complete. Must be called inside
   * a READ COMMITTED transaction (the default).
   */
  async lockGroups(groupIds: readonly string[], tx: Queryable): Promise<void> {
    if (groupIds.length === 0) return;
    await tx.query(
      `SELECT pg_advisory_xact_lock($1::integer, s."key")
         FROM (SELECT DISTINCT hashtext(g) AS "key" FROM unnest($2::text[]) AS g ORDER BY 1) s`,
      [GROUP_LOCK_NAMESPACE, groupIds],
    );
  }

  /** Every stored part of these long messages, by group and part number. */
  async groupParts(groupIds: readonly string[], tx: Queryable): Promise<GroupPart[]> {
    if (groupIds.length === 0) return [];
    return tx.query<GroupPart[]>(
      `SELECT m."id", m."tenant_id", m."registered_delivery", m."source_addr", m."source_addr_ton",
              m."source_addr_npi", m."destination_addr", m."dest_addr_ton", m."dest_addr_npi", m."dlr_text",
              m."user_message_reference", m."submitted_at", m."group_id", m."part_no", m."part_total",
              t."multipart_receipts", m."status", m."final", m."error_code", m."network_error_code", m."done_at"
         FROM "messages" m JOIN "tenants" t ON t."id" = m."tenant_id"
        WHERE m."group_id" = ANY($1::text[]) AND m."part_total" > 1
        ORDER BY m."group_id", m."part_no", m."submitted_at", m."id"`,
      [groupIds],
    );
  }

  /** Queues a delivery; returns its id, or undefined when the message already has its final DLR queued. */
  async enqueue(delivery: NewDelivery, tx: Queryable = this.dataSource): Promise<string | undefined> {
    return (await this.enqueueMany([delivery], tx))[0];
  }

  /**
   * `enqueue` for many deliveries in one statement, ids in input order; a final DLR of a message that already has
   * one (in the table or earlier in the input) is not queued.
   */
  async enqueueMany(
    deliveries: readonly NewDelivery[],
    tx: Queryable = this.dataSource,
  ): Promise<Array<string | undefined>> {
    if (deliveries.length === 0) return [];
    // The notification is delivered when the writer's transaction commits (see TENANT_DELIVERY_CHANNEL); Postgres
    // folds identical notifications of one transaction into one.
    const rows = await tx.query<Array<{ id: string; message_id: string | null; final: boolean }>>(
      `WITH "queued" AS (
         INSERT INTO "tenant_deliveries" ("tenant_id", "kind", "message_id", "final", "pdu", "expires_at")
         SELECT v."tenant_id", v."kind", v."message_id", v."final", v."pdu",
                now() + v."retention_ms" * interval '1 millisecond'
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::jsonb[], $6::double precision[])
                WITH ORDINALITY AS v("tenant_id", "kind", "message_id", "final", "pdu", "retention_ms", "ord")
          ORDER BY v."ord"
         ON CONFLICT DO NOTHING
         RETURNING "id", "tenant_id", "message_id", "final"
       )
       SELECT "id", "message_id", "final", pg_notify('${TENANT_DELIVERY_CHANNEL}', "tenant_id"::text)
         FROM "queued"`,
      [
        deliveries.map((d) => d.tenantId),
        deliveries.map((d) => d.kind),
        deliveries.map((d) => d.messageId),
        deliveries.map((d) => d.final),
        deliveries.map((d) => JSON.stringify(d.pdu)),
        deliveries.map((d) => d.retentionMs),
      ],
    );
    // Rows are inserted in input order, so ids ascend with it: within one (message, final) group the returned ids,
    // sorted, belong to that group's inputs in order (a conflicting final DLR can only be a later one).
    const idsByGroup = new Map<string, string[]>();
    for (const row of rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))) {
      const group = deliveryGroup(row.message_id, row.final);
      const ids = idsByGroup.get(group);
      if (ids === undefined) idsByGroup.set(group, [row.id]);
      else ids.push(row.id);
    }
    return deliveries.map((d) => idsByGroup.get(deliveryGroup(d.messageId, d.final))?.shift());
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
