import { Logger } from '@nestjs/common';
import { reclaimExpiredLeases } from '@app/bus';
import type { DataSource } from 'typeorm';

export interface LeaseReclaimerOptions {
  /** An unanswered attempt older than this belongs to a dead connector; must exceed SMPP_RESPONSE_TIMEOUT_MS. */
  readonly leaseMs: number;
  /** Only this provider's attempts (a connector app); every provider's when unset (the one-process app). */
  readonly providerId?: string;
  readonly batchSize?: number;
}

/**
 * Runs reclaimExpiredLeases at start and then every `leaseMs`, so that the attempts a killed connector left in
 * flight become `indeterminate` once their lease has run out, whether or not the same connector comes back.
 */
export class LeaseReclaimer {
  private readonly logger = new Logger('LeaseReclaimer');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: LeaseReclaimerOptions,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.leaseMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running !== undefined) return;
    this.running = reclaimExpiredLeases(this.dataSource, {
      leaseMs: this.options.leaseMs,
      batchSize: this.options.batchSize ?? 500,
      providerId: this.options.providerId,
    })
      .then((reclaimed) => {
        if (reclaimed.length > 0) {
          this.logger.warn(`${reclaimed.length} attempt(s) of a dead connector reclaimed as indeterminate`);
        }
      })
      .catch((error: unknown) =>
        this.logger.error(`lease reclaim failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => (this.running = undefined));
  }
}
