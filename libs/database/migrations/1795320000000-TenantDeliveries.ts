import { MigrationInterface, QueryRunner } from 'typeorm';

/** The per-tenant delivery queue (DLRs and MO to tenants) and the lease that gives one instance each queue. */
export class TenantDeliveries1795320000000 implements MigrationInterface {
  name = 'TenantDeliveries1795320000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "tenant_delivery_leases" ("tenant_id" uuid NOT NULL, "owner" text NOT NULL, "lease_until" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_87f57d96d8c6263c37e750e3117" PRIMARY KEY ("tenant_id"))`,
    );
    await q.query(
      `CREATE TABLE "tenant_deliveries" ("id" BIGSERIAL NOT NULL, "tenant_id" uuid NOT NULL, "kind" text NOT NULL, "message_id" text, "final" boolean NOT NULL DEFAULT false, "pdu" jsonb NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "status" text NOT NULL DEFAULT 'pending', "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_tenant_deliveries_delivered_at" CHECK (("status" = 'delivered') = ("delivered_at" IS NOT NULL)), CONSTRAINT "CHK_tenant_deliveries_final" CHECK ("kind" = 'dlr' OR NOT "final"), CONSTRAINT "CHK_tenant_deliveries_message" CHECK (("kind" = 'dlr') = ("message_id" IS NOT NULL)), CONSTRAINT "CHK_tenant_deliveries_status" CHECK ("status" IN ('pending', 'delivered', 'expired')), CONSTRAINT "CHK_tenant_deliveries_kind" CHECK ("kind" IN ('dlr', 'mo')), CONSTRAINT "PK_e02d5a089cc3f6c49cf4189b813" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_tenant_deliveries_final_dlr" ON "tenant_deliveries" ("message_id") WHERE "final"`,
    );
    await q.query(
      `CREATE INDEX "IDX_tenant_deliveries_expiry" ON "tenant_deliveries" ("expires_at") WHERE "status" = 'pending'`,
    );
    await q.query(
      `CREATE INDEX "IDX_tenant_deliveries_pending" ON "tenant_deliveries" ("tenant_id", "id") WHERE "status" = 'pending'`,
    );
    await q.query(
      `ALTER TABLE "tenant_delivery_leases" ADD CONSTRAINT "FK_tenant_delivery_leases_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "tenant_deliveries" ADD CONSTRAINT "FK_tenant_deliveries_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "tenant_deliveries" ADD CONSTRAINT "FK_tenant_deliveries_message" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tenant_deliveries" DROP CONSTRAINT "FK_tenant_deliveries_message"`);
    await q.query(`ALTER TABLE "tenant_deliveries" DROP CONSTRAINT "FK_tenant_deliveries_tenant"`);
    await q.query(`ALTER TABLE "tenant_delivery_leases" DROP CONSTRAINT "FK_tenant_delivery_leases_tenant"`);
    await q.query(`DROP INDEX "public"."IDX_tenant_deliveries_pending"`);
    await q.query(`DROP INDEX "public"."IDX_tenant_deliveries_expiry"`);
    await q.query(`DROP INDEX "public"."UQ_tenant_deliveries_final_dlr"`);
    await q.query(`DROP TABLE "tenant_deliveries"`);
    await q.query(`DROP TABLE "tenant_delivery_leases"`);
  }
}
