import { MigrationInterface, QueryRunner } from 'typeorm';

/** Admin API: API keys (stored as SHA-256) and the audit log of changes. */
export class AdminApi1795321000000 implements MigrationInterface {
  name = 'AdminApi1795321000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "role" text NOT NULL, "tenant_id" uuid, "key_hash" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_api_keys_tenant" CHECK (("role" = 'tenant') = ("tenant_id" IS NOT NULL)), CONSTRAINT "CHK_api_keys_role" CHECK ("role" IN ('admin', 'readonly', 'tenant')), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "UQ_api_keys_key_hash" ON "api_keys" ("key_hash")`);
    await q.query(
      `CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "api_key_id" uuid, "method" text NOT NULL, "path" text NOT NULL, "resource_id" text, "status_code" integer NOT NULL, "summary" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_audit_log_created_at" ON "audit_log" ("created_at")`);
    await q.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_api_keys_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "FK_api_keys_tenant"`);
    await q.query(`DROP INDEX "public"."IDX_audit_log_created_at"`);
    await q.query(`DROP TABLE "audit_log"`);
    await q.query(`DROP INDEX "public"."UQ_api_keys_key_hash"`);
    await q.query(`DROP TABLE "api_keys"`);
  }
}
