import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { RoutingDataError } from './errors';
import { copyOut, withConnection } from './pg-copy';
import { parseRoutePlan, type RoutePlanDefinition } from './route-plan';
import type { RoutingTable } from './routing-table';
import { RoutingTableBuilder } from './routing-table.builder';
import { PROVIDER_HEALTH_STATES, type ProviderHealthState, type ProviderState } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface VersionRow {
  id: string;
  owner: string | null;
  version: number;
  currency: string;
  effective_from: Date;
}

interface RoutePlanRow {
  id: string;
  tenant_id: string | null;
  prefix: string;
  rank: number;
  strategy: string;
  providers: unknown;
  allow_providers: unknown;
  deny_providers: unknown;
  filters: unknown;
  allow_below_cost: boolean;
}

const ENABLED_ROUTE_PLANS = `SELECT id, tenant_id, prefix, rank, strategy, providers, allow_providers,
    deny_providers, filters, allow_below_cost
  FROM route_plans WHERE enabled ORDER BY id`;

/**
 * The version in force at $1 for each owner, plus every later one: for each `owner`, rows whose effective_from is
 * after $1, or the latest (effective_from, version) at or before it. Only `ready` versions (committed imports).
 */
function versionsInForceOrLater(
  table: 'rate_decks' | 'price_plans',
  owner: 'provider_id' | 'tenant_id',
): string {
  return `SELECT id, ${owner}::text AS owner, version, currency, effective_from
    FROM ${table} candidate
    WHERE status = 'ready'
      AND (effective_from > $1 OR NOT EXISTS (
        SELECT 1 FROM ${table} newer
        WHERE newer.status = 'ready' AND newer.${owner} IS NOT DISTINCT FROM candidate.${owner}
          AND newer.effective_from <= $1
          AND (newer.effective_from, newer.version) > (candidate.effective_from, candidate.version)))
    ORDER BY owner NULLS FIRST, effective_from, version`;
}

/** Loads routing data from Postgres: provider states, route plans and whole routing tables. */
export class RoutingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async loadProviderStates(): Promise<ProviderState[]> {
    const rows = await this.dataSource.query<{ id: string; enabled: boolean; health: string }[]>(
      'SELECT id, enabled, health FROM providers ORDER BY id',
    );
    return rows.map((row) => ({ id: row.id, enabled: row.enabled, health: toHealth(row.health) }));
  }

  /** Enabled route plans, validated; throws RoutePlanValidationError for the first invalid one. */
  async loadRoutePlans(): Promise<RoutePlanDefinition[]> {
    const rows = await this.dataSource.query<RoutePlanRow[]>(ENABLED_ROUTE_PLANS);
    return rows.map(toRoutePlan);
  }

  /**
   * Builds a routing table with the deck and price plan versions in force at `now` and every later one (which take
   * over at their effective time), and the enabled route plans. Reads one consistent snapshot (repeatable read),
   * streams the entries with COPY into the builder, then builds in slices so the event loop keeps running.
   */
  async loadTable(now: Date): Promise<RoutingTable> {
    const builder = new RoutingTableBuilder();
    await withConnection(this.dataSource, async (runner, client) => {
      await runner.startTransaction('REPEATABLE READ');
      try {
        await client.query('SET TRANSACTION READ ONLY');
        const decks = await client.query<VersionRow>(versionsInForceOrLater('rate_decks', 'provider_id'), [
          now,
        ]);
        for (const deck of decks.rows) {
          const slot = builder.addRateDeck({
            id: deck.id,
            providerId: requireOwner(deck),
            version: deck.version,
            currency: deck.currency,
            effectiveFrom: deck.effective_from,
          });
          await streamEntries(
            client,
            `SELECT prefix, cost_per_segment, country, mcc, mnc, network FROM rate_deck_entries WHERE deck_id = '${uuid(deck.id)}'`,
            ([prefix, cost, country, mcc, mnc, network]) =>
              builder.addRateEntry(slot, requireField(prefix), BigInt(requireField(cost)), {
                country,
                mcc,
                mnc,
                network,
              }),
          );
        }
        const plans = await client.query<VersionRow>(versionsInForceOrLater('price_plans', 'tenant_id'), [
          now,
        ]);
        for (const plan of plans.rows) {
          const slot = builder.addPricePlan({
            id: plan.id,
            tenantId: plan.owner,
            version: plan.version,
            currency: plan.currency,
            effectiveFrom: plan.effective_from,
          });
          await streamEntries(
            client,
            `SELECT prefix, price_per_segment FROM price_plan_entries WHERE plan_id = '${uuid(plan.id)}'`,
            ([prefix, price]) =>
              builder.addPriceEntry(slot, requireField(prefix), BigInt(requireField(price))),
          );
        }
        const routePlans = await client.query<RoutePlanRow>(ENABLED_ROUTE_PLANS);
        builder.setRoutePlans(routePlans.rows.map(toRoutePlan));
        await runner.commitTransaction();
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      }
    });
    return builder.buildInBackground();
  }
}

async function streamEntries(
  client: PoolClient,
  select: string,
  onRow: (fields: readonly (string | null)[]) => void,
): Promise<void> {
  await copyOut(client, `COPY (${select}) TO STDOUT`, onRow);
}

function toRoutePlan(row: RoutePlanRow): RoutePlanDefinition {
  return parseRoutePlan({
    id: row.id,
    tenantId: row.tenant_id,
    prefix: row.prefix,
    rank: row.rank,
    strategy: row.strategy,
    providers: row.providers,
    allowProviders: row.allow_providers,
    denyProviders: row.deny_providers,
    filters: row.filters,
    allowBelowCost: row.allow_below_cost,
  });
}

function toHealth(value: string): ProviderHealthState {
  return (PROVIDER_HEALTH_STATES as readonly string[]).includes(value)
    ? (value as ProviderHealthState)
    : 'unknown';
}

function uuid(value: string): string {
  if (!UUID.test(value)) throw new RoutingDataError(`not a uuid: ${value}`);
  return value;
}

function requireOwner(row: VersionRow): string {
  if (row.owner === null) throw new RoutingDataError(`rate deck ${row.id} has no provider`);
  return row.owner;
}

function requireField(value: string | null): string {
  if (value === null) throw new RoutingDataError('unexpected null in a NOT NULL column');
  return value;
}
