import type { RoutingTableRefresher } from '@app/routing';

export { ROUTING_CHANGED_CHANNEL } from '@app/routing';

/**
 * Told after the admin API changed routing data, so that the next message is routed with it without a restart. The
 * admin API also sends Postgres `NOTIFY routing_changed, '<what>'` (what: `tables` or `providers`) for processes that
 * hold their own Router (distributed mode): they LISTEN and call their refresher.
 */
export interface RoutingChangeListener {
  /** Rate decks, price plans or route plans changed. */
  routingChanged(): Promise<void>;
  /** A provider was enabled or disabled. */
  providersChanged(): Promise<void>;
}

export const ROUTING_CHANGE_LISTENER = Symbol('ROUTING_CHANGE_LISTENER');

/** The listener of a process whose Router is kept by `refresher`. */
export function refresherListener(refresher: RoutingTableRefresher): RoutingChangeListener {
  return {
    routingChanged: async () => {
      await refresher.refresh();
    },
    providersChanged: () => refresher.refreshProviderStates(),
  };
}
