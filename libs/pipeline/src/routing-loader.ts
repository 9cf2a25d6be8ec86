import { Logger } from '@nestjs/common';
import {
  RoutingAutoRefresh,
  RoutingRepository,
  RoutingTableRefresher,
  type ExtraChannel,
  type Router,
} from '@app/routing';
import type { DataSource } from 'typeorm';

/**
 * What routing depends on, as one string: the route plans, ready rate decks and price plans, and the providers'
 * enabled flags and health. A change of any of them changes the string.
 */
const ROUTING_SIGNATURE_SQL = `
SELECT concat_ws('|',
  (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM route_plans),
  (SELECT count(*) || ':' || coalesce(max(created_at)::text, '') FROM rate_decks WHERE status = 'ready'),
  (SELECT count(*) || ':' || coalesce(max(created_at)::text, '') FROM price_plans WHERE status = 'ready'),
  (SELECT string_agg(id || ':' || enabled::text || ':' || health, ',' ORDER BY id) FROM providers)
) AS signature`;

export interface RoutingLoaderOptions {
  /** How often the routing data's signature is compared (a change reloads the table): the fallback to LISTEN. */
  readonly checkMs: number;
  /** A full reload at least this often, for rate decks and price plans whose effective_from has come. */
  readonly reloadMs: number;
  /** More channels to LISTEN on over the loader's connection (see RoutingAutoRefresh). */
  readonly channels?: Readonly<Record<string, ExtraChannel>>;
}

/** A refresher that remembers the signature of the data it last loaded, whoever asked for the load. */
class SignedRefresher extends RoutingTableRefresher {
  signature: string | undefined;

  constructor(
    private readonly dataSource: DataSource,
    router: Router,
  ) {
    super(new RoutingRepository(dataSource), router);
  }

  async currentSignature(): Promise<string> {
    const rows: Array<{ signature: string }> = await this.dataSource.query(ROUTING_SIGNATURE_SQL);
    return rows[0].signature;
  }

  override async refresh(): ReturnType<RoutingTableRefresher['refresh']> {
    // Read before the load: a change committed in between makes the next check load once more, never less.
    const signature = await this.currentSignature();
    const stats = await super.refresh();
    this.signature = signature;
    return stats;
  }
}

/**
 * Keeps a Router's table loaded from Postgres: at start; as soon as a `NOTIFY routing_changed` arrives (the admin
 * API sends one with every change; RoutingAutoRefresh LISTENs on a dedicated connection and reconnects when it
 * drops); on any change of the routing data's signature, checked every `checkMs` (connectors mark providers up or
 * down without a NOTIFY, and a LISTEN connection that is down misses notifications); at the instant a rate deck or
 * price plan version takes effect; and every `reloadMs` whatever happened. In one process, the admin API also calls
 * `routingChanged()` / `providersChanged()` directly, so the change applies before its HTTP answer.
 */
export class RoutingLoader {
  private readonly logger = new Logger('Routing');
  private readonly refresher: SignedRefresher;
  private readonly auto: RoutingAutoRefresh;
  private readonly checkMs: number;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    dataSource: DataSource,
    readonly router: Router,
    options: RoutingLoaderOptions = { checkMs: 1_000, reloadMs: 60_000 },
  ) {
    this.refresher = new SignedRefresher(dataSource, router);
    this.auto = new RoutingAutoRefresh({
      connection: dataSource,
      refresher: this.refresher,
      router,
      safetyIntervalMs: options.reloadMs,
      logger: this.logger,
      ...(options.channels === undefined ? {} : { channels: options.channels }),
    });
    this.checkMs = options.checkMs;
  }

  /** True while the LISTEN connection is up. */
  get listening(): boolean {
    return this.auto.listening;
  }

  /** LISTENs, loads the table once and then watches for changes; rejects when the first load fails. */
  async start(): Promise<void> {
    await this.auto.start();
    this.logger.log('routing table loaded; reloads on NOTIFY routing_changed and on a changed signature');
    this.timer = setInterval(() => {
      if (this.checking !== undefined) return;
      this.checking = this.reloadIfChanged()
        .catch((error: unknown) =>
          this.logger.error(`reload failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => (this.checking = undefined));
    }, this.checkMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.auto.stop();
    await this.checking;
  }

  /** Rate decks, price plans or route plans changed: resolves once the Router uses them. */
  async routingChanged(): Promise<void> {
    await this.refresher.refresh();
  }

  /** A provider was enabled or disabled: resolves once the Router knows. */
  async providersChanged(): Promise<void> {
    await this.refresher.refresh();
  }

  private async reloadIfChanged(): Promise<void> {
    if ((await this.refresher.currentSignature()) === this.refresher.signature) return;
    await this.refresher.refresh();
    this.logger.log('routing table reloaded: the routing data changed');
  }
}
