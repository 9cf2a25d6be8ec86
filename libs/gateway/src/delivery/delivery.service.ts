import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { TenantDeliveryKind } from '@app/database';
import type { SmppSession } from '@app/smpp';
import { Counter, register, type Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import {
  buildMo,
  buildReceipt,
  checkReceiptOutcome,
  dlrStateRule,
  receiptRequested,
  toStoredDeliverSm,
  type DlrState,
  type MoMessage,
} from './deliver-sm';
import { DeliveryNotificationListener } from './delivery-notifications';
import { DeliveryConfigError, UnknownMessageError } from './delivery.errors';
import { DeliveryRepository } from './delivery.repository';
import { TenantDeliveryLoop } from './tenant-delivery-loop';

export interface DeliveryOptions {
  /** How long a DLR or MO waits for its tenant before it expires unsent. */
  readonly retentionMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** deliver_sm awaiting deliver_sm_resp per session (the session's own window bounds it too). */
  readonly windowPerSession: number;
  /** A tenant lease, and how long a sent row stays claimed: must exceed the sessions' response timer. */
  readonly leaseMs: number;
  /** Re-read interval of a tenant queue and of the expiry sweep; below leaseMs so that leases are renewed. */
  readonly pollMs: number;
  /** Distinguishes this instance in tenant_delivery_leases; default host, pid and a random suffix. */
  readonly owner?: string;
  /** Where smsc_tenant_deliveries_expired_total is registered; default the prom-client global registry. */
  readonly registry?: Registry;
}

/**
 * Throws DeliveryConfigError when DELIVERY_LEASE_MS does not exceed SMPP_RESPONSE_TIMEOUT_MS: a row claimed for a
 * deliver_sm must stay claimed until that deliver_sm has been answered or has timed out.
 */
export function deliveryOptionsFromConfig(config: AppConfig): DeliveryOptions {
  if (config.deliveryLeaseMs <= config.smppResponseTimeoutMs) {
    throw new DeliveryConfigError(
      `DELIVERY_LEASE_MS (${config.deliveryLeaseMs}) must exceed SMPP_RESPONSE_TIMEOUT_MS (${config.smppResponseTimeoutMs})`,
    );
  }
  return {
    retentionMs: config.deliveryRetentionHours * 3_600_000,
    retryMinMs: config.deliveryRetryMinMs,
    retryMaxMs: config.deliveryRetryMaxMs,
    windowPerSession: config.deliveryWindow,
    leaseMs: config.deliveryLeaseMs,
    pollMs: config.deliveryPollMs,
  };
}

export interface DlrEvent {
  /** Our message id (messages.id). */
  readonly messageId: string;
  readonly state: DlrState;
  /** Our normalised err, three or more decimal digits. */
  readonly err: string;
  /** network type (1 octet) and error code (2 octets), SMPP 3.4 §5.3.2.31. */
  readonly networkErrorCode?: Buffer;
  readonly doneAt: Date;
}

export interface RecordDlrResult {
  /** The message took this outcome (false: it already had a final one, which is kept). */
  readonly updated: boolean;
  /** Id of the queued receipt; undefined when none was asked for or one was already queued. */
  readonly deliveryId?: string;
}

export interface MoEvent extends MoMessage {
  readonly tenantId: string;
}

const EXPIRED_METRIC = 'smsc_tenant_deliveries_expired_total';

function expiredCounter(registry: Registry): Counter<'kind'> {
  const existing = registry.getSingleMetric(EXPIRED_METRIC);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: EXPIRED_METRIC,
    help: 'DLRs and MO that expired unsent after their retention, by kind (dlr, mo)',
    labelNames: ['kind'],
    registers: [registry],
  });
}

function validated(options: DeliveryOptions): DeliveryOptions {
  const positive = [
    'retentionMs',
    'retryMinMs',
    'retryMaxMs',
    'windowPerSession',
    'leaseMs',
    'pollMs',
  ] as const;
  for (const key of positive) {
    if (!Number.isInteger(options[key]) || options[key] <= 0) {
      throw new DeliveryConfigError(`${key} must be a positive integer, got ${options[key]}`);
    }
  }
  if (options.retryMinMs > options.retryMaxMs) {
    throw new DeliveryConfigError(
      `retryMinMs (${options.retryMinMs}) exceeds retryMaxMs (${options.retryMaxMs})`,
    );
  }
  if (options.pollMs >= options.leaseMs) {
    throw new DeliveryConfigError(`pollMs (${options.pollMs}) must be below leaseMs (${options.leaseMs})`);
  }
  return options;
}

/**
 * The durable per-tenant queue of everything the server sends tenants: delivery receipts and MO. Rows live in
 * tenant_deliveries until the tenant answers deliver_sm_resp ESME_ROK, and are sent over the tenant's bound
 * receiver and transceiver sessions (`attach`) by the one instance that holds the tenant's lease.
 */
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly options: DeliveryOptions;
  private readonly repository: DeliveryRepository;
  private readonly loops = new Map<string, TenantDeliveryLoop>();
  private readonly expired: Counter<'kind'>;
  readonly owner: string;
  private readonly notifications: DeliveryNotificationListener;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(dataSource: DataSource, options: DeliveryOptions) {
    this.options = validated(options);
    this.repository = new DeliveryRepository(dataSource);
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.expired = expiredCounter(options.registry ?? register);
    this.notifications = new DeliveryNotificationListener(dataSource, {
      onTenant: (tenantId) => this.wake(tenantId),
      onResubscribed: () => this.loops.forEach((loop) => loop.wake()),
      onError: (error, context) => this.reportError(error, context),
    });
  }

  /**
   * Starts the periodic expiry sweep (every pollMs) and listens for rows committed by any process, so that a receipt
   * queued inside a caller's transaction goes out once that transaction commits rather than at the next poll.
   */
  start(): void {
    if (this.sweepTimer !== undefined || this.stopped) return;
    this.notifications.start();
    this.sweepTimer = setInterval(() => {
      if (this.sweeping !== undefined) return;
      this.sweeping = this.expireDue()
        .then(
          () => undefined,
          (error: unknown) => this.reportError(error, 'expiry sweep'),
        )
        .finally(() => (this.sweeping = undefined));
    }, this.options.pollMs);
    this.sweepTimer.unref();
  }

  /** Stops every tenant loop (in-flight deliver_sm are awaited, leases released) and the sweep. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.notifications.stop();
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
    await this.sweeping;
  }

  /** True while rows committed by other transactions and processes wake the tenant loops (see start). */
  get listening(): boolean {
    return this.notifications.listening;
  }

  /** Looks at the tenant's queue now, if a session of this instance delivers to the tenant. */
  wake(tenantId: string): void {
    this.loops.get(tenantId)?.wake();
  }

  /**
   * Records a message outcome and queues the receipt its registered_delivery asks for, in one transaction (the
   * caller's `tx` when given). A final state is never overwritten, so a message gets at most one final receipt
   * however often its outcome is reported. Throws UnknownMessageError or InvalidDeliveryError.
   */
  async recordDlr(event: DlrEvent, tx?: EntityManager): Promise<RecordDlrResult> {
    // Before any write, so that a bad event fails without touching the message.
    checkReceiptOutcome(event);
    const rule = dlrStateRule(event.state);
    const write = async (manager: EntityManager): Promise<RecordDlrResult & { tenantId?: string }> => {
      const message = await this.repository.updateMessageOutcome(
        {
          messageId: event.messageId,
          status: rule.messageStatus,
          final: rule.final,
          err: event.err,
          networkErrorCode: event.networkErrorCode ?? null,
          doneAt: event.doneAt,
        },
        manager,
      );
      if (message === null) throw new UnknownMessageError(event.messageId);
      if (message === undefined) return { updated: false };
      if (!receiptRequested(message.registered_delivery, event.state)) return { updated: true };
      const pdu = buildReceipt(message, event);
      const deliveryId = await this.repository.enqueue(
        {
          tenantId: message.tenant_id,
          kind: 'dlr',
          messageId: message.id,
          final: rule.final,
          pdu: toStoredDeliverSm(pdu),
          retentionMs: this.options.retentionMs,
        },
        manager,
      );
      return deliveryId === undefined
        ? { updated: true }
        : { updated: true, deliveryId, tenantId: message.tenant_id };
    };
    const { tenantId, ...result } =
      tx === undefined ? await this.repository.transaction(write) : await write(tx);
    if (tenantId !== undefined) this.wake(tenantId);
    return result;
  }

  /** Queues a mobile-originated message for the tenant. Throws InvalidDeliveryError for fields the codec refuses. */
  async recordMo(event: MoEvent, tx?: EntityManager): Promise<{ deliveryId: string }> {
    const pdu = buildMo(event);
    const deliveryId = await this.repository.enqueue(
      {
        tenantId: event.tenantId,
        kind: 'mo',
        messageId: null,
        final: false,
        pdu: toStoredDeliverSm(pdu),
        retentionMs: this.options.retentionMs,
      },
      tx,
    );
    if (deliveryId === undefined) throw new Error('unreachable: an MO row has no unique key to conflict on');
    this.wake(event.tenantId);
    return { deliveryId };
  }

  /**
   * A receiver or transceiver bind of the tenant is ready for deliver_sm. The session is dropped from delivery when
   * it unbinds or closes; anything it did not acknowledge goes out again on the tenant's binds.
   */
  attach(tenantId: string, session: SmppSession): void {
    if (this.stopped) return;
    if (session.state !== 'BOUND_RX' && session.state !== 'BOUND_TRX') {
      this.logger.warn(`not delivering to tenant ${tenantId} over a session in state ${session.state}`);
      return;
    }
    let loop = this.loops.get(tenantId);
    if (loop === undefined) {
      loop = new TenantDeliveryLoop(tenantId, this.repository, {
        owner: this.owner,
        windowPerSession: this.options.windowPerSession,
        leaseMs: this.options.leaseMs,
        pollMs: this.options.pollMs,
        retryMinMs: this.options.retryMinMs,
        retryMaxMs: this.options.retryMaxMs,
        onError: (error, context) => this.reportError(error, context),
      });
      this.loops.set(tenantId, loop);
    }
    loop.attach(session);
  }

  /** Marks rows past their retention expired and counts them; returns how many of each kind. */
  async expireDue(): Promise<Record<TenantDeliveryKind, number>> {
    const counts = await this.repository.expireDue();
    for (const kind of ['dlr', 'mo'] as const) {
      if (counts[kind] > 0) this.expired.inc({ kind }, counts[kind]);
    }
    return counts;
  }

  private reportError(error: unknown, context: string): void {
    this.logger.error(`${context}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
