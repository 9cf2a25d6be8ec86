import { MigrationInterface, QueryRunner } from 'typeorm';

/** provider_sessions: each connector process's upstream sessions (state, window, last error) for the admin API. */
export class ProviderSessions1795325000000 implements MigrationInterface {
  name = 'ProviderSessions1795325000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "provider_sessions" ("provider_id" text NOT NULL, "instance" text NOT NULL, "session_index" integer NOT NULL, "state" text NOT NULL, "bind_type" text, "host" text NOT NULL, "window_in_use" integer NOT NULL DEFAULT '0', "window_size" integer NOT NULL, "last_error" text, "last_error_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_provider_sessions" PRIMARY KEY ("provider_id", "instance", "session_index"))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "provider_sessions"`);
  }
}
