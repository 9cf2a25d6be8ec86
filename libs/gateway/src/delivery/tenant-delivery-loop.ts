import { Logger } from '@nestjs/common';
import { withCorrelation } from '@app/observability';
import {
  CommandStatus,
  SmppSessionClosedError,
  SmppSessionStateError,
  statusName,
  type SmppSession,
} from '@app/smpp';
import { fromStoredDeliverSm } from './deliver-sm';
import type { ClaimedDelivery, DeliveryRepository } from './delivery.repository';

export interface TenantDeliveryLoopSettings {
  readonly owner: string;
  readonly windowPerSession: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly onError: (error: unknown, context: string) => void;
}

/** Delay before attempt `attempts + 1`: retryMinMs doubling per attempt, at most retryMaxMs. */
export function retryDelayMs(attempts: number, retryMinMs: number, retryMaxMs: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(retryMaxMs, retryMinMs * 2 ** exponent);
}

/**
 * Delivers one tenant's queue over the tenant's receiver-capable sessions of this instance, while this instance
 * holds the tenant's lease. Runs while at least one session is attached; wakes on enqueue, on attach, when a
 * window slot frees, and every pollMs (enqueues by other instances, lease takeover).
 */
export class TenantDeliveryLoop {
  private readonly logger = new Logger('TenantDelivery');
  private readonly sessions = new Map<SmppSession, number>();
  /** Round-robin start among equally loaded sessions. */
  private nextSessionIndex = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly settling = new Set<Promise<void>>();

  constructor(
    readonly tenantId: string,
    private readonly repository: DeliveryRepository,
    private readonly settings: TenantDeliveryLoopSettings,
  ) {}

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Resolves when the loop has ended (no sessions left, or stopped) and its last writes are done. */
  get idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  attach(session: SmppSession): void {
    if (this.sessions.has(session)) return;
    this.sessions.set(session, 0);
    const detach = (): void => {
      session.off('unbound', detach);
      session.off('closed', detach);
      this.sessions.delete(session);
      this.wake();
    };
    session.on('unbound', detach);
    session.on('closed', detach);
    this.wake();
    this.ensureRunning();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.idle;
  }

  private ensureRunning(): void {
    if (this.running !== undefined || this.stopped) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
      // A session attached while the loop was winding down.
      if (this.sessions.size > 0) this.ensureRunning();
    });
  }

  private async run(): Promise<void> {
    const { owner, leaseMs, pollMs } = this.settings;
    try {
      while (!this.stopped && this.sessions.size > 0) {
        this.woken = false;
        let delivering = false;
        try {
          if (await this.repository.acquireLease(this.tenantId, owner, leaseMs)) {
            delivering = await this.deliverDue();
          }
        } catch (error) {
          this.settings.onError(error, `delivery loop of tenant ${this.tenantId}`);
        }
        if (!delivering) await this.sleep(pollMs);
      }
      await this.drainSettling();
    } finally {
      try {
        await this.repository.releaseLease(this.tenantId, owner);
      } catch (error) {
        this.settings.onError(error, `releasing the lease of tenant ${this.tenantId}`);
      }
    }
  }

  /** Sends what fits in the free window slots; false when there was nothing to send or no room for it. */
  private async deliverDue(): Promise<boolean> {
    const capacity = this.freeSlots();
    if (capacity === 0) return false;
    const claimed = await this.repository.claim(
      this.tenantId,
      this.settings.owner,
      capacity,
      this.settings.leaseMs,
    );
    for (const delivery of claimed) this.send(delivery);
    return claimed.length === capacity;
  }

  private freeSlots(): number {
    let free = 0;
    for (const [session, inFlight] of this.sessions) free += this.slotsOf(session, inFlight);
    return free;
  }

  private slotsOf(session: SmppSession, inFlight: number): number {
    return Math.max(0, Math.min(this.settings.windowPerSession - inFlight, session.windowAvailable));
  }

  /** The session with the most free slots; ties go round robin. */
  private pickSession(): SmppSession | undefined {
    const sessions = [...this.sessions.keys()];
    let best: SmppSession | undefined;
    let bestSlots = 0;
    for (let offset = 0; offset < sessions.length; offset++) {
      const session = sessions[(this.nextSessionIndex + offset) % sessions.length];
      const slots = this.slotsOf(session, this.sessions.get(session) ?? 0);
      if (slots > bestSlots) {
        best = session;
        bestSlots = slots;
      }
    }
    this.nextSessionIndex = (this.nextSessionIndex + 1) % Math.max(sessions.length, 1);
    return best;
  }

  /**
   * A receipt is sent, answered and logged under its message id as correlation id (from @app/observability), so its
   * lines join the message's from submit to final DLR; an MO has no message and goes without one.
   */
  private send(delivery: ClaimedDelivery): void {
    if (delivery.messageId === null) this.sendNow(delivery);
    else withCorrelation(delivery.messageId, () => this.sendNow(delivery));
  }

  private sendNow(delivery: ClaimedDelivery): void {
    const session = this.pickSession();
    if (session === undefined) {
      // The binds went away between claim and send: due again at once, for the next bind.
      this.track(this.repository.scheduleRetry(delivery.id, 0, 'no receiver bind when sending'));
      return;
    }
    this.sessions.set(session, (this.sessions.get(session) ?? 0) + 1);
    const outcome = session.request(fromStoredDeliverSm(delivery.pdu)).then(
      (response) => {
        if (response.command_status === CommandStatus.ESME_ROK) {
          this.logger.debug(`${delivery.kind} delivered to tenant ${this.tenantId}`);
          return this.repository.markDelivered(delivery.id);
        }
        return this.retryLater(delivery, `deliver_sm_resp ${statusName(response.command_status)}`);
      },
      (error: unknown) => {
        if (error instanceof SmppSessionClosedError || error instanceof SmppSessionStateError) {
          // The tenant never answered on this bind; it gets the row again on its next bind, not after a backoff.
          this.logger.debug(`${delivery.kind} to tenant ${this.tenantId} unanswered: ${errorText(error)}`);
          return this.repository.scheduleRetry(delivery.id, 0, errorText(error));
        }
        return this.retryLater(delivery, errorText(error));
      },
    );
    this.track(
      outcome.finally(() => {
        const inFlight = this.sessions.get(session);
        if (inFlight !== undefined) this.sessions.set(session, inFlight - 1);
        this.wake();
      }),
    );
  }

  private retryLater(delivery: ClaimedDelivery, error: string): Promise<void> {
    const { retryMinMs, retryMaxMs } = this.settings;
    const delayMs = retryDelayMs(delivery.attempts, retryMinMs, retryMaxMs);
    this.logger.warn(
      `${delivery.kind} to tenant ${this.tenantId} not delivered (attempt ${delivery.attempts}): ${error}; ` +
        `next attempt in ${delayMs} ms`,
    );
    return this.repository.scheduleRetry(delivery.id, delayMs, error);
  }

  /**
   * Keeps the write so that stop() can wait for it. A failed write leaves the row claimed: it becomes due again
   * when its claim (leaseMs) runs out.
   */
  private track(write: Promise<void>): void {
    const settled = write.catch((error: unknown) =>
      this.settings.onError(error, `recording a delivery outcome for tenant ${this.tenantId}`),
    );
    this.settling.add(settled);
    void settled.finally(() => this.settling.delete(settled));
  }

  private async drainSettling(): Promise<void> {
    // Bounded: each round waits for the writes started before it; sends stop once the loop has stopped.
    for (let round = 0; round < 100 && this.settling.size > 0; round++) {
      await Promise.all([...this.settling]);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
