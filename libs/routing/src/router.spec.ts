import fc from 'fast-check';
import { InvalidRoutingRequestError, RoutePlanValidationError, RoutingDataError } from './errors';
import type { RoutePlanDefinition, RouteStrategy } from './route-plan';
import { Router } from './router';
import { hashMessageKey, RoutingTable } from './routing-table';
import { RoutingTableBuilder, type RateEntryDetails } from './routing-table.builder';
import type { ProviderHealthState, ProviderState, RoutingPlan, RoutingRequest, RoutingResult } from './types';

/** Monday 2025-01-06 12:00 UTC. */
const MONDAY_NOON = Date.UTC(2025, 0, 6, 12, 0);
const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';

interface DeckSpec {
  provider: string;
  version?: number;
  currency?: string;
  from?: number;
  /** prefix -> cost per segment in micro-units, or [cost, details]. */
  rates: Record<string, number | [number, RateEntryDetails]>;
}

interface PriceSpec {
  tenant?: string | null;
  version?: number;
  currency?: string;
  from?: number;
  prices: Record<string, number>;
}

function buildTable(decks: DeckSpec[], prices: PriceSpec[], plans: RoutePlanDefinition[]): RoutingTable {
  const builder = new RoutingTableBuilder();
  decks.forEach((spec, index) => {
    const version = spec.version ?? 1;
    const deck = builder.addRateDeck({
      id: `deck-${spec.provider}-v${version}`,
      providerId: spec.provider,
      version,
      currency: spec.currency ?? 'EUR',
      effectiveFrom: new Date(spec.from ?? 0),
    });
    expect(deck).toBe(index);
    for (const [prefix, rate] of Object.entries(spec.rates)) {
      const [cost, details] = typeof rate === 'number' ? [rate, {}] : rate;
      builder.addRateEntry(deck, prefix, BigInt(cost), details);
    }
  });
  for (const spec of prices) {
    const tenantId = spec.tenant ?? null;
    const version = spec.version ?? 1;
    const plan = builder.addPricePlan({
      id: `price-${tenantId ?? 'default'}-v${version}`,
      tenantId,
      version,
      currency: spec.currency ?? 'EUR',
      effectiveFrom: new Date(spec.from ?? 0),
    });
    for (const [prefix, price] of Object.entries(spec.prices))
      builder.addPriceEntry(plan, prefix, BigInt(price));
  }
  return builder.setRoutePlans(plans).build();
}

function routePlan(
  overrides: Partial<RoutePlanDefinition> & { strategy?: RouteStrategy } = {},
): RoutePlanDefinition {
  return {
    id: 'plan-default',
    tenantId: null,
    prefix: '',
    rank: 0,
    strategy: { kind: 'least_cost' },
    allowProviders: [],
    denyProviders: [],
    filters: {},
    allowBelowCost: false,
    ...overrides,
  };
}

function request(overrides: Partial<RoutingRequest> = {}): RoutingRequest {
  return { tenantId: TENANT, destination: '447700900123', segments: 1, messageKey: 'msg-1', ...overrides };
}

function states(health: Record<string, ProviderHealthState | 'disabled'>): ProviderState[] {
  return Object.entries(health).map(([id, state]) =>
    state === 'disabled' ? { id, enabled: false, health: 'up' } : { id, enabled: true, health: state },
  );
}

function routerFor(
  table: RoutingTable,
  health: Record<string, ProviderHealthState | 'disabled'>,
  now = MONDAY_NOON,
) {
  const clock = { now };
  const router = new Router(table, { clock: () => clock.now });
  router.setProviderStates(states(health));
  return { router, clock };
}

function planned(result: RoutingResult): RoutingPlan {
  if (!result.ok) throw new Error(`expected a plan, got ${result.reason}: ${result.detail}`);
  return result;
}

const providersOf = (result: RoutingResult) => planned(result).attempts.map((attempt) => attempt.providerId);

const THREE_DECKS: DeckSpec[] = [
  {
    provider: 'alpha',
    rates: { '44': 3000, '4477': [2000, { country: 'GB', mcc: '234', mnc: '15', network: 'Vodafone' }] },
  },
  { provider: 'bravo', rates: { '44': 2500, '1': 900 } },
  { provider: 'charlie', rates: { '447': 2500 } },
];
const DEFAULT_PRICES: PriceSpec = { prices: { '44': 5000, '1': 1000 } };
const ALL_UP = { alpha: 'up', bravo: 'up', charlie: 'up' } as const;

describe('Router.plan: least cost', () => {
  const table = buildTable(THREE_DECKS, [DEFAULT_PRICES], [routePlan()]);

  it('orders providers by cost, ties by provider id, each at its own longest prefix', () => {
    const { router } = routerFor(table, ALL_UP);
    const result = planned(router.plan(request({ segments: 3 })));
    expect(result).toMatchObject({
      destination: '447700900123',
      segments: 3,
      routePlanId: 'plan-default',
      strategy: 'least_cost',
    });
    expect(result.attempts).toEqual([
      {
        providerId: 'alpha',
        health: 'up',
        currency: 'EUR',
        costPerSegment: 2000n,
        pricePerSegment: 5000n,
        cost: 6000n,
        price: 15000n,
        deckId: 'deck-alpha-v1',
        deckVersion: 1,
        matchedPrefix: '4477',
        pricePlanId: 'price-default-v1',
        pricePlanVersion: 1,
        priceMatchedPrefix: '44',
        country: 'GB',
        mcc: '234',
        mnc: '15',
        network: 'Vodafone',
      },
      expect.objectContaining({
        providerId: 'bravo',
        costPerSegment: 2500n,
        matchedPrefix: '44',
        country: null,
      }),
      expect.objectContaining({ providerId: 'charlie', costPerSegment: 2500n, matchedPrefix: '447' }),
    ]);
  });

  it('uses the shorter prefix of a provider when its longer one does not match', () => {
    const { router } = routerFor(table, ALL_UP);
    const result = planned(router.plan(request({ destination: '+442071234567' })));
    expect(
      result.attempts.map((attempt) => [attempt.providerId, attempt.matchedPrefix, attempt.costPerSegment]),
    ).toEqual([
      ['bravo', '44', 2500n],
      ['alpha', '44', 3000n],
    ]);
  });

  it('applies allow and deny lists', () => {
    const allowOnly = buildTable(
      THREE_DECKS,
      [DEFAULT_PRICES],
      [routePlan({ allowProviders: ['charlie', 'alpha'] })],
    );
    expect(providersOf(routerFor(allowOnly, ALL_UP).router.plan(request()))).toEqual(['alpha', 'charlie']);
    const deny = buildTable(THREE_DECKS, [DEFAULT_PRICES], [routePlan({ denyProviders: ['alpha'] })]);
    expect(providersOf(routerFor(deny, ALL_UP).router.plan(request()))).toEqual(['bravo', 'charlie']);
  });

  it('agrees with a naive model for random decks, prices and health', () => {
    const providers = ['p0', 'p1', 'p2', 'p3'];
    const healthState = fc.constantFrom<ProviderHealthState | 'disabled'>(
      'up',
      'degraded',
      'down',
      'unknown',
      'disabled',
    );
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), {
          minLength: 4,
          maxLength: 4,
        }),
        fc.array(healthState, { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        (costs, health, price, allowBelowCost) => {
          const decks = providers.flatMap((provider, index) =>
            costs[index] === undefined ? [] : [{ provider, rates: { '3': costs[index] } }],
          );
          const table = buildTable(decks, [{ prices: { '3': price } }], [routePlan({ allowBelowCost })]);
          const { router } = routerFor(
            table,
            Object.fromEntries(providers.map((id, index) => [id, health[index]])),
          );
          const classOf = (index: number) =>
            health[index] === 'up' ? 1 : health[index] === 'degraded' || health[index] === 'unknown' ? 2 : 0;
          const routable = providers.map((_, index) => index).filter((index) => costs[index] !== undefined);
          const usable = routable.filter((index) => classOf(index) !== 0);
          const eligible = usable.filter((index) => allowBelowCost || costs[index]! <= price);
          const expected = eligible
            .sort((a, b) => classOf(a) - classOf(b) || costs[a]! - costs[b]! || a - b)
            .map((index) => providers[index]);
          const result = router.plan(request({ destination: '3001' }));
          if (routable.length === 0) expect(result).toMatchObject({ ok: false, reason: 'NO_ROUTE' });
          else if (usable.length === 0)
            expect(result).toMatchObject({ ok: false, reason: 'NO_HEALTHY_PROVIDER' });
          else if (eligible.length === 0) expect(result).toMatchObject({ ok: false, reason: 'BELOW_COST' });
          else expect(providersOf(result)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('Router.plan: health', () => {
  const table = buildTable(THREE_DECKS, [DEFAULT_PRICES], [routePlan()]);

  it('skips down and disabled providers', () => {
    expect(
      providersOf(
        routerFor(table, { alpha: 'down', bravo: 'disabled', charlie: 'up' }).router.plan(request()),
      ),
    ).toEqual(['charlie']);
  });

  it('puts degraded and unknown providers after healthy ones, whatever they cost', () => {
    const result = routerFor(table, { alpha: 'degraded', bravo: 'up', charlie: 'unknown' }).router.plan(
      request(),
    );
    expect(providersOf(result)).toEqual(['bravo', 'alpha', 'charlie']);
    expect(planned(result).attempts.map((attempt) => attempt.health)).toEqual(['up', 'degraded', 'unknown']);
  });

  it('does not use a provider it has no state for', () => {
    expect(providersOf(routerFor(table, { bravo: 'up' }).router.plan(request()))).toEqual(['bravo']);
  });

  it('reports NO_HEALTHY_PROVIDER when every candidate is down or disabled', () => {
    const { router } = routerFor(table, { alpha: 'down', bravo: 'disabled', charlie: 'down' });
    expect(router.plan(request())).toMatchObject({ ok: false, reason: 'NO_HEALTHY_PROVIDER' });
  });

  it('takes a single provider update into account at once', () => {
    const { router } = routerFor(table, ALL_UP);
    router.updateProviderState({ id: 'alpha', enabled: true, health: 'down' });
    expect(providersOf(router.plan(request()))).toEqual(['bravo', 'charlie']);
    router.updateProviderState({ id: 'alpha', enabled: true, health: 'up' });
    expect(providersOf(router.plan(request()))).toEqual(['alpha', 'bravo', 'charlie']);
  });
});

describe('Router.plan: margin and currency', () => {
  it('never uses a provider that costs more than the price, but accepts a zero margin', () => {
    const table = buildTable(THREE_DECKS, [{ prices: { '44': 2500 } }], [routePlan()]);
    expect(providersOf(routerFor(table, ALL_UP).router.plan(request()))).toEqual([
      'alpha',
      'bravo',
      'charlie',
    ]);
    const tighter = buildTable(THREE_DECKS, [{ prices: { '44': 2499 } }], [routePlan()]);
    expect(providersOf(routerFor(tighter, ALL_UP).router.plan(request()))).toEqual(['alpha']);
  });

  it('reports BELOW_COST when every usable provider costs more, unless the plan allows it', () => {
    const table = buildTable(THREE_DECKS, [{ prices: { '44': 1000 } }], [routePlan()]);
    expect(routerFor(table, ALL_UP).router.plan(request())).toMatchObject({
      ok: false,
      reason: 'BELOW_COST',
    });
    const allowed = buildTable(
      THREE_DECKS,
      [{ prices: { '44': 1000 } }],
      [routePlan({ allowBelowCost: true })],
    );
    expect(providersOf(routerFor(allowed, ALL_UP).router.plan(request()))).toEqual([
      'alpha',
      'bravo',
      'charlie',
    ]);
  });

  it('reports NO_HEALTHY_PROVIDER before BELOW_COST', () => {
    const table = buildTable(THREE_DECKS, [{ prices: { '44': 2100 } }], [routePlan()]);
    const { router } = routerFor(table, { alpha: 'down', bravo: 'up', charlie: 'up' });
    expect(router.plan(request())).toMatchObject({ ok: false, reason: 'BELOW_COST' });
    router.setProviderStates(states({ alpha: 'down' }));
    expect(router.plan(request())).toMatchObject({ ok: false, reason: 'NO_HEALTHY_PROVIDER' });
  });

  it('ignores decks in another currency than the price', () => {
    const decks: DeckSpec[] = [
      { provider: 'alpha', currency: 'USD', rates: { '44': 1 } },
      { provider: 'bravo', rates: { '44': 4000 } },
    ];
    const table = buildTable(decks, [DEFAULT_PRICES], [routePlan()]);
    expect(providersOf(routerFor(table, ALL_UP).router.plan(request()))).toEqual(['bravo']);
    const usdOnly = buildTable([decks[0]], [DEFAULT_PRICES], [routePlan()]);
    expect(routerFor(usdOnly, ALL_UP).router.plan(request())).toMatchObject({
      ok: false,
      reason: 'NO_ROUTE',
    });
  });
});

describe('Router.plan: prices', () => {
  const decks = THREE_DECKS;

  it("prefers the tenant's own plan and falls back to the default plan for other tenants", () => {
    const table = buildTable(
      decks,
      [DEFAULT_PRICES, { tenant: TENANT, prices: { '4477': 7000 } }],
      [routePlan()],
    );
    const { router } = routerFor(table, ALL_UP);
    expect(planned(router.plan(request())).attempts[0]).toMatchObject({
      pricePerSegment: 7000n,
      pricePlanId: `price-${TENANT}-v1`,
      priceMatchedPrefix: '4477',
    });
    expect(planned(router.plan(request({ tenantId: OTHER_TENANT }))).attempts[0].pricePerSegment).toBe(5000n);
  });

  it("does not mix the default plan into a tenant's own plan", () => {
    const table = buildTable(
      decks,
      [DEFAULT_PRICES, { tenant: TENANT, prices: { '4477': 7000 } }],
      [routePlan()],
    );
    expect(routerFor(table, ALL_UP).router.plan(request({ destination: '442071234567' }))).toMatchObject({
      ok: false,
      reason: 'NO_PRICE',
    });
  });

  it('reports NO_PRICE without any plan, and for a destination the plan does not price', () => {
    expect(routerFor(buildTable(decks, [], [routePlan()]), ALL_UP).router.plan(request())).toMatchObject({
      ok: false,
      reason: 'NO_PRICE',
    });
    const table = buildTable(decks, [DEFAULT_PRICES], [routePlan()]);
    expect(routerFor(table, ALL_UP).router.plan(request({ destination: '33612345678' }))).toMatchObject({
      ok: false,
      reason: 'NO_PRICE',
    });
  });
});

describe('Router.plan: destinations and requests', () => {
  const { router } = routerFor(buildTable(THREE_DECKS, [DEFAULT_PRICES], [routePlan()]), ALL_UP);

  it.each(['', '+', 'abc', '44 7700', '4477009001234567', '++44'])(
    'rejects destination %j',
    (destination) => {
      expect(router.plan(request({ destination }))).toMatchObject({
        ok: false,
        reason: 'INVALID_DESTINATION',
      });
    },
  );

  it('reports NO_ROUTE for a priced destination no provider carries', () => {
    const table = buildTable(THREE_DECKS, [{ prices: { '3': 1000 } }], [routePlan()]);
    expect(routerFor(table, ALL_UP).router.plan(request({ destination: '33612345678' }))).toMatchObject({
      ok: false,
      reason: 'NO_ROUTE',
    });
  });

  it.each([0, 256, 1.5, Number.NaN])('throws for %p segments', (segments) => {
    expect(() => router.plan(request({ segments }))).toThrow(InvalidRoutingRequestError);
  });

  it('routes nothing on an empty table', () => {
    expect(new Router().plan(request())).toMatchObject({ ok: false, reason: 'NO_PRICE' });
  });
});

describe('Router.plan: priority and weighted', () => {
  it('priority follows the plan order and uses only listed providers', () => {
    const table = buildTable(
      THREE_DECKS,
      [DEFAULT_PRICES],
      [routePlan({ strategy: { kind: 'priority', providers: ['charlie', 'alpha'] } })],
    );
    expect(providersOf(routerFor(table, ALL_UP).router.plan(request()))).toEqual(['charlie', 'alpha']);
    expect(
      providersOf(routerFor(table, { alpha: 'up', bravo: 'up', charlie: 'degraded' }).router.plan(request())),
    ).toEqual(['alpha', 'charlie']);
  });

  const weights = [
    { providerId: 'alpha', percent: 70 },
    { providerId: 'bravo', percent: 20 },
    { providerId: 'charlie', percent: 10 },
  ];
  const weighted = buildTable(
    THREE_DECKS,
    [DEFAULT_PRICES],
    [routePlan({ strategy: { kind: 'weighted', weights } })],
  );

  it('spreads traffic close to the weights over many keys', () => {
    const { router } = routerFor(weighted, ALL_UP);
    const counts = new Map<string, number>();
    const keys = 20_000;
    for (let index = 0; index < keys; index++) {
      const first = planned(router.plan(request({ messageKey: `message-${index}` }))).attempts[0].providerId;
      counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    for (const { providerId, percent } of weights) {
      expect(Math.abs((counts.get(providerId) ?? 0) / keys - percent / 100)).toBeLessThan(0.015);
    }
  });

  it('sends every part of a message (one key) to the same provider, with the others as failover', () => {
    const { router } = routerFor(weighted, ALL_UP);
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 10 }), (messageKey, segments) => {
        const first = providersOf(router.plan(request({ messageKey })));
        const again = providersOf(router.plan(request({ messageKey, segments })));
        expect(again).toEqual(first);
        expect([...first].sort()).toEqual(['alpha', 'bravo', 'charlie']);
        expect(first.slice(1)).toEqual(['alpha', 'bravo', 'charlie'].filter((id) => id !== first[0]));
      }),
    );
  });

  it('splits among healthy providers only, with degraded ones as the last failover', () => {
    const { router } = routerFor(weighted, { alpha: 'degraded', bravo: 'up', charlie: 'up' });
    const firsts = new Set<string>();
    for (let index = 0; index < 200; index++) {
      const order = providersOf(router.plan(request({ messageKey: `k${index}` })));
      firsts.add(order[0]);
      expect(order[2]).toBe('alpha');
    }
    expect([...firsts].sort()).toEqual(['bravo', 'charlie']);
  });

  it('hashes keys to [0, 1) deterministically', () => {
    expect(hashMessageKey('abc')).toBe(hashMessageKey('abc'));
    fc.assert(
      fc.property(fc.string(), (key) => {
        const value = hashMessageKey(key);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(1);
      }),
    );
  });
});

describe('Router.plan: route plan selection and filters', () => {
  it("uses the tenant's plans before the default ones, the most specific prefix first, then rank", () => {
    const plans = [
      routePlan({ id: 'default-44', prefix: '44', strategy: { kind: 'priority', providers: ['bravo'] } }),
      routePlan({
        id: 'tenant-all',
        tenantId: TENANT,
        strategy: { kind: 'priority', providers: ['charlie', 'bravo'] },
      }),
      routePlan({
        id: 'tenant-447-b',
        tenantId: TENANT,
        prefix: '447',
        rank: 2,
        strategy: { kind: 'priority', providers: ['bravo'] },
      }),
      routePlan({
        id: 'tenant-447-a',
        tenantId: TENANT,
        prefix: '447',
        rank: 1,
        strategy: { kind: 'priority', providers: ['alpha'] },
      }),
    ];
    const { router } = routerFor(buildTable(THREE_DECKS, [DEFAULT_PRICES], plans), ALL_UP);
    expect(planned(router.plan(request())).routePlanId).toBe('tenant-447-a');
    expect(planned(router.plan(request({ destination: '442071234567' }))).routePlanId).toBe('tenant-all');
    expect(planned(router.plan(request({ tenantId: OTHER_TENANT }))).routePlanId).toBe('default-44');
    expect(router.plan(request({ tenantId: OTHER_TENANT, destination: '15551234567' }))).toMatchObject({
      ok: false,
      reason: 'NO_ROUTE',
    });
  });

  function filtered(filters: RoutePlanDefinition['filters']) {
    const plans = [
      routePlan({
        id: 'filtered',
        tenantId: TENANT,
        filters,
        strategy: { kind: 'priority', providers: ['charlie'] },
      }),
      routePlan({ id: 'fallback', prefix: '1' }),
    ];
    return routerFor(buildTable(THREE_DECKS, [DEFAULT_PRICES], plans), ALL_UP);
  }

  it('matches source, content and destination prefix filters', () => {
    const { router } = filtered({
      sourcePattern: '^BANK',
      contentPattern: 'code \\d{6}',
      destinationPrefixes: ['4477', '4478'],
    });
    const matching = { source: 'BANKCO', content: 'Your code 123456' };
    expect(planned(router.plan(request(matching))).routePlanId).toBe('filtered');
    for (const other of [
      { ...matching, source: 'SHOP' },
      { ...matching, source: undefined },
      { ...matching, content: 'hello' },
      { ...matching, content: undefined },
      { ...matching, destination: '447912345678' },
    ]) {
      expect(router.plan(request(other))).toMatchObject({ ok: false, reason: 'FILTERED' });
    }
  });

  it('falls through to the next plan when a plan is filtered out', () => {
    const plans = [
      routePlan({
        id: 'bank-only',
        tenantId: TENANT,
        filters: { sourcePattern: '^BANK$' },
        strategy: { kind: 'priority', providers: ['charlie'] },
      }),
      routePlan({ id: 'everything' }),
    ];
    const { router } = routerFor(buildTable(THREE_DECKS, [DEFAULT_PRICES], plans), ALL_UP);
    expect(planned(router.plan(request({ source: 'BANK' }))).routePlanId).toBe('bank-only');
    expect(planned(router.plan(request({ source: 'SHOP' }))).routePlanId).toBe('everything');
  });

  it('matches the country the rate decks give the destination', () => {
    const { router } = filtered({ countries: ['GB'] });
    expect(planned(router.plan(request())).routePlanId).toBe('filtered');
    expect(router.plan(request({ destination: '442071234567' }))).toMatchObject({
      ok: false,
      reason: 'FILTERED',
    });
  });

  it('matches a UTC time window, across midnight and by ISO weekday', () => {
    const { router, clock } = filtered({
      timeWindow: { from: '22:00', to: '06:00', weekdays: [1, 2, 3, 4, 5] },
    });
    const at = (iso: string) => {
      clock.now = Date.parse(iso);
      return router.plan(request());
    };
    expect(at('2025-01-06T23:30:00Z')).toMatchObject({ ok: true, routePlanId: 'filtered' });
    expect(at('2025-01-07T05:59:59Z')).toMatchObject({ ok: true, routePlanId: 'filtered' });
    expect(at('2025-01-07T06:00:00Z')).toMatchObject({ ok: false, reason: 'FILTERED' });
    expect(at('2025-01-07T21:59:00Z')).toMatchObject({ ok: false, reason: 'FILTERED' });
    expect(at('2025-01-07T22:00:00Z')).toMatchObject({ ok: true, routePlanId: 'filtered' });
    expect(at('2025-01-11T23:00:00Z')).toMatchObject({ ok: false, reason: 'FILTERED' });
  });

  it('replaces route plans without rebuilding the rate tables', () => {
    const table = buildTable(THREE_DECKS, [DEFAULT_PRICES], [routePlan()]);
    const priority = table.withRoutePlans([
      routePlan({ strategy: { kind: 'priority', providers: ['charlie'] } }),
    ]);
    expect(providersOf(routerFor(priority, ALL_UP).router.plan(request()))).toEqual(['charlie']);
    expect(providersOf(routerFor(table, ALL_UP).router.plan(request()))).toEqual([
      'alpha',
      'bravo',
      'charlie',
    ]);
  });
});

describe('Router: versions by effective time', () => {
  const switchAt = Date.UTC(2025, 1, 1);
  const table = buildTable(
    [
      { provider: 'alpha', version: 1, rates: { '44': 3000 } },
      { provider: 'alpha', version: 2, from: switchAt, rates: { '4477': 1000 } },
      { provider: 'bravo', version: 1, from: switchAt, rates: { '44': 2000 } },
    ],
    [
      { version: 1, prices: { '44': 5000 } },
      { version: 2, from: switchAt, prices: { '44': 6000 } },
    ],
    [routePlan()],
  );

  it('switches deck and price plan versions exactly at their effective time', () => {
    const { router, clock } = routerFor(table, { alpha: 'up', bravo: 'up' }, switchAt - 1);
    expect(planned(router.plan(request())).attempts).toEqual([
      expect.objectContaining({
        providerId: 'alpha',
        deckVersion: 1,
        costPerSegment: 3000n,
        pricePerSegment: 5000n,
      }),
    ]);
    clock.now = switchAt;
    expect(planned(router.plan(request())).attempts).toEqual([
      expect.objectContaining({
        providerId: 'alpha',
        deckVersion: 2,
        costPerSegment: 1000n,
        pricePerSegment: 6000n,
        pricePlanVersion: 2,
      }),
      expect.objectContaining({ providerId: 'bravo', deckVersion: 1, costPerSegment: 2000n }),
    ]);
    // Version 2 has no '44': a destination only version 1 covered is no longer routed by alpha.
    expect(providersOf(router.plan(request({ destination: '442071234567' })))).toEqual(['bravo']);
    expect(table.changeTimes).toEqual([0, switchAt]);
  });

  it('routes nothing before the first version takes effect', () => {
    const { router } = routerFor(table, { alpha: 'up' }, -1);
    expect(router.plan(request())).toMatchObject({ ok: false, reason: 'NO_PRICE' });
  });

  it('prefers the higher version when two take effect at the same time', () => {
    const same = buildTable(
      [
        { provider: 'alpha', version: 3, rates: { '44': 3000 } },
        { provider: 'alpha', version: 4, rates: { '44': 2000 } },
      ],
      [DEFAULT_PRICES],
      [routePlan()],
    );
    expect(planned(routerFor(same, { alpha: 'up' }).router.plan(request())).attempts[0].deckVersion).toBe(4);
  });
});

describe('Router: atomic swap', () => {
  function versionedTable(version: number, cost: number, prefixes: number): RoutingTable {
    const builder = new RoutingTableBuilder();
    for (const provider of ['alpha', 'bravo', 'charlie']) {
      const deck = builder.addRateDeck({
        id: `${provider}-${version}`,
        providerId: provider,
        version,
        currency: 'EUR',
        effectiveFrom: new Date(0),
      });
      for (let index = 0; index < prefixes; index++)
        builder.addRateEntry(deck, String(4400000 + index), BigInt(cost));
      builder.addRateEntry(deck, '44', BigInt(cost));
    }
    const plan = builder.addPricePlan({
      id: `price-${version}`,
      tenantId: null,
      version,
      currency: 'EUR',
      effectiveFrom: new Date(0),
    });
    builder.addPriceEntry(plan, '44', 100_000n);
    return builder.setRoutePlans([routePlan()]).build();
  }

  it('keeps routing on the old table while the new one builds, then every call sees only the new one', async () => {
    const router = new Router(versionedTable(1, 1000, 10));
    router.setProviderStates(states(ALL_UP));
    const builder = new RoutingTableBuilder();
    for (const provider of ['alpha', 'bravo', 'charlie']) {
      const deck = builder.addRateDeck({
        id: `${provider}-2`,
        providerId: provider,
        version: 2,
        currency: 'EUR',
        effectiveFrom: new Date(0),
      });
      for (let index = 0; index < 150_000; index++)
        builder.addRateEntry(deck, String(4_400_000_000 + index), 2000n);
      builder.addRateEntry(deck, '44', 2000n);
    }
    const plan = builder.addPricePlan({
      id: 'price-2',
      tenantId: null,
      version: 2,
      currency: 'EUR',
      effectiveFrom: new Date(0),
    });
    builder.addPriceEntry(plan, '44', 100_000n);
    builder.setRoutePlans([routePlan()]);

    const seen: string[] = [];
    let building = true;
    const traffic = (async () => {
      // Bounded: the build yields a few dozen times; traffic stops when it is done.
      for (let turn = 0; building && turn < 100_000; turn++) {
        const attempts = planned(router.plan(request({ destination: `4400000${turn % 10}123` }))).attempts;
        const versions = new Set(
          attempts.map((attempt) => `${attempt.deckVersion}/${attempt.costPerSegment}`),
        );
        expect(versions.size).toBe(1);
        seen.push([...versions][0]);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })();
    const next = await builder.buildInBackground();
    router.swapTable(next);
    building = false;
    await traffic;
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set(['1/1000']));
    for (let index = 0; index < 10; index++) {
      expect(
        planned(router.plan(request({ destination: `4400000${index}123` }))).attempts.map(
          (a) => a.deckVersion,
        ),
      ).toEqual([2, 2, 2]);
    }
  });

  it('never mixes two tables when swaps race plan() calls', () => {
    const tables = [versionedTable(1, 1000, 50), versionedTable(2, 2000, 50)];
    const router = new Router(tables[0]);
    router.setProviderStates(states(ALL_UP));
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }), (swaps) => {
        for (const swap of swaps) {
          if (swap) router.swapTable(tables[router.table === tables[0] ? 1 : 0]);
          const expected = router.table === tables[0] ? [1, 1000n] : [2, 2000n];
          for (const attempt of planned(router.plan(request({ destination: '4400001999' }))).attempts) {
            expect([attempt.deckVersion, attempt.costPerSegment]).toEqual(expected);
          }
        }
      }),
    );
  });
});

describe('RoutingTableBuilder', () => {
  const deckInfo = { id: 'd', providerId: 'alpha', version: 1, currency: 'EUR', effectiveFrom: new Date(0) };

  it('rejects duplicate prefixes, bad amounts, bad countries and duplicate versions', () => {
    const builder = new RoutingTableBuilder();
    const deck = builder.addRateDeck(deckInfo);
    builder.addRateEntry(deck, '44', 1n);
    expect(() => builder.addRateEntry(deck, '44', 2n)).toThrow(RoutingDataError);
    expect(() => builder.addRateEntry(deck, '45', -1n)).toThrow(RoutingDataError);
    expect(() => builder.addRateEntry(deck, '45', 10n ** 12n)).toThrow(RoutingDataError);
    expect(() => builder.addRateEntry(deck, '45', 1n, { country: 'gbr' })).toThrow(RoutingDataError);
    expect(() => builder.addRateEntry(deck + 1, '45', 1n)).toThrow(RoutingDataError);
    expect(() => builder.addRateDeck(deckInfo)).toThrow(RoutingDataError);
    expect(() => builder.addRateDeck({ ...deckInfo, version: 2, currency: 'eur' })).toThrow(RoutingDataError);
    expect(() => builder.addRateDeck({ ...deckInfo, version: 0 })).toThrow(RoutingDataError);
    const plan = builder.addPricePlan({
      id: 'p',
      tenantId: null,
      version: 1,
      currency: 'EUR',
      effectiveFrom: new Date(0),
    });
    builder.addPriceEntry(plan, '4', 1n);
    expect(() => builder.addPriceEntry(plan, '4', 1n)).toThrow(RoutingDataError);
    expect(() =>
      builder.addPricePlan({
        id: 'p2',
        tenantId: null,
        version: 1,
        currency: 'EUR',
        effectiveFrom: new Date(0),
      }),
    ).toThrow(RoutingDataError);
  });

  it('validates route plans and refuses a plan id twice', () => {
    expect(() =>
      new RoutingTableBuilder().setRoutePlans([routePlan({ strategy: { kind: 'priority', providers: [] } })]),
    ).toThrow(RoutePlanValidationError);
    expect(() => new RoutingTableBuilder().setRoutePlans([routePlan(), routePlan()])).toThrow(
      RoutingDataError,
    );
  });

  it('cannot be used after build', () => {
    const builder = new RoutingTableBuilder();
    builder.build();
    expect(() => builder.addRateDeck(deckInfo)).toThrow(RoutingDataError);
    expect(() => builder.build()).toThrow(RoutingDataError);
  });

  it('reports what it holds', () => {
    const table = buildTable(THREE_DECKS, [DEFAULT_PRICES], [routePlan()]);
    expect(table.stats).toMatchObject({
      providers: 3,
      rateDecks: 3,
      rateEntries: 5,
      pricePlans: 1,
      priceEntries: 2,
      routePlans: 1,
      epochs: 1,
    });
  });
});
