import { Readable } from 'node:stream';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { RoutePlanValidationError } from './errors';
import { Router } from './router';
import { RoutingTableRefresher } from './routing-table.refresher';
import { RoutingRepository } from './routing.repository';
import { TariffImportRepository } from './tariff-import.repository';
import type { RoutingPlan, RoutingRequest, RoutingResult } from './types';

const NOW = new Date('2025-06-01T12:00:00Z');
const LATER = new Date('2025-06-01T13:00:00Z');
const PAST = new Date('2025-01-01T00:00:00Z');
const csv = (...lines: string[]) => Readable.from([lines.join('\n') + '\n']);

function planned(result: RoutingResult): RoutingPlan {
  if (!result.ok) throw new Error(`expected a plan, got ${result.reason}: ${result.detail}`);
  return result;
}

describe('RoutingRepository (Postgres)', () => {
  let database: TestDatabase;
  let repository: RoutingRepository;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    repository = new RoutingRepository(database.dataSource);
    const imports = new TariffImportRepository(database.dataSource);
    const sql = database.dataSource;
    await sql.query(`INSERT INTO providers (id, name, enabled, health) VALUES
      ('alpha', 'Alpha', true, 'up'), ('bravo', 'Bravo', true, 'degraded'), ('charlie', 'Charlie', false, 'up')`);
    [{ id: tenantId }] = await sql.query<{ id: string }[]>(
      `INSERT INTO tenants (name) VALUES ('acme') RETURNING id`,
    );

    const deck = (providerId: string, effectiveFrom: Date, ...rows: string[]) =>
      imports.importRateDeck(csv('prefix,cost,country,mcc,mnc,network', ...rows), {
        providerId,
        currency: 'EUR',
        effectiveFrom,
      });
    await deck('alpha', PAST, '44,0.009,GB,,,', '4477,0.008,GB,234,15,Vodafone UK');
    await deck(
      'alpha',
      new Date('2025-05-01T00:00:00Z'),
      '44,0.006,GB,,,',
      '4477,0.005,GB,234,15,"Vodafone\tUK"',
    );
    await deck('alpha', LATER, '44,0.004,GB,,,');
    await deck('bravo', PAST, '44,0.003,GB,,,');
    await deck('charlie', PAST, '44,0.001,GB,,,');
    // A deck whose import never committed its rows as ready must never be routed on.
    await sql.query(
      `INSERT INTO rate_decks (provider_id, version, currency, effective_from, status) VALUES ('bravo', 9, 'EUR', $1, 'loading')`,
      [PAST],
    );
    await imports.importPricePlan(csv('prefix,price', '44,0.01'), {
      tenantId: null,
      currency: 'EUR',
      effectiveFrom: PAST,
    });
    await imports.importPricePlan(csv('prefix,price', '4477,0.007'), {
      tenantId,
      currency: 'EUR',
      effectiveFrom: LATER,
    });
    await sql.query(
      `INSERT INTO route_plans (tenant_id, prefix, rank, strategy, providers, allow_providers, deny_providers, filters, allow_below_cost)
       VALUES (NULL, '', 0, 'least_cost', '[]', '[]', '[]', '{}', false),
              ($1, '44', 0, 'priority', '["bravo"]', '[]', '[]', '{"sourcePattern": "^PRIO"}', false)`,
      [tenantId],
    );
  });

  afterAll(async () => {
    await database.drop();
  });

  const request = (overrides: Partial<RoutingRequest> = {}): RoutingRequest => ({
    tenantId,
    destination: '447700900123',
    segments: 2,
    messageKey: 'm1',
    ...overrides,
  });

  it('loads provider states and validated route plans', async () => {
    expect(await repository.loadProviderStates()).toEqual([
      { id: 'alpha', enabled: true, health: 'up' },
      { id: 'bravo', enabled: true, health: 'degraded' },
      { id: 'charlie', enabled: false, health: 'up' },
    ]);
    const plans = await repository.loadRoutePlans();
    expect(plans.map((plan) => plan.strategy)).toEqual(
      expect.arrayContaining([{ kind: 'least_cost' }, { kind: 'priority', providers: ['bravo'] }]),
    );
  });

  it('loads the versions in force and the future ones, and routes on them by time', async () => {
    const table = await repository.loadTable(NOW);
    // alpha v2 (in force) and v3 (future), bravo v1, charlie v1; not alpha v1 (superseded) nor bravo v9 (loading).
    expect(table.stats).toMatchObject({
      rateDecks: 4,
      rateEntries: 5,
      pricePlans: 2,
      priceEntries: 2,
      routePlans: 2,
    });
    const clock = { now: NOW.getTime() };
    const router = new Router(table, { clock: () => clock.now });
    router.setProviderStates(await repository.loadProviderStates());

    const now = planned(router.plan(request()));
    expect(now.routePlanId).toEqual(expect.any(String));
    expect(now.attempts).toEqual([
      {
        providerId: 'alpha',
        health: 'up',
        currency: 'EUR',
        costPerSegment: 5000n,
        pricePerSegment: 10000n,
        cost: 10000n,
        price: 20000n,
        deckId: expect.any(String),
        deckVersion: 2,
        matchedPrefix: '4477',
        pricePlanId: expect.any(String),
        pricePlanVersion: 1,
        priceMatchedPrefix: '44',
        country: 'GB',
        mcc: '234',
        mnc: '15',
        network: 'Vodafone\tUK',
      },
      expect.objectContaining({
        providerId: 'bravo',
        health: 'degraded',
        costPerSegment: 3000n,
        deckVersion: 1,
      }),
    ]);
    expect(
      planned(router.plan(request({ source: 'PRIORITY' }))).attempts.map((attempt) => attempt.providerId),
    ).toEqual(['bravo']);

    clock.now = LATER.getTime();
    const later = planned(router.plan(request()));
    expect(
      later.attempts.map((attempt) => [attempt.providerId, attempt.deckVersion, attempt.costPerSegment]),
    ).toEqual([
      ['alpha', 3, 4000n],
      ['bravo', 1, 3000n],
    ]);
    // The tenant's own price plan took effect too: 0.007 for 4477.
    expect(later.attempts[0]).toMatchObject({ pricePerSegment: 7000n, priceMatchedPrefix: '4477' });
  });

  it('refreshes a router in the background and keeps the old table when a load fails', async () => {
    const router = new Router();
    const refresher = new RoutingTableRefresher(repository, router, () => NOW);
    const [first, second, third] = await Promise.all([
      refresher.refresh(),
      refresher.refresh(),
      refresher.refresh(),
    ]);
    expect(first.rateDecks).toBe(4);
    expect(second).toEqual(third);
    expect(planned(router.plan(request())).attempts[0].providerId).toBe('alpha');
    const loaded = router.table;

    await database.dataSource.query(
      `INSERT INTO route_plans (prefix, strategy, providers, allow_providers, deny_providers, filters)
       VALUES ('33', 'weighted', '[{"providerId": "alpha", "percent": 60}]', '[]', '[]', '{}')`,
    );
    await expect(refresher.refresh()).rejects.toThrow(RoutePlanValidationError);
    expect(router.table).toBe(loaded);

    await database.dataSource.query(`UPDATE providers SET health = 'down' WHERE id = 'alpha'`);
    await refresher.refreshProviderStates();
    expect(planned(router.plan(request())).attempts.map((attempt) => attempt.providerId)).toEqual(['bravo']);
  });
});
