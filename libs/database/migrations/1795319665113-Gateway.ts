import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ESME-facing gateway: tenant SMPP credentials (scrypt hashes), accepted messages, and the transactional outbox.
 */
export class Gateway1795319665113 implements MigrationInterface {
  name = 'Gateway1795319665113';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "messages" ("id" text NOT NULL, "tenant_id" uuid NOT NULL, "system_id" text NOT NULL, "group_id" text NOT NULL, "part_no" integer NOT NULL DEFAULT '1', "part_total" integer NOT NULL DEFAULT '1', "status" text NOT NULL, "final" boolean NOT NULL DEFAULT false, "source_addr" text NOT NULL, "source_addr_ton" smallint NOT NULL, "source_addr_npi" smallint NOT NULL, "destination_addr" text NOT NULL, "dest_addr_ton" smallint NOT NULL, "dest_addr_npi" smallint NOT NULL, "esm_class" smallint NOT NULL, "protocol_id" smallint NOT NULL, "priority_flag" smallint NOT NULL, "registered_delivery" smallint NOT NULL, "data_coding" smallint NOT NULL, "short_message" bytea NOT NULL, "tlvs" jsonb NOT NULL DEFAULT '[]', "user_message_reference" integer, "dlr_text" text NOT NULL DEFAULT '', "segments" integer NOT NULL, "schedule_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE, "route" jsonb NOT NULL DEFAULT '[]', "reservation_id" uuid, "provider_id" text, "provider_message_id" text, "error_code" text, "network_error_code" bytea, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "done_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_messages_parts" CHECK ("part_no" >= 1 AND "part_no" <= "part_total"), CONSTRAINT "CHK_messages_status" CHECK ("status" IN ('accepted', 'scheduled', 'queued', 'sent', 'delivered', 'undeliverable', 'expired', 'rejected', 'deleted', 'unknown')), CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_messages_provider_message" ON "messages" ("provider_id", "provider_message_id") WHERE "provider_message_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_messages_scheduled" ON "messages" ("schedule_at") WHERE "status" = 'scheduled'`,
    );
    await q.query(
      `CREATE INDEX "IDX_messages_pending_expiry" ON "messages" ("expires_at") WHERE "status" IN ('accepted', 'scheduled', 'queued')`,
    );
    await q.query(`CREATE INDEX "IDX_messages_group" ON "messages" ("group_id") WHERE "part_total" > 1`);
    await q.query(`CREATE INDEX "IDX_messages_tenant_submitted" ON "messages" ("tenant_id", "submitted_at")`);
    await q.query(
      `CREATE TABLE "outbox" ("id" BIGSERIAL NOT NULL, "topic" text NOT NULL, "message_id" text, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_outbox_unpublished" ON "outbox" ("id") WHERE "published_at" IS NULL`);
    await q.query(
      `CREATE TABLE "tenant_credentials" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "system_id" text NOT NULL, "password_hash" bytea NOT NULL, "password_salt" bytea NOT NULL, "password_params" jsonb NOT NULL, "allow_long_password" boolean NOT NULL DEFAULT false, "allowed_ips" text array NOT NULL DEFAULT '{}', "max_binds" integer NOT NULL DEFAULT '4', "allowed_bind_types" text array NOT NULL DEFAULT '{transmitter,receiver,transceiver}', "tps_limit" integer NOT NULL DEFAULT '100', "allowed_sources" text array NOT NULL DEFAULT '{}', "allowed_destination_prefixes" text array NOT NULL DEFAULT '{}', "status" text NOT NULL DEFAULT 'active', "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_tenant_credentials_system_id" UNIQUE ("system_id"), CONSTRAINT "CHK_tenant_credentials_tps" CHECK ("tps_limit" >= 1), CONSTRAINT "CHK_tenant_credentials_max_binds" CHECK ("max_binds" >= 1), CONSTRAINT "CHK_tenant_credentials_system_id" CHECK (char_length("system_id") BETWEEN 1 AND 15), CONSTRAINT "CHK_tenant_credentials_status" CHECK ("status" IN ('active', 'disabled', 'revoked')), CONSTRAINT "PK_7588d1bcbc3c77d162b820e963e" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_tenant_credentials_tenant" ON "tenant_credentials" ("tenant_id")`);
    await q.query(
      `ALTER TABLE "messages" ADD CONSTRAINT "FK_messages_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "tenant_credentials" ADD CONSTRAINT "FK_tenant_credentials_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tenant_credentials" DROP CONSTRAINT "FK_tenant_credentials_tenant"`);
    await q.query(`ALTER TABLE "messages" DROP CONSTRAINT "FK_messages_tenant"`);
    await q.query(`DROP INDEX "public"."IDX_tenant_credentials_tenant"`);
    await q.query(`DROP TABLE "tenant_credentials"`);
    await q.query(`DROP INDEX "public"."IDX_outbox_unpublished"`);
    await q.query(`DROP TABLE "outbox"`);
    await q.query(`DROP INDEX "public"."IDX_messages_tenant_submitted"`);
    await q.query(`DROP INDEX "public"."IDX_messages_group"`);
    await q.query(`DROP INDEX "public"."IDX_messages_pending_expiry"`);
    await q.query(`DROP INDEX "public"."IDX_messages_scheduled"`);
    await q.query(`DROP INDEX "public"."IDX_messages_provider_message"`);
    await q.query(`DROP TABLE "messages"`);
  }
}
