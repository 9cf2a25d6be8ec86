import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rate decks (buy side), price plans (sell side) and route plans: the data of least-cost routing. */
export class Routing1795318438562 implements MigrationInterface {
  name = 'Routing1795318438562';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "rate_decks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "provider_id" text NOT NULL, "version" integer NOT NULL, "currency" character(3) NOT NULL, "effective_from" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "row_count" integer NOT NULL DEFAULT '0', "status" text NOT NULL DEFAULT 'loading', CONSTRAINT "UQ_rate_decks_provider_version" UNIQUE ("provider_id", "version"), CONSTRAINT "CHK_rate_decks_row_count" CHECK ("row_count" >= 0), CONSTRAINT "CHK_rate_decks_status" CHECK ("status" IN ('loading', 'ready')), CONSTRAINT "CHK_rate_decks_currency" CHECK ("currency" ~ '^[A-Z]{3}$'), CONSTRAINT "CHK_rate_decks_version" CHECK ("version" > 0), CONSTRAINT "PK_79cae88af37c4a53751d6d3cbbe" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_rate_decks_provider_id" ON "rate_decks" ("provider_id")`);
    await q.query(
      `CREATE TABLE "rate_deck_entries" ("deck_id" uuid NOT NULL, "prefix" text NOT NULL, "cost_per_segment" bigint NOT NULL, "country" character(2), "mcc" text, "mnc" text, "network" text, CONSTRAINT "CHK_rate_deck_entries_mnc" CHECK ("mnc" ~ '^[0-9]{2,3}$'), CONSTRAINT "CHK_rate_deck_entries_mcc" CHECK ("mcc" ~ '^[0-9]{3}$'), CONSTRAINT "CHK_rate_deck_entries_country" CHECK ("country" ~ '^[A-Z]{2}$'), CONSTRAINT "CHK_rate_deck_entries_cost" CHECK ("cost_per_segment" >= 0), CONSTRAINT "CHK_rate_deck_entries_prefix" CHECK ("prefix" ~ '^[0-9]{1,15}$'), CONSTRAINT "PK_rate_deck_entries" PRIMARY KEY ("deck_id", "prefix"))`,
    );
    await q.query(
      `CREATE TABLE "price_plans" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid, "version" integer NOT NULL, "currency" character(3) NOT NULL, "effective_from" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "row_count" integer NOT NULL DEFAULT '0', "status" text NOT NULL DEFAULT 'loading', "refund_on_undeliverable" boolean NOT NULL DEFAULT false, "refund_on_expired" boolean NOT NULL DEFAULT false, "refund_on_rejected" boolean NOT NULL DEFAULT true, CONSTRAINT "CHK_price_plans_row_count" CHECK ("row_count" >= 0), CONSTRAINT "CHK_price_plans_status" CHECK ("status" IN ('loading', 'ready')), CONSTRAINT "CHK_price_plans_currency" CHECK ("currency" ~ '^[A-Z]{3}$'), CONSTRAINT "CHK_price_plans_version" CHECK ("version" > 0), CONSTRAINT "PK_c978391ad7172d3a27d8eb5306d" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_price_plans_default_version" ON "price_plans" ("version") WHERE "tenant_id" IS NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_price_plans_tenant_version" ON "price_plans" ("tenant_id", "version") WHERE "tenant_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE TABLE "price_plan_entries" ("plan_id" uuid NOT NULL, "prefix" text NOT NULL, "price_per_segment" bigint NOT NULL, CONSTRAINT "CHK_price_plan_entries_price" CHECK ("price_per_segment" >= 0), CONSTRAINT "CHK_price_plan_entries_prefix" CHECK ("prefix" ~ '^[0-9]{1,15}$'), CONSTRAINT "PK_price_plan_entries" PRIMARY KEY ("plan_id", "prefix"))`,
    );
    await q.query(
      `CREATE TABLE "route_plans" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid, "prefix" text NOT NULL DEFAULT '', "rank" integer NOT NULL DEFAULT '0', "strategy" text NOT NULL, "providers" jsonb NOT NULL, "allow_providers" jsonb NOT NULL, "deny_providers" jsonb NOT NULL, "filters" jsonb NOT NULL, "allow_below_cost" boolean NOT NULL DEFAULT false, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_route_plans_filters" CHECK (jsonb_typeof("filters") = 'object'), CONSTRAINT "CHK_route_plans_deny" CHECK (jsonb_typeof("deny_providers") = 'array'), CONSTRAINT "CHK_route_plans_allow" CHECK (jsonb_typeof("allow_providers") = 'array'), CONSTRAINT "CHK_route_plans_providers" CHECK (jsonb_typeof("providers") = 'array'), CONSTRAINT "CHK_route_plans_strategy" CHECK ("strategy" IN ('least_cost', 'priority', 'weighted')), CONSTRAINT "CHK_route_plans_prefix" CHECK ("prefix" ~ '^[0-9]{0,15}$'), CONSTRAINT "PK_4fe40cfa60aaf67f088eed332cf" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_route_plans_tenant_id" ON "route_plans" ("tenant_id")`);
    await q.query(
      `ALTER TABLE "rate_decks" ADD CONSTRAINT "FK_rate_decks_provider" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "rate_deck_entries" ADD CONSTRAINT "FK_rate_deck_entries_deck" FOREIGN KEY ("deck_id") REFERENCES "rate_decks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "price_plans" ADD CONSTRAINT "FK_price_plans_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "price_plan_entries" ADD CONSTRAINT "FK_price_plan_entries_plan" FOREIGN KEY ("plan_id") REFERENCES "price_plans"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "route_plans" ADD CONSTRAINT "FK_route_plans_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "route_plans" DROP CONSTRAINT "FK_route_plans_tenant"`);
    await q.query(`ALTER TABLE "price_plan_entries" DROP CONSTRAINT "FK_price_plan_entries_plan"`);
    await q.query(`ALTER TABLE "price_plans" DROP CONSTRAINT "FK_price_plans_tenant"`);
    await q.query(`ALTER TABLE "rate_deck_entries" DROP CONSTRAINT "FK_rate_deck_entries_deck"`);
    await q.query(`ALTER TABLE "rate_decks" DROP CONSTRAINT "FK_rate_decks_provider"`);
    await q.query(`DROP INDEX "public"."IDX_route_plans_tenant_id"`);
    await q.query(`DROP TABLE "route_plans"`);
    await q.query(`DROP TABLE "price_plan_entries"`);
    await q.query(`DROP INDEX "public"."UQ_price_plans_tenant_version"`);
    await q.query(`DROP INDEX "public"."UQ_price_plans_default_version"`);
    await q.query(`DROP TABLE "price_plans"`);
    await q.query(`DROP TABLE "rate_deck_entries"`);
    await q.query(`DROP INDEX "public"."IDX_rate_decks_provider_id"`);
    await q.query(`DROP TABLE "rate_decks"`);
  }
}
