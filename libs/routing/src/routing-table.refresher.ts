import type { Router } from './router';
import type { RoutingTableStats } from './routing-table';
import type { RoutingRepository } from './routing.repository';

/**
 * Reloads a Router's table from Postgres in the background and swaps it in. Calls made while a reload runs are
 * answered by one more reload after it (so a change committed during a load is never missed), never by several.
 * A failed load leaves the current table in place and rejects.
 */
export class RoutingTableRefresher {
  private running: Promise<RoutingTableStats> | undefined;
  private queued: Promise<RoutingTableStats> | undefined;

  constructor(
    private readonly repository: RoutingRepository,
    private readonly router: Router,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  refresh(): Promise<RoutingTableStats> {
    if (this.running === undefined) {
      this.running = this.reload().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    if (this.queued === undefined) {
      this.queued = this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.refresh();
        });
    }
    return this.queued;
  }

  /** Reloads provider enabled flags and health only (cheap; no table rebuild). */
  async refreshProviderStates(): Promise<void> {
    this.router.setProviderStates(await this.repository.loadProviderStates());
  }

  private async reload(): Promise<RoutingTableStats> {
    const [table, states] = await Promise.all([
      this.repository.loadTable(this.clock()),
      this.repository.loadProviderStates(),
    ]);
    this.router.setProviderStates(states);
    this.router.swapTable(table);
    return table.stats;
  }
}
