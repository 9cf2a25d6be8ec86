import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import {
  CommandStatus,
  commandName,
  createPdu,
  decodePdu,
  decodeText,
  encodeAscii,
  encodeGsm7,
  encodeUcs2,
  FrameDecoder,
  findTlv,
  formatAbsoluteTime,
  formatDeliveryReceipt,
  isGsm7Encodable,
  parseMessageBody,
  SmppSession,
  Tlv,
  type BindDecision,
  type BindRequest,
  type DeliverSm,
  type Frame,
  type InboundRequest,
  type SubmitSm,
  type TextCoding,
} from '@app/smpp';
import { PROVIDER_PROFILES } from '@app/providers';
import {
  RECEIPT_TLV_TAGS,
  scriptedOutcome,
  SIM_DIALECTS,
  STAT_MESSAGE_STATE,
  type ScriptedOutcome,
  type SimDialect,
} from './dialects';
import { numberLookupReceipt } from './number-lookup';
import type {
  ProviderSim,
  ProviderSimOptions,
  ReceivedPdu,
  SimAccount,
  SimFaults,
  SimMo,
  SimReceiptStat,
  SimScriptedReceipt,
  SimScriptRule,
} from './types';

export const DEFAULT_SIM_ACCOUNT: SimAccount = { system_id: 'simuser', password: 'simpass' };

export class ProviderSimConfigError extends Error {
  override readonly name = 'ProviderSimConfigError';
}

const NO_FAULTS: SimFaults = {
  slowResponseMs: 0,
  noResponse: false,
  dropSessionAfter: undefined,
  dlrBeforeResp: false,
  duplicateDlr: false,
  enrouteAfterDelivered: false,
  rejectBind: undefined,
  refuseBindTypes: [],
  tps: undefined,
  throttleStatus: undefined,
};

const FINAL_STATS: ReadonlySet<string> = new Set(['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED']);
const SCRIPT_STATS: ReadonlySet<string> = new Set<SimReceiptStat>([
  'DELIVRD',
  'UNDELIV',
  'EXPIRED',
  'REJECTD',
  'DELETED',
  'UNKNOWN',
  'ENROUTE',
  'ACCEPTD',
]);
const HEADER_LENGTH = 16;

interface SimSession {
  readonly id: number;
  readonly socket: Socket;
  session?: SmppSession;
  /** Set once a bind is accepted. */
  account?: SimAccount;
  numberLookup: boolean;
  submitsAnswered: number;
}

interface ReceiptStep {
  stat: string;
  err: number;
}

interface SimMessage {
  readonly id: string;
  readonly account: SimAccount;
  readonly submit: SubmitSm;
  readonly submittedAt: number;
  /** The last stat sent; undefined until the first receipt. */
  stat?: string;
  doneAt?: number;
  cancelled: boolean;
}

/** Starts one provider's simulator; resolves once it listens. */
export async function startProviderSim(options: ProviderSimOptions): Promise<ProviderSim> {
  const sim = new ProviderSimServer(options);
  await sim.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return sim;
}

class ProviderSimServer implements ProviderSim {
  readonly provider;
  readonly received: ReceivedPdu[] = [];
  readonly sent: ReceivedPdu[] = [];
  private readonly dialect: SimDialect;
  private readonly accounts: readonly SimAccount[];
  private readonly clock: () => number;
  private readonly dlrDelayMs: number;
  private readonly idleTimeoutMs: number;
  private readonly server: Server;
  private faults: SimFaults;
  private readonly simSessions = new Map<number, SimSession>();
  private nextSessionId = 1;
  private nextMessageSequence = 1;
  private readonly messages = new Map<string, SimMessage>();
  /** Receipts and MOs waiting for a receiving session of their account (GatewayAPI keeps them 48 h). */
  /** deliver_sm no receiving session has room for, per account in arrival order: sent as windows free up. */
  private readonly waiting = new Map<SimAccount, DeliverSm[]>();
  private readonly dlrWindow: number;
  private readonly waiters = new Set<{
    log: ReceivedPdu[];
    predicate: (pdu: ReceivedPdu) => boolean;
    resolve: (p: ReceivedPdu) => void;
  }>();
  private readonly logSent: boolean;
  /** Longest suffix first. */
  private script: readonly ScriptRule[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private roundRobin = 0;
  private tpsWindow = { second: -1, count: 0 };
  private stopped = false;

  constructor(options: ProviderSimOptions) {
    this.provider = options.provider;
    const dialect = SIM_DIALECTS[options.provider];
    if (dialect === undefined)
      throw new ProviderSimConfigError(`unknown provider ${String(options.provider)}`);
    this.dialect = dialect;
    if (dialect.tlsOnly && options.tls === undefined) {
      throw new ProviderSimConfigError(
        `${options.provider} serves SMPP over TLS only: pass tls { key, cert }`,
      );
    }
    this.accounts = options.credentials?.length ? options.credentials : [DEFAULT_SIM_ACCOUNT];
    this.clock = options.clock ?? Date.now;
    this.dlrDelayMs = nonNegative('dlrDelayMs', options.dlrDelayMs ?? 10);
    this.dlrWindow = nonNegative('dlrWindow', options.dlrWindow ?? 10);
    if (this.dlrWindow < 1) throw new ProviderSimConfigError('dlrWindow must be at least 1');
    this.idleTimeoutMs = nonNegative('idleTimeoutMs', options.idleTimeoutMs ?? dialect.idleTimeoutMs);
    this.faults = { ...NO_FAULTS, tps: options.tps };
    this.logSent = options.logSent ?? false;
    this.script = compileScript(dialect, options.script ?? []);
    if (options.tps !== undefined) nonNegative('tps', options.tps);
    this.server =
      options.tls === undefined
        ? createTcpServer((socket) => this.onConnection(socket))
        : createTlsServer({ key: options.tls.key, cert: options.tls.cert }, (socket) =>
            this.onConnection(socket),
          );
    // A plain-TCP client on the TLS port fails the handshake: the server closes it (MTA: "not accepted").
    this.server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  setFault(faults: Partial<SimFaults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  clearFaults(): void {
    this.faults = { ...NO_FAULTS };
  }

  setScript(rules: readonly SimScriptRule[]): void {
    this.script = compileScript(this.dialect, rules);
  }

  sessions(): number {
    let bound = 0;
    for (const s of this.simSessions.values()) if (s.account !== undefined) bound++;
    return bound;
  }

  dropSessions(): number {
    const all = [...this.simSessions.values()];
    for (const s of all) {
      if (s.session === undefined) s.socket.destroy();
      else s.session.close('local');
    }
    return all.length;
  }

  messageCount(): number {
    return this.messages.size;
  }

  waitFor(predicate: (pdu: ReceivedPdu) => boolean, timeoutMs = 5_000): Promise<ReceivedPdu> {
    return this.waitIn(this.received, predicate, timeoutMs);
  }

  waitForSent(predicate: (pdu: ReceivedPdu) => boolean, timeoutMs = 5_000): Promise<ReceivedPdu> {
    if (!this.logSent) throw new ProviderSimConfigError('waitForSent needs the logSent option');
    return this.waitIn(this.sent, predicate, timeoutMs);
  }

  private waitIn(
    log: ReceivedPdu[],
    predicate: (pdu: ReceivedPdu) => boolean,
    timeoutMs: number,
  ): Promise<ReceivedPdu> {
    const found = log.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        log,
        predicate,
        resolve: (pdu: ReceivedPdu) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(pdu);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.provider} simulator: no matching PDU within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  async sendMo(to: { system_id?: string }, mo: SimMo): Promise<void> {
    const account =
      to.system_id === undefined ? this.accounts[0] : this.accounts.find((a) => a.system_id === to.system_id);
    if (account === undefined) throw new ProviderSimConfigError(`no account ${String(to.system_id)}`);
    const { dataCoding, octets } = this.encodeMoText(mo.text);
    const pdu = createPdu('deliver_sm', {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: mo.source,
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: mo.destination,
      esm_class: 0x00,
      data_coding: dataCoding,
      short_message: octets,
    });
    const target = this.receivingSession(account, false);
    if (target?.session === undefined)
      throw new ProviderSimConfigError(`no receiving session for ${account.system_id}`);
    const response = await target.session.request(pdu);
    if (response.command_status !== CommandStatus.ESME_ROK) {
      throw new Error(`deliver_sm_resp status 0x${response.command_status.toString(16)}`);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(
      [...this.simSessions.values()].map(async (s) => {
        if (s.session === undefined) return s.socket.destroy();
        const unbind = s.session.unbind();
        const timer = setTimeout(() => s.session?.close('local'), 1_000);
        await unbind;
        clearTimeout(timer);
      }),
    );
    await closing;
  }

  private onConnection(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const simSession: SimSession = {
      id: this.nextSessionId++,
      socket,
      numberLookup: false,
      submitsAnswered: 0,
    };
    this.simSessions.set(simSession.id, simSession);
    // Our own tap, registered before the session's listener: the log holds every PDU, decodable or
    // not, with its exact octets, before the session acts on it.
    const tap = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      tap.push(chunk, (frame) => this.log(this.received, simSession.id, frame));
    });
    if (this.logSent) this.tapWrites(simSession.id, socket);
    socket.on('error', () => undefined);
    const session = new SmppSession(socket, {
      role: 'smsc',
      allowLongPassword: true,
      enquireLinkIntervalMs: 0,
      inactivityTimeoutMs: this.idleTimeoutMs,
      inboundWindowSize: 1_000,
      windowSize: this.dlrWindow,
      handler: {
        onBind: (request) => this.onBind(simSession, request),
        onRequest: (request) => this.onRequest(simSession, request),
      },
    });
    simSession.session = session;
    session.on('error', () => undefined);
    session.on('bound', () => {
      for (const account of this.waiting.keys()) this.drainWaiting(account);
    });
    session.on('closed', () => {
      this.simSessions.delete(simSession.id);
      socket.destroy();
    });
  }

  /** The session writes whole PDUs per socket.write(): a decoder over the written chunks sees every one. */
  private tapWrites(sessionId: number, socket: Socket): void {
    const tap = new FrameDecoder();
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = (...args: unknown[]) => {
      const chunk = args[0];
      if (Buffer.isBuffer(chunk)) tap.push(chunk, (frame) => this.log(this.sent, sessionId, frame));
      return write(...args);
    };
  }

  private log(into: ReceivedPdu[], sessionId: number, frame: Frame): void {
    const raw = Buffer.alloc(HEADER_LENGTH + frame.body.length);
    raw.writeUInt32BE(frame.command_length, 0);
    raw.writeUInt32BE(frame.command_id, 4);
    raw.writeUInt32BE(frame.command_status, 8);
    raw.writeUInt32BE(frame.sequence_number, 12);
    frame.body.copy(raw, HEADER_LENGTH);
    const entry: ReceivedPdu = {
      sessionId,
      at: this.clock(),
      command: commandName(frame.command_id) ?? `0x${frame.command_id.toString(16).padStart(8, '0')}`,
      commandStatus: frame.command_status,
      sequenceNumber: frame.sequence_number,
      raw,
    };
    try {
      entry.pdu = decodePdu({ ...frame, body: raw.subarray(HEADER_LENGTH) }, { allowLongPassword: true });
    } catch (error) {
      entry.decodeError = error instanceof Error ? error.message : String(error);
    }
    into.push(entry);
    for (const waiter of [...this.waiters]) {
      if (waiter.log === into && waiter.predicate(entry)) waiter.resolve(entry);
    }
  }

  private onBind(simSession: SimSession, request: BindRequest): BindDecision {
    const systemId = this.provider;
    const refuse = (command_status: number): BindDecision => ({ command_status, system_id: systemId });
    if (this.faults.rejectBind !== undefined) return refuse(this.faults.rejectBind);
    if (this.faults.refuseBindTypes.includes(request.bindType)) return refuse(CommandStatus.ESME_RINVCMDID);
    const account = this.accounts.find((a) => a.system_id === request.pdu.system_id);
    if (account === undefined) return refuse(CommandStatus.ESME_RINVSYSID);
    if (account.password !== request.pdu.password) return refuse(CommandStatus.ESME_RINVPASWD);
    const max = this.dialect.maxSessions;
    if (max !== undefined) {
      let bound = 0;
      for (const s of this.simSessions.values()) if (s.account === account) bound++;
      if (bound >= max) return refuse(CommandStatus.ESME_RBINDFAIL);
    }
    simSession.account = account;
    simSession.numberLookup =
      this.dialect.numberLookupSystemType !== undefined &&
      request.pdu.system_type === this.dialect.numberLookupSystemType;
    return { command_status: CommandStatus.ESME_ROK, system_id: systemId };
  }

  private onRequest(simSession: SimSession, request: InboundRequest): void {
    switch (request.command) {
      case 'submit_sm':
        this.onSubmit(simSession, request);
        return;
      case 'query_sm':
        if (!this.dialect.querySm) break;
        this.onQuery(request);
        return;
      case 'cancel_sm':
        if (!this.dialect.cancelSm) break;
        this.onCancel(request);
        return;
      default:
        break;
    }
    request.respond(CommandStatus.ESME_RINVCMDID);
  }

  private onSubmit(simSession: SimSession, request: InboundRequest<'submit_sm'>): void {
    const faults = this.faults;
    if (faults.dropSessionAfter !== undefined && simSession.submitsAnswered >= faults.dropSessionAfter) {
      this.faults = { ...this.faults, dropSessionAfter: undefined };
      // No unbind: the answers already given go out, then the connection ends.
      simSession.session?.close('local');
      return;
    }
    if (faults.noResponse) return;
    const submit = request.pdu;
    const account = simSession.account!;
    const status = simSession.numberLookup ? CommandStatus.ESME_ROK : this.submitStatus(submit);
    const answer = (messageId: string) => {
      simSession.submitsAnswered++;
      request.respond(status, { message_id: messageId });
    };
    const respond = (messageId: string) =>
      faults.slowResponseMs > 0
        ? this.after(faults.slowResponseMs, () => answer(messageId))
        : answer(messageId);
    if (status !== CommandStatus.ESME_ROK) {
      respond('');
      return;
    }
    const message: SimMessage = {
      id: this.dialect.newMessageId(this.nextMessageSequence++, this.clock()),
      account,
      submit,
      submittedAt: this.clock(),
      cancelled: false,
    };
    this.messages.set(message.id, message);
    if (simSession.numberLookup) {
      respond(message.id);
      this.after(this.dlrDelayMs, () =>
        this.deliver(account, numberLookupReceipt(message, this.clock()), simSession),
      );
      return;
    }
    const steps = (submit.registered_delivery & 0x03) === 0 ? [] : this.receiptSteps(submit.destination_addr);
    if (faults.dlrBeforeResp && steps.length > 0) {
      this.sendReceipt(message, steps[0]);
      respond(message.id);
      this.runReceipts(message, steps.slice(1));
    } else {
      respond(message.id);
      this.runReceipts(message, steps);
    }
  }

  private submitStatus(submit: SubmitSm): number {
    const dialect = this.dialect;
    if (!dialect.acceptedDataCodings.includes(submit.data_coding)) return dialect.codingRejectStatus;
    const throttle = this.faults.throttleStatus ?? dialect.throttleStatus;
    const tps = this.faults.tps;
    if (tps !== undefined) {
      const second = Math.floor(this.clock() / 1000);
      if (second !== this.tpsWindow.second) this.tpsWindow = { second, count: 0 };
      if (++this.tpsWindow.count > tps) return throttle;
    }
    const rule = this.ruleFor(submit.destination_addr);
    if (rule !== undefined) return rule.submitStatus;
    switch (scriptedOutcome(submit.destination_addr)) {
      case 'rejected':
        return dialect.rejectStatus;
      case 'reroute-reject':
        return dialect.rerouteStatus;
      case 'throttled':
        return throttle;
      default:
        return CommandStatus.ESME_ROK;
    }
  }

  /** The longest scripted suffix the destination ends with. */
  private ruleFor(destination: string): ScriptRule | undefined {
    const digits = destination.replace(/\D/g, '');
    return this.script.find((rule) => digits.endsWith(rule.suffix));
  }

  private receiptSteps(destination: string): readonly ReceiptStep[] {
    const ok = (stat: string): ReceiptStep => ({ stat, err: 0 });
    const rule = this.ruleFor(destination);
    let steps = rule?.steps ?? this.tableSteps(scriptedOutcome(destination));
    if (this.faults.duplicateDlr) steps = steps.flatMap((s) => (FINAL_STATS.has(s.stat) ? [s, s] : [s]));
    if (this.faults.enrouteAfterDelivered && steps.some((s) => s.stat === 'DELIVRD')) {
      if (steps[steps.length - 1].stat !== 'ENROUTE') steps = [...steps, ok('ENROUTE')];
    }
    return steps;
  }

  private tableSteps(outcome: ScriptedOutcome): ReceiptStep[] {
    const ok = (stat: string): ReceiptStep => ({ stat, err: 0 });
    let steps: ReceiptStep[];
    switch (outcome) {
      case 'delivered':
        steps = [ok('DELIVRD')];
        break;
      case 'undeliverable':
        steps = [{ stat: 'UNDELIV', err: this.dialect.undeliverableErr }];
        break;
      case 'expired':
        steps = [ok('EXPIRED')];
        break;
      case 'intermediate-then-delivered':
        steps = [ok(this.dialect.intermediateStat), ok('DELIVRD')];
        break;
      case 'delivered-then-enroute':
        steps = [ok('DELIVRD'), ok('ENROUTE')];
        break;
      case 'delivered-twice':
        steps = [ok('DELIVRD'), ok('DELIVRD')];
        break;
      default:
        steps = [];
    }
    return steps;
  }

  private runReceipts(message: SimMessage, steps: readonly ReceiptStep[]): void {
    if (steps.length === 0) return;
    this.after(this.dlrDelayMs, () => {
      if (message.cancelled) return;
      this.sendReceipt(message, steps[0]);
      this.runReceipts(message, steps.slice(1));
    });
  }

  private sendReceipt(message: SimMessage, step: ReceiptStep): void {
    const now = this.clock();
    message.stat = step.stat;
    if (FINAL_STATS.has(step.stat)) message.doneAt ??= now;
    this.deliver(message.account, this.receiptPdu(message, step, now));
  }

  private receiptPdu(message: SimMessage, step: ReceiptStep, now: number): DeliverSm {
    const { receipt } = this.dialect;
    const submit = message.submit;
    const text =
      receipt.text === 'message'
        ? messageText(submit)
        : receipt.text === 'user_message_reference'
          ? userMessageReference(submit)
          : undefined;
    const shortMessage = formatDeliveryReceipt(
      {
        id: message.id,
        stat: step.stat,
        submitDate: new Date(message.submittedAt),
        doneDate: new Date(now),
        err: step.err,
        ...(receipt.dlvrdAlwaysZero ? { dlvrd: 0 } : {}),
        ...(text === undefined ? {} : { text }),
      },
      { includeSubDlvrd: receipt.subDlvrd, textKey: receipt.text === 'none' ? null : 'text' },
    );
    const tlvs: Tlv[] = [];
    for (const name of receipt.tlvs) {
      const tag = RECEIPT_TLV_TAGS[name];
      if (name === 'network_error_code') {
        tlvs.push({ tag, value: Buffer.from([3, (step.err >> 8) & 0xff, step.err & 0xff]) });
      } else if (name === 'message_state') {
        tlvs.push({ tag, value: Buffer.from([STAT_MESSAGE_STATE[step.stat] ?? 7]) });
      } else if (name === 'receipted_message_id') {
        tlvs.push({ tag, value: Buffer.from(`${message.id}\0`, 'latin1') });
      } else {
        const reference = findTlv(submit, Tlv.user_message_reference);
        if (reference !== undefined) tlvs.push({ tag, value: reference });
      }
    }
    return createPdu('deliver_sm', {
      source_addr_ton: submit.dest_addr_ton,
      source_addr_npi: submit.dest_addr_npi,
      source_addr: submit.destination_addr,
      dest_addr_ton: submit.source_addr_ton,
      dest_addr_npi: submit.source_addr_npi,
      destination_addr: submit.source_addr,
      esm_class: 0x04,
      short_message: Buffer.from(shortMessage, 'latin1'),
      tlvs,
    });
  }

  /**
   * Number Lookup answers go back on the HLR bind; receipts and MOs on any receiving session of the account with a
   * free window slot. Nothing is dropped: what no session has room for waits, in order, for a slot or a new bind.
   */
  private deliver(account: SimAccount, pdu: DeliverSm, only?: SimSession): void {
    if (only?.session !== undefined) {
      only.session.request(pdu).catch(() => undefined);
      return;
    }
    const queue = this.waiting.get(account) ?? [];
    this.waiting.set(account, queue);
    queue.push(pdu);
    this.drainWaiting(account);
  }

  private drainWaiting(account: SimAccount): void {
    const queue = this.waiting.get(account);
    // Bounded: every pass sends one deliver_sm into a free window slot, of which there are finitely many.
    while (queue !== undefined && queue.length > 0 && !this.stopped) {
      const target = this.receivingSession(account, false, true);
      if (target?.session === undefined) return;
      const pdu = queue.shift()!;
      target.session.request(pdu).then(
        () => this.drainWaiting(account),
        () => {
          // Lost with its session or unanswered: kept for the account's receivers, as a provider would.
          if (this.stopped) return;
          queue.push(pdu);
          this.drainWaiting(account);
        },
      );
    }
  }

  /** Receipts are spread over the account's RX/TRX sessions (Infobip, GatewayAPI: correlate globally). */
  private receivingSession(
    account: SimAccount,
    numberLookup: boolean,
    withRoom = false,
  ): SimSession | undefined {
    const candidates = [...this.simSessions.values()].filter(
      (s) =>
        s.account === account &&
        s.numberLookup === numberLookup &&
        s.session !== undefined &&
        (s.session.state === 'BOUND_RX' || s.session.state === 'BOUND_TRX') &&
        (!withRoom || s.session.windowAvailable > 0),
    );
    if (candidates.length === 0) return undefined;
    return candidates[this.roundRobin++ % candidates.length];
  }

  private onQuery(request: InboundRequest<'query_sm'>): void {
    const message = this.messages.get(request.pdu.message_id);
    if (message === undefined) {
      request.respond(CommandStatus.ESME_RQUERYFAIL);
      return;
    }
    const stat = message.cancelled ? 'DELETED' : (message.stat ?? 'ENROUTE');
    request.respond(CommandStatus.ESME_ROK, {
      message_id: message.id,
      final_date: message.doneAt === undefined ? '' : formatAbsoluteTime(new Date(message.doneAt)),
      message_state: STAT_MESSAGE_STATE[stat] ?? STAT_MESSAGE_STATE['UNKNOWN'],
      error_code: 0,
    });
  }

  /** MTA: "cancel_sm ... only before the message is handed to the carrier", i.e. before any receipt. */
  private onCancel(request: InboundRequest<'cancel_sm'>): void {
    const message = this.messages.get(request.pdu.message_id);
    if (message === undefined || message.cancelled || message.stat !== undefined) {
      request.respond(CommandStatus.ESME_RCANCELFAIL);
      return;
    }
    message.cancelled = true;
    message.doneAt = this.clock();
    request.respond(CommandStatus.ESME_ROK);
  }

  private encodeMoText(text: string): { dataCoding: number; octets: Buffer } {
    if (PROVIDER_PROFILES[this.provider].coding.smscDefaultAlphabet === 'ascii') {
      return /^[\x20-\x7e\r\n]*$/.test(text)
        ? { dataCoding: 0x01, octets: encodeAscii(text) }
        : { dataCoding: 0x08, octets: encodeUcs2(text) };
    }
    return isGsm7Encodable(text)
      ? { dataCoding: 0x00, octets: encodeGsm7(text) }
      : { dataCoding: 0x08, octets: encodeUcs2(text) };
  }

  private after(delayMs: number, action: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) action();
    }, delayMs);
    this.timers.add(timer);
  }
}

/** A validated SimScriptRule: its receipts with the err the provider writes. */
interface ScriptRule {
  readonly suffix: string;
  readonly submitStatus: number;
  readonly steps: readonly ReceiptStep[];
}

/** Checks every rule (bad input is a ProviderSimConfigError naming the rule) and sorts longest suffix first. */
function compileScript(dialect: SimDialect, rules: readonly SimScriptRule[]): ScriptRule[] {
  if (!Array.isArray(rules)) throw new ProviderSimConfigError('script must be an array of rules');
  const compiled = rules.map((rule: SimScriptRule, index): ScriptRule => {
    const where = `script[${index}]`;
    if (typeof rule?.suffix !== 'string' || !/^\d{1,20}$/.test(rule.suffix)) {
      throw new ProviderSimConfigError(`${where}.suffix must be 1 to 20 digits, got ${String(rule?.suffix)}`);
    }
    const submitStatus = rule.submitStatus ?? CommandStatus.ESME_ROK;
    if (!Number.isInteger(submitStatus) || submitStatus < 0 || submitStatus > 0xffffffff) {
      throw new ProviderSimConfigError(`${where}.submitStatus must be a 32-bit command_status`);
    }
    const receipts: readonly SimScriptedReceipt[] = rule.receipts ?? [];
    const steps = receipts.map((receipt, n): ReceiptStep => {
      if (!SCRIPT_STATS.has(receipt?.stat)) {
        throw new ProviderSimConfigError(
          `${where}.receipts[${n}].stat ${String(receipt?.stat)} is not a stat`,
        );
      }
      const code = receipt.code;
      if (code === undefined) return { stat: receipt.stat, err: 0 };
      const err = Number.isInteger(code) && code >= 0 ? dialect.receiptErr(code) : undefined;
      if (err === undefined) {
        throw new ProviderSimConfigError(
          `${where}.receipts[${n}].code ${String(receipt.code)} is not an error code ${dialect.provider} can write`,
        );
      }
      return { stat: receipt.stat, err };
    });
    if (submitStatus !== CommandStatus.ESME_ROK && steps.length > 0) {
      throw new ProviderSimConfigError(`${where}: a rejected submit has no receipts`);
    }
    return { suffix: rule.suffix, submitStatus, steps };
  });
  return compiled.sort((a, b) => b.suffix.length - a.suffix.length);
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new ProviderSimConfigError(`${name} must be a non-negative number, got ${value}`);
  }
  return value;
}

const TEXT_CODING_BY_DCS: Readonly<Record<number, TextCoding>> = {
  0: 'ascii',
  1: 'ascii',
  3: 'latin1',
  8: 'ucs2',
};

/** MTA's receipt `text:` is the start of the message as sent (003_*.txt). */
function messageText(submit: SubmitSm): string | undefined {
  try {
    const body = parseMessageBody({
      shortMessage: submit.short_message,
      esmClass: submit.esm_class,
      tlvs: submit.tlvs,
    });
    const text = decodeText(body.userData, TEXT_CODING_BY_DCS[submit.data_coding] ?? 'latin1');
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * GatewayAPI's receipt `text:` is the start of the submit's user_message_reference (002_*.txt). A
 * printable value is that text; any other value is SPEC's 2-octet integer, written in decimal.
 */
function userMessageReference(submit: SubmitSm): string | undefined {
  const value = findTlv(submit, Tlv.user_message_reference);
  if (value === undefined || value.length === 0) return undefined;
  if (/^[\x21-\x7e]+$/.test(value.toString('latin1'))) return value.toString('latin1');
  return String(value.readUIntBE(0, Math.min(value.length, 6)));
}
