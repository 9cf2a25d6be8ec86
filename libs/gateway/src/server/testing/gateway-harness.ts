import type { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { Router, RoutingTableBuilder } from '@app/routing';
import {
  CredentialService,
  type CredentialSettings,
  type CreatedTenant,
} from '../../tenants/credential.service';
import { Gateway, gatewaySettingsFromConfig, type GatewaySettings } from '../gateway';

/** The provider every test route uses; the harness inserts it (reservations reference providers). */
export const TEST_PROVIDER = 'prov-test';
/** Destinations under this prefix have a price and a route; others have none (no-route status). */
export const ROUTED_PREFIX = '44';
export const PRICE_PER_SEGMENT = 5_000n;
export const COST_PER_SEGMENT = 1_000n;

export async function seedTestProvider(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `INSERT INTO providers (id, name, enabled, health) VALUES ($1, 'Test provider', true, 'up') ON CONFLICT DO NOTHING`,
    [TEST_PROVIDER],
  );
}

/** A router that prices and routes ROUTED_PREFIX through TEST_PROVIDER (EUR). */
export function testRouter(): Router {
  const builder = new RoutingTableBuilder();
  const epoch = new Date('2020-01-01T00:00:00Z');
  const deck = builder.addRateDeck({
    id: 'deck-test',
    providerId: TEST_PROVIDER,
    version: 1,
    currency: 'EUR',
    effectiveFrom: epoch,
  });
  builder.addRateEntry(deck, ROUTED_PREFIX, COST_PER_SEGMENT, { country: 'GB' });
  const plan = builder.addPricePlan({
    id: 'price-test',
    tenantId: null,
    version: 1,
    currency: 'EUR',
    effectiveFrom: epoch,
  });
  builder.addPriceEntry(plan, ROUTED_PREFIX, PRICE_PER_SEGMENT);
  builder.setRoutePlans([
    {
      id: 'route-test',
      tenantId: null,
      prefix: '',
      rank: 0,
      strategy: { kind: 'least_cost' },
      allowProviders: [],
      denyProviders: [],
      filters: {},
      allowBelowCost: false,
    },
  ]);
  const router = new Router(builder.build());
  router.setProviderStates([{ id: TEST_PROVIDER, enabled: true, health: 'up' }]);
  return router;
}

let tenantCounter = 0;

/** A tenant with an EUR account holding `balance` (micro-units; default 100 EUR) and one credential. */
export async function createTestTenant(
  dataSource: DataSource,
  credential: Partial<CredentialSettings> & { systemId: string },
  balance = 100_000_000n,
): Promise<CreatedTenant> {
  tenantCounter++;
  return new CredentialService(dataSource).createTenant({
    name: `tenant-${credential.systemId}-${tenantCounter}`,
    currency: 'EUR',
    balance,
    credential: { password: 'secret', ...credential },
  });
}

/** Settings from the defaults with the listeners on 127.0.0.1, free ports, and `overrides` applied. */
export function testSettings(
  overrides: {
    server?: Partial<GatewaySettings['server']>;
    accept?: Partial<GatewaySettings['accept']>;
  } & Partial<Pick<GatewaySettings, 'lockoutFailures' | 'lockoutMs'>> = {},
): GatewaySettings {
  const defaults = gatewaySettingsFromConfig(loadConfig({}));
  return {
    ...defaults,
    ...(overrides.lockoutFailures === undefined ? {} : { lockoutFailures: overrides.lockoutFailures }),
    ...(overrides.lockoutMs === undefined ? {} : { lockoutMs: overrides.lockoutMs }),
    server: { ...defaults.server, host: '127.0.0.1', port: 0, ...overrides.server },
    accept: { ...defaults.accept, ...overrides.accept },
    // Tests drive the scheduler with tick(); the timer stays far away.
    scheduler: { intervalMs: 3_600_000, batchSize: 100 },
  };
}

/** A started gateway on `dataSource` with the test router and a real DeliveryService. */
export async function startTestGateway(
  dataSource: DataSource,
  settings: GatewaySettings = testSettings(),
): Promise<Gateway> {
  await seedTestProvider(dataSource);
  const gateway = new Gateway(settings, { dataSource, router: testRouter() }, loadConfig({}));
  await gateway.start();
  return gateway;
}
