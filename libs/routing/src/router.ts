import { RoutingTable, type ProviderStatusView } from './routing-table';
import type { ProviderState, RoutingRequest, RoutingResult } from './types';

export interface RouterOptions {
  /** Current time in ms since the epoch (UTC); injected by tests. Default `Date.now`. */
  readonly clock?: () => number;
}

/** A table with the provider states resolved against it; replaced as one reference. */
interface RouterState {
  readonly table: RoutingTable;
  readonly providers: ProviderStatusView;
}

/**
 * Plans routes on the current routing table. The table and the provider states are held in one immutable state
 * object that `swapTable` and `setProviderStates` replace with a single assignment; `plan()` reads it once, so a
 * call works entirely on the old or entirely on the new table.
 */
export class Router {
  private readonly clock: () => number;
  private providerStates: ReadonlyMap<string, ProviderState> = new Map();
  private state: RouterState;

  constructor(table: RoutingTable = RoutingTable.empty(), options: RouterOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.state = { table, providers: table.resolveProviderStates(this.providerStates) };
  }

  get table(): RoutingTable {
    return this.state.table;
  }

  /** Makes `table` current for every later plan() call. */
  swapTable(table: RoutingTable): void {
    this.state = { table, providers: table.resolveProviderStates(this.providerStates) };
  }

  /** Replaces every provider's enabled flag and health; a provider absent from `states` is not used. */
  setProviderStates(states: Iterable<ProviderState>): void {
    const byId = new Map<string, ProviderState>();
    for (const state of states) byId.set(state.id, state);
    this.providerStates = byId;
    const table = this.state.table;
    this.state = { table, providers: table.resolveProviderStates(byId) };
  }

  /** Changes one provider's state (a connector's health report). */
  updateProviderState(state: ProviderState): void {
    const byId = new Map(this.providerStates);
    byId.set(state.id, state);
    this.setProviderStates(byId.values());
  }

  plan(request: RoutingRequest): RoutingResult {
    const state = this.state;
    return state.table.plan(request, this.clock(), state.providers);
  }
}
