import { MigrationInterface, QueryRunner } from 'typeorm';

/** Binds and failed-bind counts shared by every SMPP server instance (max_binds and lockout across the cluster). */
export class ClusterBinds1795322000000 implements MigrationInterface {
  name = 'ClusterBinds1795322000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "bind_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "credential_id" uuid NOT NULL, "instance_id" text NOT NULL, "bind_type" text NOT NULL, "remote_ip" text, "bound_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a0c70d54601963878b477e5b9ca" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_bind_sessions_instance" ON "bind_sessions" ("instance_id")`);
    await q.query(
      `CREATE INDEX "IDX_bind_sessions_credential" ON "bind_sessions" ("credential_id", "expires_at")`,
    );
    await q.query(
      `CREATE TABLE "bind_failures" ("ip" text NOT NULL, "system_id" text NOT NULL, "failures" integer NOT NULL, "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_e11b5695b1fa1794058c2068c61" PRIMARY KEY ("ip", "system_id"))`,
    );
    await q.query(`CREATE INDEX "IDX_bind_failures_window" ON "bind_failures" ("window_started_at")`);
    await q.query(
      `ALTER TABLE "bind_sessions" ADD CONSTRAINT "FK_bind_sessions_credential" FOREIGN KEY ("credential_id") REFERENCES "tenant_credentials"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "bind_sessions" DROP CONSTRAINT "FK_bind_sessions_credential"`);
    await q.query(`DROP INDEX "public"."IDX_bind_failures_window"`);
    await q.query(`DROP TABLE "bind_failures"`);
    await q.query(`DROP INDEX "public"."IDX_bind_sessions_credential"`);
    await q.query(`DROP INDEX "public"."IDX_bind_sessions_instance"`);
    await q.query(`DROP TABLE "bind_sessions"`);
  }
}
