import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ROUTING_CHANGE_LISTENER,
  ROUTING_CHANGED_CHANNEL,
  type RoutingChangeListener,
} from '../routing-listener';

/** Publishes routing changes to the in-process Router (when mounted with one) and to other processes. */
@Injectable()
export class RoutingChanges {
  private readonly logger = new Logger('AdminRouting');

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(ROUTING_CHANGE_LISTENER) private readonly listener?: RoutingChangeListener,
  ) {}

  /** Resolves once the local Router uses the new data; a failed reload is logged and the change stays committed. */
  async publish(what: 'tables' | 'providers'): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [ROUTING_CHANGED_CHANNEL, what]);
    if (this.listener === undefined) return;
    try {
      await (what === 'tables' ? this.listener.routingChanged() : this.listener.providersChanged());
    } catch (error) {
      this.logger.error(`routing reload failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
