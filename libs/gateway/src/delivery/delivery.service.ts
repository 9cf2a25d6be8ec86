import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { ProviderErrorRecord, TenantDeliveryKind } from '@app/database';
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
import {
  DeliveryRepository,
  type GroupPart,
  type MessageOutcomeUpdate,
  type NewDelivery,
} from './delivery.repository';
import { aggregateGroup } from './multipart-receipt';
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
  /** The provider's own error code, kept verbatim on the message beside `err`. */
  readonly providerError?: ProviderErrorRecord;
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

interface FoldedOutcome {
  /** The message row's state after the applied events, one update per message. */
  readonly update: MessageOutcomeUpdate;
  /** Indexes of the events that change the message if it is not final yet: up to and including its first final. */
  readonly applied: number[];
}

/**
 * Folds the events of each message into the single update that recording them one by one would leave behind:
 * events after the message's first final one change nothing, the last applied event sets err and done_at, and
 * status and network_error_code keep the last value given. Sorted by message id, so that concurrent batches lock
 * shared messages in one order.
 */
function foldOutcomes(events: readonly DlrEvent[]): FoldedOutcome[] {
  const byMessage = new Map<string, { update: MessageOutcomeUpdate; applied: number[] }>();
  events.forEach((event, index) => {
    const rule = dlrStateRule(event.state);
    const previous = byMessage.get(event.messageId);
    if (previous?.update.final === true) return;
    byMessage.set(event.messageId, {
      update: {
        messageId: event.messageId,
        status: rule.messageStatus ?? previous?.update.status ?? null,
        final: rule.final,
        err: event.err,
        networkErrorCode: event.networkErrorCode ?? previous?.update.networkErrorCode ?? null,
        providerError: event.providerError ?? previous?.update.providerError ?? null,
        doneAt: event.doneAt,
      },
      applied: [...(previous?.applied ?? []), index],
    });
  });
  return [...byMessage.values()].sort((a, b) =>
    a.update.messageId < b.update.messageId ? -1 : a.update.messageId > b.update.messageId ? 1 : 0,
  );
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
    return (await this.recordDlrBatch([event], tx))[0];
  }

  /**
   * `recordDlr` for many outcomes, as if recorded one by one in input order, in a constant number of statements
   * (one message update, one receipt insert, and when a part of a long message of a tenant with aggregated receipts
   * became final, one group lock and one group read) and one transaction (the caller's `tx` when given, READ
   * COMMITTED). Results are in input order. Throws UnknownMessageError or InvalidDeliveryError for the first event
   * that has one, and then records none of them (the caller's transaction must be rolled back).
   *
   * Long messages (part_total > 1) of a tenant with `multipart_receipts = 'aggregated'` get no receipt per part:
   * the transaction that finalises the last open part queues one receipt for the message (see aggregateGroup), and
   * its result carries that receipt's deliveryId.
   */
  async recordDlrBatch(events: readonly DlrEvent[], tx?: EntityManager): Promise<RecordDlrResult[]> {
    // Before any write, so that a bad event fails without touching a message.
    for (const event of events) checkReceiptOutcome(event);
    if (events.length === 0) return [];
    const folded = foldOutcomes(events);
    const write = async (manager: EntityManager) => {
      const messages = await this.repository.updateMessageOutcomes(
        folded.map((outcome) => outcome.update),
        manager,
      );
      const results: RecordDlrResult[] = events.map(() => ({ updated: false }));
      const receipts: Array<{ index: number; delivery: NewDelivery }> = [];
      // Long messages of tenants with aggregated receipts that had a part finalised here: group id → the index of
      // the last event that finalised one of its parts (the one whose result carries the aggregated receipt).
      const finalisedGroups = new Map<string, number>();
      folded.forEach((outcome, position) => {
        const message = messages[position];
        if (message === null) throw new UnknownMessageError(outcome.update.messageId);
        if (message === undefined) return;
        const aggregated = message.part_total > 1 && message.multipart_receipts === 'aggregated';
        if (aggregated && outcome.update.final) {
          const last = outcome.applied[outcome.applied.length - 1];
          finalisedGroups.set(message.group_id, Math.max(finalisedGroups.get(message.group_id) ?? -1, last));
        }
        for (const index of outcome.applied) {
          const event = events[index];
          results[index] = { updated: true };
          // Aggregated: no receipt per part, intermediate or final; the group's one receipt comes below.
          if (aggregated) continue;
          if (!receiptRequested(message.registered_delivery, event.state)) continue;
          const delivery: NewDelivery = {
            tenantId: message.tenant_id,
            kind: 'dlr',
            messageId: message.id,
            final: dlrStateRule(event.state).final,
            pdu: toStoredDeliverSm(buildReceipt(message, event)),
            retentionMs: this.options.retentionMs,
          };
          receipts.push({ index, delivery });
        }
      });
      receipts.push(...(await this.aggregatedReceipts(finalisedGroups, manager)));
      // Queued in the order the outcomes came in, which is the order the tenant receives them.
      receipts.sort((a, b) => a.index - b.index);
      const deliveryIds = await this.repository.enqueueMany(
        receipts.map((receipt) => receipt.delivery),
        manager,
      );
      const tenants = new Set<string>();
      receipts.forEach(({ index, delivery }, position) => {
        const deliveryId = deliveryIds[position];
        if (deliveryId === undefined) return;
        results[index] = { updated: true, deliveryId };
        tenants.add(delivery.tenantId);
      });
      return { results, tenants };
    };
    const { results, tenants } =
      tx === undefined ? await this.repository.transaction(write) : await write(tx);
    for (const tenantId of tenants) this.wake(tenantId);
    return results;
  }

  /**
   * The aggregated receipts of the long messages in `groups` whose every stored part is now final. The groups are
   * locked first (see DeliveryRepository.lockGroups), so when the last parts of one message are finalised by
   * concurrent transactions, in this process or another, exactly one of them sees the message complete; the unique
   * final receipt per message id (the reporting part's) keeps a repeated completion from queueing a second one.
   */
  private async aggregatedReceipts(
    groups: ReadonlyMap<string, number>,
    manager: EntityManager,
  ): Promise<Array<{ index: number; delivery: NewDelivery }>> {
    if (groups.size === 0) return [];
    const groupIds = [...groups.keys()];
    await this.repository.lockGroups(groupIds, manager);
    const partsByGroup = new Map<string, GroupPart[]>();
    for (const part of await this.repository.groupParts(groupIds, manager)) {
      const parts = partsByGroup.get(part.group_id);
      if (parts === undefined) partsByGroup.set(part.group_id, [part]);
      else parts.push(part);
    }
    const receipts: Array<{ index: number; delivery: NewDelivery }> = [];
    for (const [groupId, index] of groups) {
      const receipt = aggregateGroup(partsByGroup.get(groupId) ?? []);
      if (receipt === undefined) continue;
      if (!receiptRequested(receipt.source.registered_delivery, receipt.outcome.state)) continue;
      receipts.push({
        index,
        delivery: {
          tenantId: receipt.source.tenant_id,
          kind: 'dlr',
          messageId: receipt.source.id,
          final: true,
          pdu: toStoredDeliverSm(buildReceipt(receipt.source, receipt.outcome)),
          retentionMs: this.options.retentionMs,
        },
      });
    }
    return receipts;
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
