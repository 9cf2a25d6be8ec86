import { EventEmitter } from 'node:events';
import type { Notification } from 'pg';
import type { DataSource } from 'typeorm';
import { Router } from './router';
import {
  ROUTING_CHANGED_CHANNEL,
  RoutingAutoRefresh,
  type AutoRefreshLogger,
  type NotificationClient,
  type RoutingAutoRefreshOptions,
} from './routing-auto-refresh';
import type { RoutingTable } from './routing-table';
import { RoutingTableBuilder } from './routing-table.builder';
import { RoutingTableRefresher } from './routing-table.refresher';
import type { RoutingRepository } from './routing.repository';

const START = Date.parse('2025-06-01T12:00:00Z');

/** A table whose rate deck versions take effect at `times` (ms, UTC). */
function tableWithVersionsAt(...times: number[]): RoutingTable {
  const builder = new RoutingTableBuilder();
  times.forEach((time, index) => {
    const deck = builder.addRateDeck({
      id: `alpha-${index + 1}`,
      providerId: 'alpha',
      version: index + 1,
      currency: 'EUR',
      effectiveFrom: new Date(time),
    });
    builder.addRateEntry(deck, '44', 1000n);
  });
  return builder.build();
}

class FakeClient extends EventEmitter implements NotificationClient {
  readonly queries: string[] = [];
  ended = false;

  constructor(private readonly failConnect: boolean) {
    super();
  }

  connect(): Promise<void> {
    return this.failConnect ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve();
  }

  query(sql: string): Promise<void> {
    this.queries.push(sql);
    return Promise.resolve();
  }

  end(): Promise<void> {
    this.ended = true;
    return Promise.resolve();
  }

  notify(payload: string, channel = ROUTING_CHANGED_CHANNEL): void {
    const message: Notification = { channel, payload, processId: 1 };
    this.emit('notification', message);
  }
}

interface Harness {
  readonly auto: RoutingAutoRefresh;
  readonly router: Router;
  readonly clients: FakeClient[];
  readonly warnings: string[];
  readonly errors: string[];
  /** Tables loaded so far. */
  loads(): number;
  providerLoads(): number;
  /** What the next loads return (default: the current table again). */
  nextTables: RoutingTable[];
  /** Whether the next connection attempts fail, in order; later ones succeed. */
  failingConnects: boolean[];
  failLoads: boolean;
}

function harness(
  options: Partial<RoutingAutoRefreshOptions> = {},
  initial = tableWithVersionsAt(0),
): Harness {
  const router = new Router(initial);
  let loads = 0;
  let providerLoads = 0;
  const state = {
    nextTables: [] as RoutingTable[],
    failingConnects: [] as boolean[],
    failLoads: false,
  };
  const repository = {
    loadTable: () => {
      loads++;
      if (state.failLoads) return Promise.reject(new Error('database down'));
      return Promise.resolve(state.nextTables.shift() ?? router.table);
    },
    loadProviderStates: () => {
      providerLoads++;
      return Promise.resolve([]);
    },
  } as unknown as RoutingRepository;
  const clients: FakeClient[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const logger: AutoRefreshLogger = {
    log: () => undefined,
    warn: (message) => warnings.push(message),
    error: (message) => errors.push(message),
  };
  const auto = new RoutingAutoRefresh({
    connection: 'postgres://unused',
    refresher: new RoutingTableRefresher(repository, router, () => new Date(Date.now())),
    router,
    safetyIntervalMs: 60_000,
    reconnectMinMs: 100,
    reconnectMaxMs: 400,
    logger,
    createClient: () => {
      const client = new FakeClient(state.failingConnects.shift() ?? false);
      clients.push(client);
      return client;
    },
    ...options,
  });
  return Object.assign(state, {
    auto,
    router,
    clients,
    warnings,
    errors,
    loads: () => loads,
    providerLoads: () => providerLoads,
  });
}

describe('RoutingAutoRefresh', () => {
  let current: Harness | undefined;

  beforeEach(() => {
    jest.useFakeTimers({ now: START });
  });

  afterEach(async () => {
    await current?.auto.stop();
    current = undefined;
    jest.useRealTimers();
  });

  function started(options: Partial<RoutingAutoRefreshOptions> = {}, initial?: RoutingTable): Harness {
    current = harness(options, initial);
    return current;
  }

  it('listens on the routing channel, loads once at start, and reloads what each notification names', async () => {
    const h = started();
    await h.auto.start();
    expect(h.clients).toHaveLength(1);
    expect(h.clients[0].queries).toEqual([`LISTEN ${ROUTING_CHANGED_CHANNEL}`]);
    expect(h.auto.listening).toBe(true);
    expect([h.loads(), h.providerLoads()]).toEqual([1, 1]);

    h.clients[0].notify('providers');
    await jest.advanceTimersByTimeAsync(0);
    expect([h.loads(), h.providerLoads()]).toEqual([1, 2]);

    const newer = tableWithVersionsAt(0);
    h.nextTables.push(newer);
    h.clients[0].notify('tables');
    await jest.advanceTimersByTimeAsync(0);
    expect(h.loads()).toBe(2);
    expect(h.router.table).toBe(newer);

    h.clients[0].notify('something-else');
    h.clients[0].notify('tables', 'another_channel');
    await jest.advanceTimersByTimeAsync(0);
    expect(h.loads()).toBe(3);
    expect(h.warnings).toEqual([expect.stringContaining('unknown routing_changed payload "something-else"')]);
  });

  it('reloads when the next version takes effect, so the superseded one leaves memory', async () => {
    const switchAt = START + 5_000;
    const h = started({}, tableWithVersionsAt(0, switchAt));
    await h.auto.start();
    expect(h.loads()).toBe(1);

    h.nextTables.push(tableWithVersionsAt(switchAt));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(h.loads()).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.loads()).toBe(2);
    expect(h.router.table.stats.rateDecks).toBe(1);

    // No later change: only the safety reload remains.
    await jest.advanceTimersByTimeAsync(60_000 - 5_001);
    expect(h.loads()).toBe(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.loads()).toBe(3);
  });

  it('reloads every safety interval without any notification', async () => {
    const h = started();
    await h.auto.start();
    await jest.advanceTimersByTimeAsync(3 * 60_000);
    expect(h.loads()).toBe(4);
    expect(h.errors).toEqual([]);
  });

  it('logs a failed reload, keeps the table, and tries again at the next interval', async () => {
    const h = started();
    await h.auto.start();
    const table = h.router.table;
    h.failLoads = true;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(h.errors).toEqual([
      expect.stringContaining('routing table reload (periodic) failed: database down'),
    ]);
    expect(h.router.table).toBe(table);
    h.failLoads = false;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(h.loads()).toBe(3);
    expect(h.errors).toHaveLength(1);
  });

  it('reconnects with doubling delays after the connection drops, then reloads what it may have missed', async () => {
    const h = started();
    await h.auto.start();
    h.failingConnects.push(true, true, true);
    h.clients[0].emit('error', new Error('terminating connection due to administrator command'));
    h.clients[0].emit('end');
    expect(h.auto.listening).toBe(false);
    expect(h.clients[0].ended).toBe(true);

    // Attempts at +100, +200 and +400 (capped) fail; the one 400 later succeeds.
    const attemptsAfter = async (ms: number) => {
      await jest.advanceTimersByTimeAsync(ms);
      return h.clients.length - 1;
    };
    expect(await attemptsAfter(99)).toBe(0);
    expect(await attemptsAfter(1)).toBe(1);
    expect(await attemptsAfter(199)).toBe(1);
    expect(await attemptsAfter(1)).toBe(2);
    expect(await attemptsAfter(399)).toBe(2);
    expect(await attemptsAfter(1)).toBe(3);
    expect(await attemptsAfter(400)).toBe(4);
    expect(h.auto.listening).toBe(true);
    expect(h.loads()).toBe(2);
    expect(h.warnings).toHaveLength(4);

    h.clients[4].notify('tables');
    await jest.advanceTimersByTimeAsync(0);
    expect(h.loads()).toBe(3);

    // The delay starts from the minimum again after a successful reconnect.
    h.clients[4].emit('end');
    expect(await attemptsAfter(100)).toBe(5);
  });

  it('ignores a connection error raised after the connection was replaced', async () => {
    const h = started();
    await h.auto.start();
    h.clients[0].emit('end');
    await jest.advanceTimersByTimeAsync(100);
    expect(h.clients).toHaveLength(2);
    h.clients[0].emit('error', new Error('late'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(h.clients).toHaveLength(2);
    expect(h.auto.listening).toBe(true);
  });

  it('starts even when it cannot listen yet, and keeps trying in the background', async () => {
    const h = started();
    h.failingConnects.push(true);
    await h.auto.start();
    expect(h.auto.listening).toBe(false);
    expect(h.loads()).toBe(1);
    await jest.advanceTimersByTimeAsync(100);
    expect(h.auto.listening).toBe(true);
    expect(h.loads()).toBe(2);
  });

  it('rejects and leaves nothing running when the first load fails', async () => {
    const h = started();
    h.failLoads = true;
    await expect(h.auto.start()).rejects.toThrow('database down');
    expect(h.clients[0].ended).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stop clears every timer, closes the connection and ignores later notifications', async () => {
    const h = started({}, tableWithVersionsAt(0, START + 10_000));
    await h.auto.start();
    h.clients[0].emit('end');
    expect(jest.getTimerCount()).toBe(3);
    await h.auto.stop();
    expect(jest.getTimerCount()).toBe(0);
    expect(h.auto.listening).toBe(false);
    h.clients[0].notify('tables');
    await jest.advanceTimersByTimeAsync(120_000);
    expect(h.loads()).toBe(1);
    expect(h.clients).toHaveLength(1);
  });

  it('refuses invalid options with a clear error', () => {
    const base = harness();
    const options = (overrides: Partial<RoutingAutoRefreshOptions>): RoutingAutoRefreshOptions => ({
      connection: 'postgres://unused',
      refresher: new RoutingTableRefresher({} as RoutingRepository, base.router),
      router: base.router,
      ...overrides,
    });
    expect(() => new RoutingAutoRefresh(options({ safetyIntervalMs: 0 }))).toThrow(
      new RangeError('safetyIntervalMs must be a positive integer, got 0'),
    );
    expect(() => new RoutingAutoRefresh(options({ reconnectMinMs: 500, reconnectMaxMs: 100 }))).toThrow(
      RangeError,
    );
    const withoutUrl = { options: { type: 'postgres', host: 'db' } } as unknown as DataSource;
    expect(() => new RoutingAutoRefresh(options({ connection: withoutUrl }))).toThrow(TypeError);
    const withUrl = { options: { type: 'postgres', url: 'postgres://db/x' } } as unknown as DataSource;
    expect(() => new RoutingAutoRefresh(options({ connection: withUrl }))).not.toThrow();
  });
});
