import { Logger } from '@nestjs/common';
import type { RouteAttempt, RoutingRequest, RoutingResult } from '@app/routing';
import { CommandStatus, type DataSm, type SubmitSm } from '@app/smpp';
import type { TenantPolicy } from '../auth/tenant-policy';
import { AcceptWriter, type PreparedMessage, type WriteOutcome } from './accept-writer';
import { ConcatGroups } from './concat-groups';
import { GatewayStatus } from './gateway-status';
import { CommitQueueFullError, GroupCommitter } from './group-committer';
import { newMessageId } from './message-id';
import { validateSubmit, type SubmitLimits, type ValidSubmit } from './submit-validation';
import { TpsLimiter } from './tps-limiter';
import type { DataSource } from 'typeorm';

/** What the accept path needs from routing: `Router` from @app/routing fits. */
export interface RoutePlanner {
  plan(request: RoutingRequest): RoutingResult;
}

/** The tenant's billing account as cached for a bind. */
export interface TenantAccount {
  readonly id: string;
  readonly currency: string;
}

export interface SubmitContext {
  readonly policy: TenantPolicy;
  readonly account: TenantAccount | undefined;
}

export interface AcceptOptions extends SubmitLimits {
  readonly groupCommitWindowMs: number;
  readonly groupCommitMaxBatch: number;
  readonly groupCommitMaxWaiting: number;
  readonly groupCommitConcurrency: number;
  /** How long after its first part a long message's later parts are joined to it. */
  readonly concatTtlMs: number;
  /** Reservations outlive the message's validity by this much before the ledger sweeper may void them. */
  readonly reservationGraceMs: number;
  readonly now?: () => number;
}

export interface AcceptResult {
  readonly status: number;
  /** Set when status is ESME_ROK. */
  readonly messageId?: string;
  /** Why a submit was refused, for the log (never the message text). */
  readonly reason?: string;
}

function attemptJson(attempts: readonly RouteAttempt[]): string {
  return JSON.stringify(attempts, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

/**
 * submit_sm / data_sm → durable accept: TPS, validation, route, price, then one group-committed transaction
 * (reservation + message row + outbox row); the answer comes only after the commit.
 */
export class AcceptService {
  private readonly logger = new Logger('AcceptService');
  private readonly writer: AcceptWriter;
  private readonly committer: GroupCommitter<PreparedMessage, WriteOutcome>;
  private readonly tps: TpsLimiter;
  private readonly concat: ConcatGroups;
  private readonly now: () => number;

  constructor(
    dataSource: DataSource,
    private readonly router: RoutePlanner,
    private readonly options: AcceptOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.writer = new AcceptWriter(dataSource);
    this.committer = new GroupCommitter(
      {
        windowMs: options.groupCommitWindowMs,
        maxBatch: options.groupCommitMaxBatch,
        maxWaiting: options.groupCommitMaxWaiting,
        maxConcurrentFlushes: options.groupCommitConcurrency,
      },
      (batch) => this.writer.write(batch),
    );
    this.tps = new TpsLimiter(this.now);
    this.concat = new ConcatGroups({ ttlMs: options.concatTtlMs, maxGroups: 100_000, now: this.now });
  }

  /** Resolves when every submit handed to the group committer has been written or failed. */
  whenIdle(): Promise<void> {
    return this.committer.whenIdle();
  }

  forgetCredential(credentialId: string): void {
    this.tps.forget(credentialId);
  }

  async accept(context: SubmitContext, pdu: SubmitSm | DataSm): Promise<AcceptResult> {
    const { policy } = context;
    if (!this.tps.tryTake(policy.credentialId, policy.tpsLimit)) {
      return { status: CommandStatus.ESME_RTHROTTLED, reason: 'over the credential TPS limit' };
    }
    const nowMs = this.now();
    const checked = validateSubmit(pdu, policy, this.options, new Date(nowMs));
    if (!checked.ok) return { status: checked.status, reason: checked.reason };
    const submit = checked.submit;

    const id = newMessageId();
    let groupId = id;
    let routingKey = id;
    if (submit.concat !== undefined) {
      routingKey = ConcatGroups.routingKey(
        policy.tenantId,
        submit.source.addr,
        submit.destinationDigits,
        submit.concat,
      );
      groupId = this.concat.groupFor(routingKey, id);
    }
    const plan = this.router.plan({
      tenantId: policy.tenantId,
      destination: submit.destinationDigits,
      segments: submit.segments,
      messageKey: routingKey,
      source: submit.source.addr,
      content: submit.text,
    });
    if (!plan.ok) return { status: GatewayStatus.NO_ROUTE, reason: `${plan.reason}: ${plan.detail}` };
    if (context.account === undefined)
      return { status: GatewayStatus.NO_CREDIT, reason: 'tenant has no account' };

    const prepared = this.prepare(context, context.account, submit, id, groupId, plan.attempts, nowMs);
    let outcome: WriteOutcome;
    try {
      outcome = await this.committer.submit(prepared);
    } catch (error) {
      if (error instanceof CommitQueueFullError) {
        return { status: CommandStatus.ESME_RMSGQFUL, reason: error.message };
      }
      this.logger.error(
        `accept transaction failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return { status: CommandStatus.ESME_RSYSERR, reason: 'the message store is unavailable' };
    }
    if (outcome.ok) return { status: CommandStatus.ESME_ROK, messageId: outcome.messageId };
    return outcome.reason === 'NO_CREDIT'
      ? { status: GatewayStatus.NO_CREDIT, reason: 'insufficient funds or account not active' }
      : { status: GatewayStatus.NO_ROUTE, reason: 'price plan currency differs from the account' };
  }

  private prepare(
    context: SubmitContext,
    account: TenantAccount,
    submit: ValidSubmit,
    id: string,
    groupId: string,
    attempts: readonly RouteAttempt[],
    nowMs: number,
  ): PreparedMessage {
    const first = attempts[0];
    return {
      id,
      tenantId: context.policy.tenantId,
      systemId: context.policy.systemId,
      groupId,
      partNo: submit.concat?.sequence ?? 1,
      partTotal: submit.concat?.total ?? 1,
      sourceAddr: submit.source.addr,
      sourceTon: submit.source.ton,
      sourceNpi: submit.source.npi,
      destinationAddr: submit.destination.addr,
      destTon: submit.destination.ton,
      destNpi: submit.destination.npi,
      esmClass: submit.esmClass,
      protocolId: submit.protocolId,
      priorityFlag: submit.priorityFlag,
      registeredDelivery: submit.registeredDelivery,
      dataCoding: submit.dataCoding,
      octets: submit.octets,
      tlvs: submit.tlvs,
      userMessageReference: submit.userMessageReference,
      dlrText: submit.dlrText,
      segments: submit.segments,
      scheduleAt: submit.scheduleAt,
      expiresAt: submit.expiresAt,
      routeJson: attemptJson(attempts),
      providerId: first.providerId,
      submittedAt: new Date(nowMs),
      reserve: {
        idempotencyKey: id,
        accountId: account.id,
        currency: first.currency,
        segments: submit.segments,
        pricePerSegment: first.pricePerSegment,
        messageRef: id,
        providerId: first.providerId,
        costPerSegment: first.costPerSegment,
        destinationPrefix: first.matchedPrefix,
        country: first.country,
        expiresAt: new Date(submit.expiresAt.getTime() + this.options.reservationGraceMs),
      },
    };
  }
}
