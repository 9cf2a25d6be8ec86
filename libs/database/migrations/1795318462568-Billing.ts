import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing: accounts (cached balance and reserved), reservations, and the append-only ledger they follow from.
 * The trigger is not part of the entities (TypeORM does not model triggers), so the schema drift check ignores it.
 */
export class Billing1795318462568 implements MigrationInterface {
  name = 'Billing1795318462568';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "accounts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "currency" character(3) NOT NULL, "balance" bigint NOT NULL DEFAULT '0', "reserved" bigint NOT NULL DEFAULT '0', "credit_limit" bigint NOT NULL DEFAULT '0', "low_balance_threshold" bigint NOT NULL DEFAULT '0', "status" text NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_accounts_tenant" UNIQUE ("tenant_id"), CONSTRAINT "CHK_accounts_no_overdraft" CHECK ("balance" - "reserved" + "credit_limit" >= 0), CONSTRAINT "CHK_accounts_reserved" CHECK ("reserved" >= 0), CONSTRAINT "CHK_accounts_credit_limit" CHECK ("credit_limit" >= 0), CONSTRAINT "CHK_accounts_currency" CHECK ("currency" ~ '^[A-Z]{3}$'), CONSTRAINT "CHK_accounts_status" CHECK ("status" IN ('active', 'suspended', 'closed')), CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "reservations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "idempotency_key" text NOT NULL, "amount" bigint NOT NULL, "segments" integer NOT NULL, "status" text NOT NULL DEFAULT 'pending', "message_ref" text, "provider_id" text, "cost" bigint, "destination_prefix" text, "country" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_reservations_idempotency_key" UNIQUE ("idempotency_key"), CONSTRAINT "CHK_reservations_resolved_at" CHECK (("status" = 'pending') = ("resolved_at" IS NULL)), CONSTRAINT "CHK_reservations_segments" CHECK ("segments" >= 1), CONSTRAINT "CHK_reservations_cost" CHECK ("cost" >= 0), CONSTRAINT "CHK_reservations_amount" CHECK ("amount" >= 0), CONSTRAINT "CHK_reservations_status" CHECK ("status" IN ('pending', 'posted', 'voided', 'expired')), CONSTRAINT "PK_da95cef71b617ac35dc5bcda243" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_reservations_account_created" ON "reservations" ("account_id", "created_at") `,
    );
    await q.query(
      `CREATE INDEX "IDX_reservations_pending_expiry" ON "reservations" ("expires_at") WHERE "status" = 'pending'`,
    );
    await q.query(
      `CREATE TABLE "ledger_entries" ("id" BIGSERIAL NOT NULL, "account_id" uuid NOT NULL, "kind" text NOT NULL, "amount" bigint NOT NULL, "idempotency_key" text NOT NULL, "reservation_id" uuid, "reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_ledger_entries_idempotency_key" UNIQUE ("idempotency_key"), CONSTRAINT "CHK_ledger_entries_reason" CHECK (("kind" = 'adjust') = ("reason" IS NOT NULL)), CONSTRAINT "CHK_ledger_entries_reservation" CHECK (("kind" IN ('reserve', 'post', 'void', 'expire')) = ("reservation_id" IS NOT NULL)), CONSTRAINT "CHK_ledger_entries_amount" CHECK (("kind" = 'topup' AND "amount" > 0) OR ("kind" = 'adjust' AND "amount" <> 0) OR ("kind" IN ('reserve', 'post', 'void', 'expire') AND "amount" >= 0)), CONSTRAINT "CHK_ledger_entries_kind" CHECK ("kind" IN ('topup', 'reserve', 'post', 'void', 'expire', 'adjust')), CONSTRAINT "PK_6efcb84411d3f08b08450ae75d5" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_ledger_entries_resolution" ON "ledger_entries" ("reservation_id") WHERE "kind" IN ('post', 'void', 'expire')`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_ledger_entries_reserve" ON "ledger_entries" ("reservation_id") WHERE "kind" = 'reserve'`,
    );
    await q.query(`CREATE INDEX "IDX_ledger_entries_account" ON "ledger_entries" ("account_id", "id") `);
    await q.query(
      `ALTER TABLE "accounts" ADD CONSTRAINT "FK_accounts_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "reservations" ADD CONSTRAINT "FK_reservations_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "reservations" ADD CONSTRAINT "FK_reservations_provider" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_ledger_entries_account" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_ledger_entries_reservation" FOREIGN KEY ("reservation_id") REFERENCES "reservations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE FUNCTION "ledger_entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
END
$$`,
    );
    await q.query(
      `CREATE TRIGGER "TRG_ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries" FOR EACH ROW EXECUTE FUNCTION "ledger_entries_append_only"()`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "TRG_ledger_entries_append_only" ON "ledger_entries"`);
    await q.query(`DROP FUNCTION "ledger_entries_append_only"()`);
    await q.query(`ALTER TABLE "ledger_entries" DROP CONSTRAINT "FK_ledger_entries_reservation"`);
    await q.query(`ALTER TABLE "ledger_entries" DROP CONSTRAINT "FK_ledger_entries_account"`);
    await q.query(`ALTER TABLE "reservations" DROP CONSTRAINT "FK_reservations_provider"`);
    await q.query(`ALTER TABLE "reservations" DROP CONSTRAINT "FK_reservations_account"`);
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "FK_accounts_tenant"`);
    await q.query(`DROP INDEX "public"."IDX_ledger_entries_account"`);
    await q.query(`DROP INDEX "public"."UQ_ledger_entries_reserve"`);
    await q.query(`DROP INDEX "public"."UQ_ledger_entries_resolution"`);
    await q.query(`DROP TABLE "ledger_entries"`);
    await q.query(`DROP INDEX "public"."IDX_reservations_pending_expiry"`);
    await q.query(`DROP INDEX "public"."IDX_reservations_account_created"`);
    await q.query(`DROP TABLE "reservations"`);
    await q.query(`DROP TABLE "accounts"`);
  }
}
