import { Logger } from '@nestjs/common';
import { DEFAULT_REFUND_POLICY, settle, type RefundPolicy } from '@app/billing';
import type { BillingPort, DeliveryPort } from '@app/connectors';
import type { DataSource } from 'typeorm';
import { PipelineRepository } from './pipeline.repository';

export interface FinalDlrSweeperOptions {
  readonly dataSource: DataSource;
  readonly delivery: DeliveryPort;
  readonly billing?: BillingPort;
  readonly refundPolicy?: RefundPolicy;
  /** A message without a final state this long after its acceptance gets the synthetic final state UNKNOWN. */
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly batchSize?: number;
  readonly clock?: () => number;
}

/** Normalised error code of the synthetic UNKNOWN receipt: no final receipt came in time. */
export const FINAL_DLR_TIMEOUT_ERR = '000';

/**
 * Gives every message that got no final state within `timeoutMs` the synthetic final state UNKNOWN: its receipt
 * to the tenant and its reservation settled (per `settle()`: a message the provider accepted is treated as
 * UNKNOWN from the provider, one never sent is refunded), in one transaction per message. recordDlr is monotone, so
 * a receipt arriving meanwhile wins and the sweep changes nothing for that message. A part of a long message of a
 * tenant with aggregated receipts is swept like any message: when it is the group's last open part, recordDlr queues
 * the group's one receipt (stat UNKNOWN unless a lower-numbered part failed otherwise).
 */
export class FinalDlrSweeper {
  private readonly logger = new Logger('FinalDlrSweeper');
  private readonly repository: PipelineRepository;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: FinalDlrSweeperOptions) {
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs < 0) {
      throw new RangeError('timeoutMs must be a non-negative number');
    }
    this.repository = new PipelineRepository(options.dataSource);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.running !== undefined) return;
      this.running = this.sweepOnce()
        .catch((error: unknown) => {
          this.logger.error(`sweep failed: ${error instanceof Error ? error.message : String(error)}`);
          return 0;
        })
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; returns how many messages it finalised. */
  async sweepOnce(): Promise<number> {
    const now = (this.options.clock ?? Date.now)();
    const overdue = await this.repository.overdue(
      new Date(now - this.options.timeoutMs),
      this.options.batchSize ?? 500,
    );
    let finalised = 0;
    for (const message of overdue) {
      const settlement = settle(
        message.status === 'sent'
          ? { acceptedByProvider: true, state: 'UNKNOWN' }
          : { acceptedByProvider: false, reason: 'expired_before_send' },
        this.options.refundPolicy ?? DEFAULT_REFUND_POLICY,
      );
      const updated = await this.repository.transaction(async (tx) => {
        const result = await this.options.delivery.recordDlr(
          {
            messageId: message.id,
            state: 'unknown_final',
            err: FINAL_DLR_TIMEOUT_ERR,
            doneAt: new Date(now),
          },
          tx,
        );
        // A reservation already resolved (a connector posted it when the provider accepted the message, before the
        // message's own status caught up) keeps its resolution.
        if (
          result.updated &&
          message.reservation_id !== null &&
          message.reservation_status === 'pending' &&
          this.options.billing !== undefined
        ) {
          await this.options.billing[settlement](tx, { reservationId: message.reservation_id });
        }
        return result.updated;
      });
      if (updated) finalised++;
    }
    if (finalised > 0) this.logger.warn(`${finalised} message(s) without a final receipt: UNKNOWN`);
    return finalised;
  }
}
