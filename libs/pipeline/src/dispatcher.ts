import { Logger } from '@nestjs/common';
import type { Bus, BusConsumer, Delivery } from '@app/bus';
import { DEFAULT_REFUND_POLICY, settle, type RefundPolicy } from '@app/billing';
import type { AttemptOutcome, BillingPort, DeliveryPort, SendMessage } from '@app/connectors';
import { withCorrelation, type SmscMetrics } from '@app/observability';
import { ProviderInputError } from '@app/providers';
import type { DataSource } from 'typeorm';
import { outboundMessageOf, planOf, type SendableMessageRow } from './outbound-message';
import { PipelineRepository, SENDABLE_STATUSES } from './pipeline.repository';
import { parseSendRequest, PipelineInputError } from './send-request';

/** What the dispatcher needs from a connector: `ConnectorRuntime` fits. */
export interface MessageSender {
  readonly providerId: string;
  send(input: SendMessage): Promise<AttemptOutcome>;
}

export interface DispatcherOptions {
  readonly dataSource: DataSource;
  readonly bus: Bus;
  readonly sender: MessageSender;
  /** Unacknowledged sends held at once: the connector's window. */
  readonly prefetch: number;
  readonly delivery: DeliveryPort;
  readonly billing?: BillingPort;
  readonly refundPolicy?: RefundPolicy;
  /** Called after a reroute committed an outbox row (the in-process relay wakes on it). */
  readonly onOutboxWritten?: () => void;
  readonly clock?: () => number;
  /** Reroutes are counted here (smsc_reroutes_total) when given. */
  readonly metrics?: SmscMetrics;
}

export interface DispatcherCounters {
  handled: number;
  skipped: number;
  rerouted: number;
  exhausted: number;
  held: number;
  invalid: number;
}

/** Normalised error code of the final REJECTED receipt of a message whose route plan ran out. */
export const PLAN_EXHAUSTED_ERR = '000';

/**
 * Consumes `send.<provider>` for one connector: loads the message part, hands it to the connector, and acknowledges
 * only once the outcome is stored (the connector stores accepted/failed/unknown itself; a reroute is stored here as
 * the next attempt's outbox row, or as the final REJECTED state when the plan is exhausted). A redelivered or stale
 * copy finds the message no longer sendable at this provider and is acknowledged without a send.
 */
export class Dispatcher {
  readonly counters: DispatcherCounters = {
    handled: 0,
    skipped: 0,
    rerouted: 0,
    exhausted: 0,
    held: 0,
    invalid: 0,
  };
  private readonly logger: Logger;
  private readonly repository: PipelineRepository;
  private consumer: BusConsumer | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.repository = new PipelineRepository(options.dataSource);
    this.logger = new Logger(`Dispatcher:${options.sender.providerId}`);
  }

  get topic(): string {
    return `send.${this.options.sender.providerId}`;
  }

  async start(): Promise<void> {
    if (this.consumer !== undefined) return;
    this.consumer = await this.options.bus.consume(this.topic, (delivery) => this.handle(delivery), {
      prefetch: this.options.prefetch,
    });
  }

  /** Stops taking sends; the ones in progress finish and are acknowledged. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.close();
  }

  /** One bus message; resolves once its outcome is durable (the bus then acknowledges it). */
  async handle(delivery: Delivery): Promise<void> {
    let request;
    try {
      request = parseSendRequest(delivery.body);
    } catch (error) {
      if (!(error instanceof PipelineInputError)) throw error;
      this.counters.invalid++;
      this.logger.error(`${delivery.topic} ${delivery.messageId}: ${error.message}`);
      return;
    }
    await withCorrelation(request.messageId, () => this.dispatch(request.messageId));
  }

  /** Sends the message part `messageId` if it is still sendable here, and stores a reroute or a hold. */
  private async dispatch(messageId: string): Promise<void> {
    const providerId = this.options.sender.providerId;
    const row = await this.repository.loadMessage(messageId);
    if (
      row === undefined ||
      row.final ||
      !SENDABLE_STATUSES.has(row.status) ||
      row.provider_id !== providerId
    ) {
      this.counters.skipped++;
      return;
    }
    const plan = planOf(row);
    const position = plan.indexOf(providerId);
    let outcome: AttemptOutcome;
    try {
      outcome = await this.options.sender.send({
        tenantId: row.tenant_id,
        message: outboundMessageOf(row),
        reservationId: row.reservation_id,
        routeAttempt: position + 1,
        plan,
      });
    } catch (error) {
      // The provider's profile cannot express this message at all; redelivering it would fail the same way.
      if (!(error instanceof ProviderInputError)) throw error;
      this.counters.invalid++;
      await this.reject(row, `not sendable at ${providerId}: ${error.message}`);
      return;
    }
    this.counters.handled++;
    if (outcome.kind === 'reroute') await this.reroute(row, plan, position, outcome.reason);
    else if (outcome.kind === 'held') {
      this.counters.held++;
      await this.repository.hold(row.id, providerId, outcome.holdUntil);
    }
  }

  private async reroute(
    row: SendableMessageRow,
    plan: readonly string[],
    position: number,
    reason: string,
  ): Promise<void> {
    const from = this.options.sender.providerId;
    const next = position >= 0 ? plan[position + 1] : undefined;
    if (next !== undefined) {
      const moved = await this.repository.moveToProvider(
        row.id,
        from,
        next,
        { messageId: row.id, tenantId: row.tenant_id, groupId: row.group_id, providerId: next },
        `${row.id}.${position + 2}`,
      );
      if (moved) {
        this.counters.rerouted++;
        this.options.metrics?.rerouted(from);
        this.logger.log(`${row.id}: ${from} → ${next} (${reason})`);
        this.options.onOutboxWritten?.();
      }
      return;
    }
    this.counters.exhausted++;
    await this.reject(row, `route plan exhausted at ${from} (${reason})`);
  }

  /** The message's final state REJECTED: its receipt to the tenant and its reservation settled, in one transaction. */
  private async reject(row: SendableMessageRow, reason: string): Promise<void> {
    this.logger.warn(`${row.id}: ${reason}: REJECTED`);
    const settlement = settle(
      { acceptedByProvider: false, reason: 'rejected' },
      this.options.refundPolicy ?? DEFAULT_REFUND_POLICY,
    );
    await this.repository.transaction(async (tx) => {
      const result = await this.options.delivery.recordDlr(
        {
          messageId: row.id,
          state: 'rejected',
          err: PLAN_EXHAUSTED_ERR,
          doneAt: new Date((this.options.clock ?? Date.now)()),
        },
        tx,
      );
      if (result.updated && row.reservation_id !== null && this.options.billing !== undefined) {
        await this.options.billing[settlement](tx, { reservationId: row.reservation_id });
      }
    });
  }
}
