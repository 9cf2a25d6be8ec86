import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants and providers: the two tables every other part of the product refers to. */
export class Base1763800000000 implements MigrationInterface {
  name = 'Base1763800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "providers" ("id" text NOT NULL, "name" text NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "health" text NOT NULL DEFAULT 'unknown', "health_updated_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_providers_id" CHECK ("id" ~ '^[a-z0-9][a-z0-9_-]{0,63}$'), CONSTRAINT "CHK_providers_health" CHECK ("health" IN ('up', 'degraded', 'down', 'unknown')), CONSTRAINT "PK_af13fc2ebf382fe0dad2e4793aa" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "tenants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "status" text NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_32731f181236a46182a38c992a8" UNIQUE ("name"), CONSTRAINT "CHK_tenants_status" CHECK ("status" IN ('active', 'suspended', 'closed')), CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tenants"`);
    await q.query(`DROP TABLE "providers"`);
  }
}
