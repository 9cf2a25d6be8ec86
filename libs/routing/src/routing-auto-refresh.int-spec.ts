import { Readable } from 'node:stream';
import { useTestDatabase } from '@app/testing';
import { Router } from './router';
import { ROUTING_CHANGED_CHANNEL, RoutingAutoRefresh, type AutoRefreshLogger } from './routing-auto-refresh';
import { RoutingTableRefresher } from './routing-table.refresher';
import { RoutingRepository } from './routing.repository';
import { TariffImportRepository } from './tariff-import.repository';
import type { RoutingResult } from './types';

const PAST = new Date('2025-01-01T00:00:00Z');
const LISTENER_APPLICATION = 'routing-listener';
const csv = (...lines: string[]) => Readable.from([lines.join('\n') + '\n']);

/** Polls `read` until it returns a value `accept`s, at most 400 times 25 ms apart; returns the last value read. */
async function eventually<T>(read: () => Promise<T> | T, accept: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 400 && !accept(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

function firstCost(result: RoutingResult): bigint | string {
  return result.ok ? result.attempts[0].costPerSegment : result.reason;
}

describe('RoutingAutoRefresh (Postgres)', () => {
  const db = useTestDatabase();
  let router: Router;
  let auto: RoutingAutoRefresh;
  let imports: TariffImportRepository;
  let tenantId: string;
  const warnings: string[] = [];

  const importAlphaDeck = (cost: string) =>
    imports.importRateDeck(csv('prefix,cost', `44,${cost}`), {
      providerId: 'alpha',
      currency: 'EUR',
      effectiveFrom: PAST,
    });
  const notify = (what: string) =>
    db.dataSource.query('SELECT pg_notify($1, $2)', [ROUTING_CHANGED_CHANNEL, what]);
  const plan = () =>
    router.plan({ tenantId, destination: '447700900123', segments: 1, messageKey: 'auto-refresh' });
  const listenerPids = async () =>
    (
      await db.dataSource.query<{ pid: number }[]>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
        [LISTENER_APPLICATION],
      )
    ).map((row) => row.pid);

  beforeAll(async () => {
    const sql = db.dataSource;
    imports = new TariffImportRepository(sql);
    await sql.query(
      `INSERT INTO providers (id, name, enabled, health) VALUES ('alpha', 'Alpha', true, 'up')`,
    );
    [{ id: tenantId }] = await sql.query<{ id: string }[]>(
      `INSERT INTO tenants (name) VALUES ('acme') RETURNING id`,
    );
    await imports.importPricePlan(csv('prefix,price', '44,0.01'), {
      tenantId: null,
      currency: 'EUR',
      effectiveFrom: PAST,
    });
    await sql.query(
      `INSERT INTO route_plans (tenant_id, prefix, rank, strategy, providers, allow_providers, deny_providers, filters, allow_below_cost)
       VALUES (NULL, '', 0, 'least_cost', '[]', '[]', '[]', '{}', false)`,
    );
    await importAlphaDeck('0.005');

    router = new Router();
    const logger: AutoRefreshLogger = {
      log: () => undefined,
      warn: (message) => warnings.push(message),
      error: (message) => warnings.push(message),
    };
    auto = new RoutingAutoRefresh({
      connection: sql,
      refresher: new RoutingTableRefresher(new RoutingRepository(sql), router),
      router,
      // Far beyond the test: every reload seen here comes from a notification or a reconnect.
      safetyIntervalMs: 3_600_000,
      reconnectMinMs: 20,
      reconnectMaxMs: 200,
      logger,
    });
    await auto.start();
  });

  afterAll(async () => {
    await auto.stop();
  });

  it('loads at start and applies a new deck and a disabled provider on NOTIFY, without restart', async () => {
    expect(firstCost(plan())).toBe(5000n);
    expect(await listenerPids()).toHaveLength(1);

    await importAlphaDeck('0.003');
    expect(firstCost(plan())).toBe(5000n);
    await notify('tables');
    expect(
      await eventually(
        () => firstCost(plan()),
        (cost) => cost === 3000n,
      ),
    ).toBe(3000n);
    // The superseded version was dropped from memory by the reload.
    expect(router.table.stats.rateDecks).toBe(1);

    await db.dataSource.query(`UPDATE providers SET enabled = false WHERE id = 'alpha'`);
    await notify('providers');
    expect(
      await eventually(
        () => plan().ok,
        (ok) => !ok,
      ),
    ).toBe(false);
    await db.dataSource.query(`UPDATE providers SET enabled = true WHERE id = 'alpha'`);
    await notify('providers');
    expect(
      await eventually(
        () => plan().ok,
        (ok) => ok,
      ),
    ).toBe(true);
  });

  it('reconnects after its connection is terminated and still applies notified changes', async () => {
    const [oldPid] = await listenerPids();
    const [{ terminated }] = await db.dataSource.query<{ terminated: boolean }[]>(
      'SELECT pg_terminate_backend($1) AS terminated',
      [oldPid],
    );
    expect(terminated).toBe(true);

    const pids = await eventually(listenerPids, (found) => found.length === 1 && found[0] !== oldPid);
    expect(pids).toHaveLength(1);
    expect(pids[0]).not.toBe(oldPid);
    expect(
      await eventually(
        () => auto.listening,
        (listening) => listening,
      ),
    ).toBe(true);
    expect(warnings).toEqual([expect.stringContaining('routing_changed listener connection lost')]);

    await importAlphaDeck('0.002');
    await notify('tables');
    expect(
      await eventually(
        () => firstCost(plan()),
        (cost) => cost === 2000n,
      ),
    ).toBe(2000n);
  });

  it('closes its connection on stop', async () => {
    await auto.stop();
    expect(auto.listening).toBe(false);
    expect(await eventually(listenerPids, (found) => found.length === 0)).toEqual([]);
  });
});
