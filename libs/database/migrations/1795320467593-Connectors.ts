import { MigrationInterface, QueryRunner } from 'typeorm';

/** Connector runtime: submit attempts, parked receipts, MO numbers and Infobip Number Lookup results. */
export class Connectors1795320467593 implements MigrationInterface {
  name = 'Connectors1795320467593';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "attempts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "message_id" text NOT NULL, "provider_id" text NOT NULL, "attempt_no" integer NOT NULL, "status" text NOT NULL, "command_status" bigint, "provider_message_id" text, "provider_message_key" text, "classification" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, "answered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_attempts_status" CHECK ("status" IN ('pending', 'sent', 'accepted', 'rejected', 'indeterminate', 'resubmitted', 'given_up')), CONSTRAINT "PK_295ca261e361fd2fd217754dcac" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_attempts_open" ON "attempts" ("provider_id", "status") WHERE "status" IN ('pending', 'sent', 'indeterminate')`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_attempts_provider_message" ON "attempts" ("provider_id", "provider_message_key") WHERE "provider_message_key" IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "IDX_attempts_message" ON "attempts" ("message_id")`);
    await q.query(
      `CREATE TABLE "mo_numbers" ("number" text NOT NULL, "match" text NOT NULL DEFAULT 'exact', "tenant_id" uuid NOT NULL, CONSTRAINT "CHK_mo_numbers_number" CHECK ("number" ~ '^[0-9]{1,20}$'), CONSTRAINT "CHK_mo_numbers_match" CHECK ("match" IN ('exact', 'prefix')), CONSTRAINT "PK_db8ea54860d3e38ae03efba22c4" PRIMARY KEY ("number"))`,
    );
    await q.query(
      `CREATE TABLE "number_lookups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "provider_id" text NOT NULL, "msisdn" text NOT NULL, "status" text NOT NULL, "provider_message_key" text, "mcc" text, "mnc" text, "network" text, "ported" boolean, "roaming" boolean, "error_code" text, "result" jsonb, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "answered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_number_lookups_status" CHECK ("status" IN ('pending', 'found', 'not_found', 'failed')), CONSTRAINT "PK_585843a7c2c19cc29c75db935cf" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_number_lookups_provider_message" ON "number_lookups" ("provider_id", "provider_message_key")`,
    );
    await q.query(`CREATE INDEX "IDX_number_lookups_msisdn" ON "number_lookups" ("msisdn", "requested_at")`);
    await q.query(
      `CREATE TABLE "parked_dlrs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "provider_id" text NOT NULL, "provider_message_key" text NOT NULL, "reason" text NOT NULL, "outcome" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "CHK_parked_dlrs_reason" CHECK ("reason" IN ('early', 'unknown')), CONSTRAINT "PK_d2e7175d82b752db2f7dcf518ec" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_parked_dlrs_expires" ON "parked_dlrs" ("expires_at")`);
    await q.query(
      `CREATE INDEX "IDX_parked_dlrs_key" ON "parked_dlrs" ("provider_id", "provider_message_key")`,
    );
    await q.query(
      `ALTER TABLE "attempts" ADD CONSTRAINT "FK_attempts_message" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "attempts" ADD CONSTRAINT "FK_attempts_provider" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "mo_numbers" ADD CONSTRAINT "FK_mo_numbers_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "mo_numbers" DROP CONSTRAINT "FK_mo_numbers_tenant"`);
    await q.query(`ALTER TABLE "attempts" DROP CONSTRAINT "FK_attempts_provider"`);
    await q.query(`ALTER TABLE "attempts" DROP CONSTRAINT "FK_attempts_message"`);
    await q.query(`DROP INDEX "public"."IDX_parked_dlrs_key"`);
    await q.query(`DROP INDEX "public"."IDX_parked_dlrs_expires"`);
    await q.query(`DROP TABLE "parked_dlrs"`);
    await q.query(`DROP INDEX "public"."IDX_number_lookups_msisdn"`);
    await q.query(`DROP INDEX "public"."IDX_number_lookups_provider_message"`);
    await q.query(`DROP TABLE "number_lookups"`);
    await q.query(`DROP TABLE "mo_numbers"`);
    await q.query(`DROP INDEX "public"."IDX_attempts_message"`);
    await q.query(`DROP INDEX "public"."UQ_attempts_provider_message"`);
    await q.query(`DROP INDEX "public"."IDX_attempts_open"`);
    await q.query(`DROP TABLE "attempts"`);
  }
}
