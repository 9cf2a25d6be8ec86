import { Logger } from '@nestjs/common';
import { RoutingRepository, RoutingTableRefresher, type Router } from '@app/routing';
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
  /** How often the routing data's signature is compared (a change reloads the table). */
  readonly checkMs: number;
  /** A full reload at least this often, for rate decks and price plans whose effective_from has come. */
  readonly reloadMs: number;
}

/** Keeps a Router's table loaded from Postgres: at start, on every change of the routing data, and periodically. */
export class RoutingLoader {
  private readonly logger = new Logger('Routing');
  private readonly refresher: RoutingTableRefresher;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private signature: string | undefined;
  private loadedAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    readonly router: Router,
    private readonly options: RoutingLoaderOptions = { checkMs: 1_000, reloadMs: 60_000 },
  ) {
    this.refresher = new RoutingTableRefresher(new RoutingRepository(dataSource), router);
  }

  /** Loads the table once and then watches for changes. */
  async start(): Promise<void> {
    await this.reloadIfChanged(true);
    this.timer = setInterval(() => {
      if (this.checking !== undefined) return;
      this.checking = this.reloadIfChanged(false)
        .catch((error: unknown) =>
          this.logger.error(`reload failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => (this.checking = undefined));
    }, this.options.checkMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
  }

  private async reloadIfChanged(force: boolean): Promise<void> {
    const rows: Array<{ signature: string }> = await this.dataSource.query(ROUTING_SIGNATURE_SQL);
    const signature = rows[0].signature;
    const stale = Date.now() - this.loadedAt >= this.options.reloadMs;
    if (!force && !stale && signature === this.signature) return;
    const stats = await this.refresher.refresh();
    this.signature = signature;
    this.loadedAt = Date.now();
    this.logger.log(
      `routing table loaded (${Object.keys(stats).length > 0 ? 'data changed or due' : 'empty'})`,
    );
  }
}
