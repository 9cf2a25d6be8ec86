import { Logger } from '@nestjs/common';
import type { RefundPolicy } from '@app/billing';
import { DEFAULT_REFUND_POLICY, settle, type ProviderFinalState } from '@app/billing';
import type { DlrEvent, DlrState, MoEvent, RecordDlrResult } from '@app/gateway';
import {
  classifyBindResp,
  classifySubmitResp,
  nextBindPlan,
  normaliseMessageId,
  parseDeliver,
  registerProviderTlvs,
  shapeSubmit,
  submitRespMessageId,
  type DlrCategory,
  type InboundDlr,
  type InboundMo,
  type ProviderProfile,
  type StatusClassification,
} from '@app/providers';
import {
  CommandStatus,
  createPdu,
  messageStateToStat,
  SmppBindRejectedError,
  SmppClient,
  SmppError,
  type BindType,
  type DeliverSm,
  type InboundRequest,
  type RandomSource,
  type ReconnectBackoffOptions,
  type ReconnectClock,
  type SmppHost,
  type SessionState,
  type SmppSession,
  type SubmitSm,
} from '@app/smpp';
import type { ParkedDlrOutcome } from '@app/database';
import { withCorrelation, type SmscMetrics } from '@app/observability';
import type { DataSource, EntityManager } from 'typeorm';
import { AcceptedAttempts } from './accepted-attempts';
import { ConnectorRepository, type AcceptedAttempt, type ParkedDlr } from './connector.repository';
import { MicroBatcher } from './micro-batcher';
import { decideIndeterminate, type IndeterminatePolicy } from './indeterminate-policy';
import { AdaptiveRate, ConnectorConfigError, TokenBucket, type Clock } from './rate-control';
import type { AttemptOutcome, SendMessage } from './send-message';

/** What the runtime needs from the gateway's DeliveryService (recordDlr is monotone: one final DLR per message). */
export interface DeliveryPort {
  recordDlr(event: DlrEvent, tx?: EntityManager): Promise<RecordDlrResult>;
  /** recordDlr of many events as if one by one, results in input order; throws when any one would. */
  recordDlrBatch(events: readonly DlrEvent[], tx?: EntityManager): Promise<RecordDlrResult[]>;
  recordMo(event: MoEvent, tx?: EntityManager): Promise<{ deliveryId: string }>;
}

/** What the runtime needs from libs/billing's LedgerRepository. */
export interface BillingPort {
  post(tx: EntityManager, request: { reservationId: string }): Promise<unknown>;
  void(tx: EntityManager, request: { reservationId: string }): Promise<unknown>;
  postBatch(
    tx: EntityManager,
    requests: ReadonlyArray<{ reservationId: string }>,
  ): Promise<readonly BatchOutcome[]>;
  voidBatch(
    tx: EntityManager,
    requests: ReadonlyArray<{ reservationId: string }>,
  ): Promise<readonly BatchOutcome[]>;
}

/** One item of a billing batch: LedgerRepository's BatchResult as far as the runtime reads it. */
export type BatchOutcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/** A receipt matched to the accepted attempt of its message, waiting for its batch. */
interface MatchedReceipt {
  readonly key: string;
  readonly outcome: ParkedDlrOutcome;
  readonly attempt: AcceptedAttempt;
}

export interface ConnectorOptions {
  profile: ProviderProfile;
  /** Row of `providers`; defaults to the profile id. */
  providerId?: string;
  hosts: readonly SmppHost[];
  systemId: string;
  password: string;
  /** Instances of the profile's bind plan to keep bound (capped by the profile's session limit). Default 1. */
  sessions?: number;
  /** Contracted submits per second across all sessions. */
  tps: number;
  windowSize?: number;
  responseTimeoutMs?: number;
  /** How long send() waits for a bound session before handing the message back for rerouting. Default 5 000 ms. */
  sessionWaitMs?: number;
  /** RETRY and THROTTLE answers retried on this provider before the decision's `then` applies. Default 3. */
  maxRetries?: number;
  indeterminate: IndeterminatePolicy;
  /** How long an unknown or early receipt stays parked. Default 10 minutes. */
  parkTtlMs?: number;
  /** How often parked receipts past their expiry are deleted. Default 60 000 ms. */
  parkSweepMs?: number;
  refundPolicy?: RefundPolicy;
  dataSource: DataSource;
  delivery: DeliveryPort;
  billing?: BillingPort;
  clock?: Clock;
  /** Overrides of the profile's reconnect schedule (tests, or an operator's choice). */
  reconnect?: Partial<ReconnectBackoffOptions>;
  reconnectClock?: ReconnectClock;
  random?: RandomSource;
  /** Upstream submits, receipts, sessions and window use are counted here when given. */
  metrics?: SmscMetrics;
}

export interface ConnectorCounters {
  submitted: number;
  accepted: number;
  rerouted: number;
  failed: number;
  throttled: number;
  indeterminate: number;
  dlrs: number;
  dlrsParkedEarly: number;
  dlrsUnknown: number;
  dlrsDuplicate: number;
  /** Parked receipts deleted unmatched after their expiry. */
  dlrsExpired: number;
  mo: number;
  moUnrouted: number;
}

export class ConnectorStoppedError extends Error {
  override readonly name = 'ConnectorStoppedError';
}

/** No submit_sm_resp for this message (no bound session, or the query/cancel target is unknown). */
export class ConnectorUnavailableError extends Error {
  override readonly name = 'ConnectorUnavailableError';
}

type PartResult =
  | { kind: 'answered'; attemptId: string; commandStatus: number; providerMessageId: string }
  | { kind: 'lost'; attemptId: string; reason: string };

/** An attempt unanswered this long after its submit_sm went out is marked `sent`; others get sent_at with the answer. */
const SENT_MARK_AFTER_MS = 1_000;

/**
 * Batches of one kind of statement in progress at once (see MicroBatcher): two, so that a batch is being filled
 * while the other is written. Receipts are recorded one batch at a time, so that two receipts of one message are
 * applied in the order they came.
 */
const GROUP_COMMIT = 2;

const TRANSMITTING: ReadonlySet<BindType | undefined> = new Set(['transmitter', 'transceiver']);
const SESSION_LOST_ERRORS = new Set(['SESSION_CLOSED', 'RESPONSE_TIMEOUT', 'SESSION_STATE']);

/** Categories a parked receipt's outcome (stored as JSON) may name; anything else is counted as unknown. */
const DLR_CATEGORIES: ReadonlySet<string> = new Set<DlrCategory>([
  'delivered',
  'permanent_failure',
  'temporary_failure',
  'expired',
  'rejected',
  'unknown',
  'pending',
]);

const STAT_TO_STATE: Readonly<Record<string, DlrState>> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undeliverable',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
  DELETED: 'deleted',
  UNKNOWN: 'unknown',
  ENROUTE: 'enroute',
  ACCEPTD: 'accepted',
};

function networkErrorBuffer(dlr: InboundDlr): Buffer | undefined {
  const code = dlr.networkErrorCode;
  if (code === undefined) return undefined;
  const buffer = Buffer.alloc(3);
  buffer[0] = code.networkType;
  buffer.writeUInt16BE(code.errorCode & 0xffff, 1);
  return buffer;
}

/**
 * The shared connector runtime: the profile's binds over its hosts, a TPS limit that backs off on throttling,
 * attempts recorded around every submit_sm, receipts and MO taken in and handed to the gateway's delivery queue.
 */
export class ConnectorRuntime {
  readonly providerId: string;
  readonly counters: ConnectorCounters = {
    submitted: 0,
    accepted: 0,
    rerouted: 0,
    failed: 0,
    throttled: 0,
    indeterminate: 0,
    dlrs: 0,
    dlrsParkedEarly: 0,
    dlrsUnknown: 0,
    dlrsDuplicate: 0,
    dlrsExpired: 0,
    mo: 0,
    moUnrouted: 0,
  };
  private readonly logger: Logger;
  private readonly repository: ConnectorRepository;
  private readonly clock: Clock;
  private readonly bucket: TokenBucket;
  private readonly rate: AdaptiveRate;
  // Attempt writes of concurrent sends share statements (one per event-loop turn): see MicroBatcher.
  private readonly attemptRows: MicroBatcher<string, { id: string; attemptNo: number }>;
  private readonly sentRows: MicroBatcher<{ attemptId: string; at: Date }, undefined>;
  private readonly acceptedRows: MicroBatcher<
    Parameters<ConnectorRepository['acceptMany']>[0][number],
    AcceptedAttempt
  >;
  private readonly accepted = new AcceptedAttempts();
  private readonly classifications = new Map<number, StatusClassification>();
  private readonly parkedLookups: MicroBatcher<string, ParkedDlr[]>;
  private readonly acceptedLookups: MicroBatcher<string, AcceptedAttempt | undefined>;
  private readonly matchedReceipts: MicroBatcher<MatchedReceipt, undefined>;
  private clients: SmppClient[] = [];
  private planIndex = 0;
  private roundRobin = 0;
  private inflightSends = 0;
  private inflightSubmits = 0;
  private readonly intake = new Set<Promise<void>>();
  /** The last receipt taken in per provider id, while one is in progress. */
  private readonly receiptChains = new Map<string, Promise<void>>();
  private turn: Promise<void> | undefined;
  private drainWaiters: Array<() => void> = [];
  private boundWaiters: Array<() => void> = [];
  private stopping = false;
  private parkSweep: NodeJS.Timeout | undefined;
  private downReason: string | undefined;

  constructor(private readonly options: ConnectorOptions) {
    if (options.hosts.length === 0) throw new ConnectorConfigError('hosts must list at least one host');
    this.providerId = options.providerId ?? options.profile.id;
    this.clock = options.clock ?? Date.now;
    this.repository = new ConnectorRepository(options.dataSource, this.providerId);
    const repository = this.repository;
    // Group commit: each kind of statement runs at most GROUP_COMMIT batches at once; what arrives meanwhile waits
    // for the next batch, so the batches grow with the load instead of the round trips.
    const batching = { concurrency: GROUP_COMMIT };
    this.attemptRows = new MicroBatcher((ids) => repository.createAttempts(ids), batching);
    this.sentRows = new MicroBatcher(async (items) => {
      await repository.markSentMany(items);
      return items.map(() => undefined);
    }, batching);
    this.acceptedRows = new MicroBatcher((items) => repository.acceptMany(items), batching);
    this.parkedLookups = new MicroBatcher((keys) => repository.unparkMany(keys), batching);
    this.acceptedLookups = new MicroBatcher((keys) => repository.findAcceptedMany(keys), batching);
    this.matchedReceipts = new MicroBatcher(
      async (receipts) => {
        await this.applyOutcomes(receipts);
        return receipts.map(() => undefined);
      },
      { concurrency: 1 },
    );
    this.rate = new AdaptiveRate({ maxTps: options.tps }, this.clock);
    this.bucket = new TokenBucket(options.tps, Math.max(1, Math.ceil(options.tps / 10)), this.clock);
    this.logger = new Logger(`Connector:${this.providerId}`);
  }

  /** Why the provider is marked down (a SESSION-class bind refusal), if it is. */
  get down(): string | undefined {
    return this.downReason;
  }

  /** Bound sessions by bind type. */
  get boundSessions(): SmppSession[] {
    return this.clients.flatMap((client) => (client.session === undefined ? [] : [client.session]));
  }

  /** Bound sessions able to submit (transmitter or transceiver). */
  get submitSessions(): number {
    return this.boundSessions.filter((session) => TRANSMITTING.has(session.bindType)).length;
  }

  get bindPlanIndex(): number {
    return this.planIndex;
  }

  /** The SMPP clients of the current bind plan, one per session, for status reports: read them, never drive them. */
  get sessionClients(): readonly SmppClient[] {
    return this.clients;
  }

  start(): void {
    registerProviderTlvs(this.options.profile);
    this.openClients();
    this.parkSweep = setInterval(() => this.track(this.sweepParked()), this.options.parkSweepMs ?? 60_000);
    this.parkSweep.unref();
  }

  /** Deletes parked receipts past their expiry (none of them ever reaches a tenant); returns how many. */
  async sweepParked(): Promise<number> {
    const dropped = await this.repository.dropExpiredParked(new Date(this.clock()));
    this.counters.dlrsExpired += dropped;
    for (let n = 0; n < dropped; n++) this.options.metrics?.orphanDlr(this.providerId, 'expired');
    return dropped;
  }

  /** Resolves once `count` sessions are bound. */
  async whenBound(count = 1, timeoutMs = 5_000): Promise<void> {
    const deadline = this.clock() + timeoutMs;
    while (this.boundSessions.length < count) {
      if (this.downReason !== undefined) throw new ConnectorUnavailableError(this.downReason);
      const left = deadline - this.clock();
      if (left <= 0)
        throw new ConnectorUnavailableError(`${this.boundSessions.length}/${count} sessions bound`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.boundWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Stops taking messages, waits for sends and receipts in progress, then unbinds every session. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.parkSweep);
    while (this.inflightSends > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    await Promise.all([...this.intake]);
    await Promise.all(this.clients.map((client) => client.stop()));
    await Promise.all([...this.intake]);
  }

  async send(input: SendMessage): Promise<AttemptOutcome> {
    if (this.stopping) throw new ConnectorStoppedError(`connector ${this.providerId} is stopping`);
    this.inflightSends++;
    try {
      return await this.runSend(input);
    } finally {
      this.inflightSends--;
      if (this.inflightSends === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    }
  }

  /** query_sm for a message this connector sent (Mobile Text Alerts); the provider's answer as it came. */
  async querySm(messageId: string) {
    const target = await this.upstreamTarget(messageId, 'querySm');
    return target.session.request(
      createPdu('query_sm', {
        message_id: target.providerMessageId,
        source_addr_ton: target.sourceTon,
        source_addr_npi: target.sourceNpi,
        source_addr: target.source,
      }),
    );
  }

  /** cancel_sm for a message this connector sent; true when the provider cancelled it. */
  async cancelSm(messageId: string): Promise<boolean> {
    const target = await this.upstreamTarget(messageId, 'cancelSm');
    const response = await target.session.request(
      createPdu('cancel_sm', {
        message_id: target.providerMessageId,
        source_addr_ton: target.sourceTon,
        source_addr_npi: target.sourceNpi,
        source_addr: target.source,
        dest_addr_ton: target.destinationTon,
        dest_addr_npi: target.destinationNpi,
        destination_addr: target.destination,
      }),
    );
    return response.command_status === CommandStatus.ESME_ROK;
  }

  private async upstreamTarget(messageId: string, feature: 'querySm' | 'cancelSm') {
    if (!this.options.profile.features[feature]) {
      throw new ConnectorUnavailableError(`${this.options.profile.name} does not support ${feature}`);
    }
    const rows: Array<{
      provider_message_id: string;
      source_addr: string;
      source_addr_ton: number;
      source_addr_npi: number;
      destination_addr: string;
      dest_addr_ton: number;
      dest_addr_npi: number;
    }> = await this.options.dataSource.query(
      `SELECT a.provider_message_id, m.source_addr, m.source_addr_ton, m.source_addr_npi, m.destination_addr,
              m.dest_addr_ton, m.dest_addr_npi
       FROM attempts a JOIN messages m ON m.id = a.message_id
       WHERE a.message_id = $1 AND a.provider_id = $2 AND a.status = 'accepted'
       ORDER BY a.attempt_no DESC LIMIT 1`,
      [messageId, this.providerId],
    );
    const row = rows[0];
    if (row === undefined) throw new ConnectorUnavailableError(`message ${messageId} was not accepted here`);
    const session = this.pickSession();
    if (session === undefined) throw new ConnectorUnavailableError('no bound session');
    // The addresses as the submit_sm carried them: MTA matches "+E.164" (003_*.txt), not the digits we store.
    const plus = this.options.profile.address.internationalFormat === 'plus-digits';
    const upstream = (addr: string, ton: number) =>
      plus && ton === 1 && !addr.startsWith('+') ? `+${addr}` : addr;
    return {
      session,
      providerMessageId: row.provider_message_id,
      source: upstream(row.source_addr, row.source_addr_ton),
      sourceTon: row.source_addr_ton,
      sourceNpi: row.source_addr_npi,
      destination: upstream(row.destination_addr, row.dest_addr_ton),
      destinationTon: row.dest_addr_ton,
      destinationNpi: row.dest_addr_npi,
    };
  }

  private async runSend(input: SendMessage): Promise<AttemptOutcome> {
    const { profile } = this.options;
    const now = new Date(this.clock());
    const shaped = shapeSubmit(input.message, profile, { now });
    if (shaped.kind === 'hold') return { kind: 'held', holdUntil: shaped.holdUntil, attempts: 0 };
    if (shaped.kind === 'reroute') return this.reroute(shaped.reason, 0);
    if (shaped.kind === 'expired') {
      await this.finish(input, 'expired', 'expired_before_send', '000');
      this.counters.failed++;
      return { kind: 'failed', reason: shaped.reason, attempts: 0 };
    }
    const maxRetries = this.options.maxRetries ?? 3;
    let attempts = 0;
    let retries = 0;
    // Bounded: every pass either returns or uses up a retry or a resubmit.
    for (;;) {
      if (this.downReason !== undefined) return this.reroute(`provider down: ${this.downReason}`, attempts);
      // Without waiting when a session is bound and a token is there (the usual case).
      const session = this.pickSession() ?? (await this.sessionForSubmit());
      if (session === undefined) return this.reroute('no bound session', attempts);
      this.bucket.setRate(this.rate.tps);
      const wait = this.bucket.take();
      if (wait > 0) await this.throttle(wait);
      attempts++;
      // Every part's attempt is recorded before any submit_sm is written; the session is chosen only then, so that
      // the sends waiting for their rows spread over the windows as they are when the PDUs go out.
      const rows = await Promise.all(shaped.pdus.map(() => this.attemptRows.add(input.message.id)));
      const target = this.pickSession() ?? session;
      const parts = await Promise.all(
        shaped.pdus.map((pdu, index) => this.submitPart(input, target, pdu, rows[index].id)),
      );
      const lost = parts.filter((part) => part.kind === 'lost');
      if (lost.length > 0) {
        this.counters.indeterminate += lost.length;
        const resubmits = await this.repository.countResubmits(input.message.id);
        const decision = decideIndeterminate(this.options.indeterminate, resubmits);
        const at = new Date(this.clock());
        let decided = false;
        for (const part of lost) {
          const status = decision === 'resubmit' ? 'resubmitted' : 'given_up';
          decided = (await this.repository.resolveIndeterminate(part.attemptId, status, at)) || decided;
        }
        if (decision === 'resubmit' && decided) continue;
        await this.finish(input, 'unknown_final', { acceptedByProvider: true, state: 'UNKNOWN' }, '000');
        return { kind: 'unknown', reason: lost[0].reason, attempts };
      }
      const answered = parts.filter((part) => part.kind === 'answered');
      const worst = answered
        .map((part) => ({ part, decision: this.classify(part.commandStatus) }))
        .find(({ decision }) => decision.action !== 'OK');
      if (worst === undefined) {
        this.counters.accepted++;
        return { kind: 'accepted', providerMessageIds: answered.map((p) => p.providerMessageId), attempts };
      }
      const { decision, part } = worst;
      switch (decision.action) {
        case 'THROTTLE':
        case 'RETRY': {
          if (decision.action === 'THROTTLE') {
            this.counters.throttled++;
            this.rate.throttled();
            this.bucket.setRate(this.rate.tps);
          }
          const allowed = Math.min(maxRetries, decision.retries ?? maxRetries);
          if (retries < allowed) {
            retries++;
            await sleep(Math.min(1_000, 20 * 2 ** retries));
            continue;
          }
          if (decision.then === 'FAIL')
            return this.fail(input, decision.reason, part.commandStatus, attempts);
          return this.reroute(decision.reason, attempts);
        }
        case 'SESSION':
          await this.markDown(decision.reason);
          return this.reroute(decision.reason, attempts);
        case 'REROUTE':
          return this.reroute(decision.reason, attempts);
        case 'FAIL':
          return this.fail(input, decision.reason, part.commandStatus, attempts);
        case 'OK':
          throw new Error('unreachable: OK parts are filtered out');
      }
    }
  }

  private reroute(reason: string, attempts: number): AttemptOutcome {
    this.counters.rerouted++;
    return { kind: 'reroute', reroute: true, reason, attempts };
  }

  private async fail(input: SendMessage, reason: string, commandStatus: number, attempts: number) {
    this.counters.failed++;
    await this.finish(input, 'rejected', { acceptedByProvider: false, reason: 'rejected' }, '000');
    return { kind: 'failed', reason, commandStatus, attempts } as const;
  }

  /** Ends a message here: its DLR to the tenant and its reservation settled, in one transaction. */
  private async finish(
    input: SendMessage,
    state: DlrState,
    outcome: Parameters<typeof settle>[0] | 'expired_before_send',
    err: string,
  ): Promise<void> {
    const settlement = settle(
      outcome === 'expired_before_send'
        ? { acceptedByProvider: false, reason: 'expired_before_send' }
        : outcome,
      this.options.refundPolicy ?? DEFAULT_REFUND_POLICY,
    );
    await this.repository.transaction(async (tx) => {
      const result = await this.options.delivery.recordDlr(
        { messageId: input.message.id, state, err, doneAt: new Date(this.clock()) },
        tx,
      );
      const reservationId = input.reservationId;
      if (result.updated && reservationId != null && this.options.billing !== undefined) {
        await this.options.billing[settlement](tx, { reservationId });
      }
    });
  }

  private async submitPart(
    input: SendMessage,
    session: SmppSession,
    pdu: SubmitSm,
    attemptId: string,
  ): Promise<PartResult> {
    this.counters.submitted++;
    // In flight until the answer is stored: a receipt arriving before then is early, not unknown.
    this.inflightSubmits++;
    try {
      return await this.exchange(input, session, pdu, attemptId);
    } finally {
      this.inflightSubmits--;
    }
  }

  private async exchange(
    input: SendMessage,
    session: SmppSession,
    pdu: SubmitSm,
    attemptId: string,
  ): Promise<PartResult> {
    let response;
    const sentAt = new Date(this.clock());
    let sentMark: NodeJS.Timeout | undefined;
    try {
      const started = performance.now();
      const sent = session.request(pdu);
      this.publishWindow();
      sentMark = setTimeout(() => this.markSent(attemptId, sentAt), SENT_MARK_AFTER_MS);
      response = await sent;
      this.publishWindow();
      const seconds = (performance.now() - started) / 1_000;
      this.options.metrics?.upstreamSubmitAnswered(this.providerId, response.command_status, seconds);
    } catch (error) {
      if (error instanceof SmppError && SESSION_LOST_ERRORS.has(error.code)) {
        this.options.metrics?.indeterminateAttempt(this.providerId);
        await this.repository.answer(attemptId, {
          status: 'indeterminate',
          commandStatus: null,
          classification: 'LOST',
          at: new Date(this.clock()),
          sentAt,
        });
        return { kind: 'lost', attemptId, reason: error.message };
      }
      throw error;
    } finally {
      clearTimeout(sentMark);
    }
    const status = response.command_status;
    const classification = this.classify(status);
    const at = new Date(this.clock());
    if (classification.action !== 'OK') {
      await this.repository.answer(attemptId, {
        status: 'rejected',
        commandStatus: status,
        classification: classification.action,
        at,
        sentAt,
      });
      return { kind: 'answered', attemptId, commandStatus: status, providerMessageId: '' };
    }
    const providerMessageId = submitRespMessageId(response, this.options.profile) ?? response.message_id;
    const key = normaliseMessageId(providerMessageId, this.options.profile);
    const applied: Array<Promise<unknown>> = [];
    const landed = this.acceptedRows
      .add({
        attemptId,
        messageId: input.message.id,
        commandStatus: status,
        providerMessageId,
        key,
        at,
        sentAt,
      })
      .then(async (attempt) => {
        // Receipts parked before the row was stored are queued before any receipt waiting on `landed`.
        for (const parked of await this.parkedLookups.add(key)) {
          applied.push(this.matchedReceipts.add({ key, outcome: parked.outcome, attempt }));
        }
        return attempt;
      });
    // From here a receipt for `key` waits for this write rather than being parked.
    this.accepted.land(key, landed);
    await landed;
    await Promise.all(applied);
    return { kind: 'answered', attemptId, commandStatus: status, providerMessageId };
  }

  /** An attempt still unanswered: record that its submit_sm went out (an answered one keeps its answer). */
  private markSent(attemptId: string, at: Date): void {
    this.sentRows.add({ attemptId, at }).catch((error: unknown) => {
      this.logger.warn(
        `attempt ${attemptId} not marked sent: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  /** Waits for a token, `firstWait` ms being how long the bucket said the first one would take. */
  private async throttle(firstWait: number): Promise<void> {
    // Bounded: each wait is as long as the bucket needs for one token.
    for (let wait = firstWait; wait > 0; wait = this.bucket.take()) await sleep(wait);
  }

  /**
   * The bound transmitting session with the most free window slots; among equals the next in round-robin order,
   * else the first. Called once per submit: no arrays are built.
   */
  private pickSession(): SmppSession | undefined {
    let count = 0;
    let most = Number.NEGATIVE_INFINITY;
    for (const client of this.clients) {
      const session = client.session;
      if (session === undefined || !TRANSMITTING.has(session.bindType)) continue;
      count++;
      most = Math.max(most, session.windowAvailable);
    }
    if (count === 0) return undefined;
    this.roundRobin = (this.roundRobin + 1) % count;
    let first: SmppSession | undefined;
    let index = 0;
    for (const client of this.clients) {
      const session = client.session;
      if (session === undefined || !TRANSMITTING.has(session.bindType)) continue;
      if (session.windowAvailable === most) {
        if (index === this.roundRobin) return session;
        first ??= session;
      }
      index++;
    }
    return first;
  }

  /** classifySubmitResp, once per command_status (a pure function of the status and the profile). */
  private classify(commandStatus: number): StatusClassification {
    let classification = this.classifications.get(commandStatus);
    if (classification === undefined) {
      classification = classifySubmitResp(commandStatus, this.options.profile);
      this.classifications.set(commandStatus, classification);
    }
    return classification;
  }

  private async sessionForSubmit(): Promise<SmppSession | undefined> {
    const ready = this.pickSession();
    if (ready !== undefined) return ready;
    try {
      await this.whenBound(1, this.options.sessionWaitMs ?? 5_000);
    } catch (error) {
      if (error instanceof ConnectorUnavailableError) return undefined;
      throw error;
    }
    return this.pickSession();
  }

  private async markDown(reason: string): Promise<void> {
    if (this.downReason !== undefined) return;
    this.downReason = reason;
    this.logger.error(`provider marked down: ${reason}`);
    await this.repository.setHealth('down', new Date(this.clock()));
    // SESSION-class: stop every client so that no bind is retried with credentials known to be refused.
    await Promise.all(this.clients.map((client) => client.stop()));
  }

  private openClients(): void {
    const { profile } = this.options;
    const plan = profile.session.bindPlans[this.planIndex];
    const instances = Math.max(1, this.options.sessions ?? 1);
    const limit = profile.session.maxSessions ?? Number.POSITIVE_INFINITY;
    const bindTypes = Array.from({ length: instances }, () => plan.sessions)
      .flat()
      .slice(0, Math.max(1, Math.min(limit, instances * plan.sessions.length)));
    const spread = profile.connection.endpointStrategy === 'spread';
    this.clients = bindTypes.map((bindType, index) => {
      const offset = spread ? index % this.options.hosts.length : 0;
      const hosts = [...this.options.hosts.slice(offset), ...this.options.hosts.slice(0, offset)];
      const client = new SmppClient({
        hosts,
        bindType,
        systemId: this.options.systemId,
        password: this.options.password,
        systemType: profile.connection.systemType,
        allowLongPassword: profile.connection.allowLongPassword,
        reconnect: { ...profile.session.reconnect, ...this.options.reconnect },
        session: {
          windowSize: this.options.windowSize ?? 10,
          responseTimeoutMs: this.options.responseTimeoutMs ?? 30_000,
          enquireLinkIntervalMs: profile.session.enquireLinkIntervalMs,
        },
        handler: { onRequest: (request) => this.onRequest(request) },
        ...(this.options.reconnectClock !== undefined ? { clock: this.options.reconnectClock } : {}),
        ...(this.options.random !== undefined ? { random: this.options.random } : {}),
      });
      client.on('bound', () => {
        for (const wake of this.boundWaiters.splice(0)) wake();
        if (this.downReason === undefined)
          this.track(this.repository.setHealth('up', new Date(this.clock())));
      });
      client.on('attemptFailed', (error) => this.onAttemptFailed(client, error));
      client.on('state', () => this.publishSessions());
      client.start();
      return client;
    });
  }

  private onAttemptFailed(client: SmppClient, error: Error): void {
    if (!(error instanceof SmppBindRejectedError) || !this.clients.includes(client)) return;
    const status = error.command_status;
    const next = nextBindPlan(this.options.profile, this.planIndex, status);
    if (next !== undefined) {
      this.logger.warn(`bind refused with 0x${status.toString(16)}: trying bind plan ${next}`);
      const old = this.clients;
      this.clients = [];
      this.planIndex = next;
      this.track(Promise.all(old.map((c) => c.stop())).then(() => this.stopping || this.openClients()));
      return;
    }
    const classification = classifyBindResp(status, this.options.profile);
    if (classification.action === 'SESSION')
      this.track(this.markDown(`bind refused: ${classification.reason}`));
  }

  /** Answers deliver_sm at once (GatewayAPI throttles slow clients), then takes the receipt or MO in. */
  private onRequest(request: InboundRequest): void {
    if (request.command !== 'deliver_sm') {
      request.respond(CommandStatus.ESME_RINVCMDID);
      return;
    }
    request.respond(CommandStatus.ESME_ROK);
    this.track(this.takeIn(request.pdu));
  }

  private track(work: Promise<unknown>): void {
    const tracked: Promise<void> = work.then(
      () => undefined,
      (error: unknown) =>
        this.logger.error(`intake failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.intake.add(tracked);
    void tracked.finally(() => this.intake.delete(tracked));
  }

  private async takeIn(pdu: DeliverSm): Promise<void> {
    const inbound = parseDeliver(pdu, this.options.profile);
    if (inbound.kind === 'mo') return this.takeMo(inbound, pdu);
    this.counters.dlrs++;
    const key = inbound.providerMessageId;
    const outcome = {
      stat: inbound.stat || messageStateToStat(inbound.messageState),
      final: inbound.final && !inbound.intermediate,
      err: inbound.err,
      category: inbound.category,
      doneAt: (inbound.doneDate ?? new Date(this.clock())).toISOString(),
      ...(inbound.networkErrorCode !== undefined
        ? { networkErrorCodeHex: networkErrorBuffer(inbound)!.toString('hex') }
        : {}),
      ...(inbound.providerError !== undefined ? { providerError: inbound.providerError.raw } : {}),
    };
    // Receipts of one id are taken in the order they came, whichever path each one takes; the first of an id waits
    // for the current turn's submit_sm_resps (decoded with it from the same read) to be landed.
    const previous = this.receiptChains.get(key) ?? this.nextTurn();
    const current = previous.then(() => this.takeReceipt(key, outcome));
    const tail = current.catch(() => undefined);
    this.receiptChains.set(key, tail);
    void tail.then(() => {
      if (this.receiptChains.get(key) === tail) this.receiptChains.delete(key);
    });
    return current;
  }

  /** Resolves in the next turn of the event loop, once the promise callbacks of this one have run. */
  private nextTurn(): Promise<void> {
    this.turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.turn = undefined;
        resolve();
      }),
    );
    return this.turn;
  }

  private async takeReceipt(key: string, outcome: ParkedDlrOutcome): Promise<void> {
    const accepted = await this.acceptedAttempt(key);
    if (accepted !== undefined) {
      await withCorrelation(accepted.messageId, () => this.applyOutcome(key, outcome, accepted));
      return;
    }
    const reason = this.inflightSubmits > 0 ? 'early' : 'unknown';
    this.options.metrics?.orphanDlr(this.providerId, reason);
    if (reason === 'early') this.counters.dlrsParkedEarly++;
    else this.counters.dlrsUnknown++;
    const now = new Date(this.clock());
    await this.repository.park(key, reason, outcome, now, this.options.parkTtlMs ?? 600_000);
    // The submit_sm_resp may have been stored between the lookup and the park: whoever unparks applies it.
    if ((await this.repository.findAccepted(key)) !== undefined) {
      for (const parked of await this.repository.unpark(key)) await this.applyOutcome(key, parked.outcome);
    }
  }

  /**
   * `known`: the accepted attempt of `key` when already read (the key → message link never changes). The receipts
   * of one event-loop turn are recorded together (see applyOutcomes).
   */
  private async applyOutcome(key: string, outcome: ParkedDlrOutcome, known?: AcceptedAttempt): Promise<void> {
    const attempt = known ?? (await this.acceptedAttempt(key));
    if (attempt === undefined) return;
    await this.matchedReceipts.add({ key, outcome, attempt });
  }

  /** The accepted attempt of `key`: this connector's own when it has it (waiting for one being stored), else read. */
  private async acceptedAttempt(key: string): Promise<AcceptedAttempt | undefined> {
    const own = this.accepted.get(key);
    const attempt = own === undefined ? undefined : await own;
    return attempt ?? (await this.acceptedLookups.add(key));
  }

  /**
   * Records receipts in one transaction: one recordDlrBatch, then the reservations of the final ones settled with
   * one postBatch and one voidBatch. Any failure (a billing refusal included) rolls the whole batch back, and the
   * MicroBatcher then applies each receipt alone, as they were before batching.
   */
  private async applyOutcomes(receipts: readonly MatchedReceipt[]): Promise<void> {
    await this.repository.transaction(async (tx) => {
      const events = receipts.map(({ outcome, attempt }): DlrEvent => ({
        messageId: attempt.messageId,
        state: STAT_TO_STATE[outcome.stat] ?? 'unknown',
        err: outcome.err,
        doneAt: new Date(outcome.doneAt),
        ...(outcome.networkErrorCodeHex !== undefined
          ? { networkErrorCode: Buffer.from(outcome.networkErrorCodeHex, 'hex') }
          : {}),
      }));
      const results = await this.options.delivery.recordDlrBatch(events, tx);
      const settlements: Record<'post' | 'void', Array<{ reservationId: string }>> = { post: [], void: [] };
      receipts.forEach(({ key, outcome, attempt }, index) => {
        if (outcome.final) this.accepted.forget(key);
        if (!results[index].updated) {
          this.counters.dlrsDuplicate++;
          this.options.metrics?.duplicateDlr(this.providerId);
          return;
        }
        this.countReceipt(outcome, attempt);
        if (!outcome.final || attempt.reservationId === null || this.options.billing === undefined) return;
        const settlement = settle(
          { acceptedByProvider: true, state: outcome.stat as ProviderFinalState },
          this.options.refundPolicy ?? DEFAULT_REFUND_POLICY,
        );
        settlements[settlement].push({ reservationId: attempt.reservationId });
      });
      const billing = this.options.billing;
      if (billing === undefined) return;
      const settled = [
        ...(settlements.post.length > 0 ? await billing.postBatch(tx, settlements.post) : []),
        ...(settlements.void.length > 0 ? await billing.voidBatch(tx, settlements.void) : []),
      ];
      const refused = settled.find((result) => !result.ok);
      if (refused !== undefined && !refused.ok) throw refused.error;
    });
  }

  private countReceipt(outcome: ParkedDlrOutcome, attempt: AcceptedAttempt): void {
    const acceptedAt = attempt.answeredAt?.getTime();
    const delay = outcome.final && acceptedAt !== undefined ? (this.clock() - acceptedAt) / 1_000 : undefined;
    const category = DLR_CATEGORIES.has(outcome.category) ? (outcome.category as DlrCategory) : 'unknown';
    this.options.metrics?.dlrReceived(this.providerId, outcome.stat, category, delay);
  }

  /** smsc_provider_sessions: this provider's sessions by state (a client between sessions counts as CLOSED). */
  private publishSessions(): void {
    const metrics = this.options.metrics;
    if (metrics === undefined) return;
    const counts: Partial<Record<SessionState, number>> = {};
    for (const client of this.clients) {
      const state = client.session?.state ?? 'CLOSED';
      counts[state] = (counts[state] ?? 0) + 1;
    }
    metrics.providerSessions(this.providerId, counts);
    this.publishWindow();
  }

  /** Upstream window occupancy: requests in flight over the window, summed over the bound sessions. */
  private publishWindow(): void {
    const metrics = this.options.metrics;
    if (metrics === undefined) return;
    const sessions = this.boundSessions;
    const window = sessions.reduce((sum, session) => sum + session.occupancy.windowSize, 0);
    const inFlight = sessions.reduce((sum, session) => sum + session.occupancy.outstandingRequests, 0);
    metrics.windowOccupancy('upstream', this.providerId, inFlight, window);
  }

  private async takeMo(mo: InboundMo, pdu: DeliverSm): Promise<void> {
    this.counters.mo++;
    const tenantId = await this.repository.moTenant(mo.destinationNumber);
    if (tenantId === undefined) {
      this.counters.moUnrouted++;
      this.logger.warn(`MO to ${mo.destinationNumber}: no tenant owns the number`);
      return;
    }
    await this.options.delivery.recordMo({
      tenantId,
      source: mo.source,
      destination: mo.destination,
      dataCoding: mo.dataCoding,
      shortMessage: pdu.short_message,
      esmClass: pdu.esm_class & 0xc0,
      tlvs: mo.tlvs,
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
