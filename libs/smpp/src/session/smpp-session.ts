import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { createPdu, createResponse, decodePdu, encodePdu, genericNack } from '../codec';
import { PduDecodeError, type FramingError } from '../errors';
import { FrameDecoder } from '../framing';
import type { CommandName, Frame, Pdu, PduOf } from '../pdu/types';
import { CommandId, CommandStatus, commandName, isResponseId, responseIdFor } from '../tables';
import {
  SmppAlreadyRespondedError,
  SmppBindRejectedError,
  SmppGenericNackError,
  SmppNotARequestError,
  SmppResponseMismatchError,
  SmppResponseTimeoutError,
  SmppSessionClosedError,
  SmppSessionStateError,
  SmppWindowQueueFullError,
} from './session-errors';
import {
  MAX_SEQUENCE_NUMBER,
  resolveSessionOptions,
  type ResolvedSessionOptions,
  type SmppSessionOptions,
} from './session-options';
import {
  BIND_COMMAND_BY_TYPE,
  bindTypeOf,
  boundStateFor,
  isBindCommand,
  isBound,
  mayOriginate,
  peerRoleOf,
  type BindCommand,
  type BindType,
  type SessionCloseReason,
  type SessionRole,
  type SessionState,
} from './session-state';
import type {
  BindDecision,
  BindRequest,
  InboundRequest,
  PduFor,
  RequestCommand,
  RequestPdu,
  ResponseFor,
  SmppSessionCounters,
  SmppSessionEvents,
  SmppSessionHandler,
  SmppSessionOccupancy,
} from './session-types';

/** After end(), how long to wait for the peer's FIN before destroying the socket. */
const CLOSE_GRACE_MS = 1_000;

/** Bind fields the ESME sends; interface_version is always 0x34 (SPEC §5.2.4). */
export type BindParameters = Partial<
  Omit<PduOf<BindCommand>, 'command' | 'command_id' | 'command_status' | 'sequence_number'>
>;

interface PendingRequest {
  command: RequestCommand;
  commandId: number;
  /** Counts against the window (application requests do; bind / enquire_link / unbind do not). */
  windowed: boolean;
  resolve: (response: Pdu) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface QueuedRequest {
  pdu: RequestPdu;
  resolve: (response: Pdu) => void;
  reject: (error: Error) => void;
}

interface WritableWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

type ApplicationRequest = InboundRequest & { readonly pdu: Pdu };

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Commands answered by `<command>_resp`. */
export function expectsResponse(command: CommandName): command is RequestCommand {
  return !isResponseId(CommandId[command]) && commandName(responseIdFor(CommandId[command])) !== undefined;
}

/**
 * One SMPP 3.4 session over one connected socket, for either end of the link: the ESME-facing
 * server runs it with role 'smsc', provider connectors with role 'esme'.
 *
 * The session owns the protocol mechanics (state machine, sequence numbers, windows, timers,
 * enquire_link, unbind, generic_nack, write coalescing); the application decides binds
 * (SMSC role) and answers requests through a {@link SmppSessionHandler}.
 */
export class SmppSession extends EventEmitter<SmppSessionEvents> {
  readonly role: SessionRole;
  private readonly peerRole: SessionRole;
  private readonly options: ResolvedSessionOptions;
  private readonly handler: SmppSessionHandler;
  private readonly decoder: FrameDecoder;

  private stateValue: SessionState = 'OPEN';
  private boundAs: BindType | undefined;
  private closeReasonValue: SessionCloseReason | undefined;
  /** A bind is awaiting its answer (ours in flight, or the application deciding the peer's). */
  private bindInProgress = false;

  private nextSequenceNumber: number;
  private readonly pending = new Map<number, PendingRequest>();
  private windowedOutstanding = 0;
  private readonly queue: QueuedRequest[] = [];
  private readonly writableWaiters: WritableWaiter[] = [];
  private readonly inbound = new Set<ApplicationRequest>();
  private readonly progressWaiters = new Set<() => void>();

  private sendQueue: Buffer[] = [];
  private flushHandle: NodeJS.Immediate | undefined;
  /** socket.write() returned false: hold the send queue and stop reading until 'drain'. */
  private writeBlocked = false;

  private sessionInitTimer: NodeJS.Timeout | undefined;
  private inactivityTimer: NodeJS.Timeout | undefined;
  private enquireLinkTimer: NodeJS.Timeout | undefined;
  private enquireLinkInFlight = false;

  private unbindPromise: Promise<void> | undefined;
  private readonly closedPromise: Promise<SessionCloseReason>;
  private resolveClosed!: (reason: SessionCloseReason) => void;

  private readonly counterValues: SmppSessionCounters = {
    pdusIn: 0,
    pdusOut: 0,
    requestsSent: 0,
    responsesReceived: 0,
    requestsReceived: 0,
    unexpectedResponses: 0,
    responseTimeouts: 0,
    inboundThrottled: 0,
    inboundRefusedByState: 0,
    decodeErrors: 0,
    genericNacksSent: 0,
    errors: 0,
  };

  constructor(
    private readonly socket: Socket,
    options: SmppSessionOptions,
  ) {
    super();
    this.options = resolveSessionOptions(options);
    this.role = this.options.role;
    this.peerRole = peerRoleOf(this.role);
    this.handler = options.handler ?? {};
    this.nextSequenceNumber = this.options.firstSequenceNumber;
    this.decoder = new FrameDecoder(
      this.options.maxCommandLength === undefined ? {} : { maxCommandLength: this.options.maxCommandLength },
    );
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));

    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('end', () => this.close('peer_closed'));
    socket.on('close', () => this.close('peer_closed'));
    // Kept after close: an 'error' without a listener would crash the process.
    socket.on('error', (error) => {
      if (this.isClosed()) return;
      this.reportError(error);
      this.close('socket_error');
    });

    this.sessionInitTimer = this.startTimer(this.options.sessionInitTimeoutMs, () =>
      this.close('session_init_timeout'),
    );
    this.inactivityTimer = this.startTimer(this.options.inactivityTimeoutMs, () =>
      this.close('inactivity_timeout'),
    );
    if (socket.destroyed) queueMicrotask(() => this.close('peer_closed'));
  }

  get state(): SessionState {
    return this.stateValue;
  }

  /** The bind type while bound (and while unbinding from a bind). */
  get bindType(): BindType | undefined {
    return this.boundAs;
  }

  get closeReason(): SessionCloseReason | undefined {
    return this.closeReasonValue;
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** A snapshot of the counters since the session started. */
  get counters(): Readonly<SmppSessionCounters> {
    return { ...this.counterValues };
  }

  get occupancy(): SmppSessionOccupancy {
    return {
      outstandingRequests: this.windowedOutstanding,
      pendingResponses: this.pending.size,
      queuedRequests: this.queue.length,
      outstandingInbound: this.inbound.size,
      windowSize: this.options.windowSize,
      inboundWindowSize: this.options.inboundWindowSize,
    };
  }

  /** Window slots a new request() could take without queueing (0 while not bound). */
  get windowAvailable(): number {
    if (!isBound(this.stateValue)) return 0;
    return Math.max(0, this.options.windowSize - this.windowedOutstanding - this.queue.length);
  }

  /** Resolves with the close reason once the session has closed. */
  whenClosed(): Promise<SessionCloseReason> {
    return this.closedPromise;
  }

  /**
   * Resolves when a request() would go out at once: bound, a window slot free, nothing queued and
   * the socket not pushing back. Rejects when the session starts unbinding or closes.
   */
  whenWritable(): Promise<void> {
    if (this.isClosed()) {
      return Promise.reject(new SmppSessionClosedError(this.closeReasonValue ?? 'local'));
    }
    if (this.stateValue === 'UNBINDING') {
      return Promise.reject(new SmppSessionStateError('request', this.stateValue));
    }
    if (this.isWritable()) return Promise.resolve();
    return new Promise((resolve, reject) => this.writableWaiters.push({ resolve, reject }));
  }

  /**
   * Sends a request and resolves with its response (whatever its command_status). Rejects with
   * SmppSessionStateError when the state does not allow the command, SmppWindowQueueFullError when
   * the window and its queue are full, SmppResponseTimeoutError, SmppGenericNackError,
   * SmppResponseMismatchError, or SmppSessionClosedError. The sequence number is assigned here.
   */
  request<P extends RequestPdu>(pdu: P): Promise<ResponseFor<P>> {
    if (pdu.command === 'unbind') {
      return Promise.reject(new SmppNotARequestError('unbind', 'use unbind() for a graceful unbind'));
    }
    const windowed = !isBindCommand(pdu.command) && pdu.command !== 'enquire_link';
    return this.submitRequest(pdu, windowed, true) as Promise<ResponseFor<P>>;
  }

  /**
   * ESME role: binds with interface_version 0x34 and resolves with the bind_resp once the session
   * is bound; rejects with SmppBindRejectedError (the session stays OPEN) on a non-zero status.
   */
  async bind(bindType: BindType, parameters: BindParameters = {}): Promise<PduOf<`${BindCommand}_resp`>> {
    const command = BIND_COMMAND_BY_TYPE[bindType];
    const pdu = createPdu<BindCommand>(command, { ...parameters, interface_version: 0x34 });
    const response = (await this.request(pdu)) as PduOf<`${BindCommand}_resp`>;
    if (response.command_status !== CommandStatus.ESME_ROK) {
      throw new SmppBindRejectedError(command, response.command_status);
    }
    return response;
  }

  /**
   * Graceful unbind: stops new requests (queued ones are rejected), waits up to unbindTimeoutMs for
   * in-flight requests in both directions, sends unbind, waits for unbind_resp (response timer),
   * then closes. Resolves once closed; never rejects. On an OPEN session it just closes.
   */
  unbind(): Promise<void> {
    if (this.unbindPromise !== undefined) return this.unbindPromise;
    if (this.isClosed()) return Promise.resolve();
    if (this.stateValue === 'UNBINDING') {
      // The peer started the unbind; it ends in close.
      return this.closedPromise.then(() => undefined);
    }
    if (!isBound(this.stateValue)) {
      this.close('local');
      return Promise.resolve();
    }
    this.beginUnbinding();
    this.unbindPromise = this.runLocalUnbind();
    return this.unbindPromise;
  }

  /**
   * Closes at once: every pending and queued request fails with SmppSessionClosedError, timers
   * stop, queued output is flushed and the socket ended. Idempotent.
   */
  close(reason: SessionCloseReason = 'local'): void {
    if (this.isClosed()) return;
    const wasBound = isBound(this.stateValue);
    this.stateValue = 'CLOSED';
    this.closeReasonValue = reason;
    this.bindInProgress = false;

    for (const timer of [this.sessionInitTimer, this.inactivityTimer, this.enquireLinkTimer]) {
      if (timer !== undefined) clearTimeout(timer);
    }
    this.sessionInitTimer = this.inactivityTimer = this.enquireLinkTimer = undefined;

    const closed = new SmppSessionClosedError(reason);
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.windowedOutstanding = 0;
    for (const entry of pending) {
      clearTimeout(entry.timer);
      entry.reject(closed);
    }
    this.rejectQueued(closed);
    this.inbound.clear();
    this.notifyProgress();

    if (this.flushHandle !== undefined) clearImmediate(this.flushHandle);
    this.flushHandle = undefined;
    this.flushSendQueue();
    this.endSocket();

    if (wasBound) this.emit('unbound');
    this.emit('closed', reason);
    this.resolveClosed(reason);
  }

  // ---------------------------------------------------------------- outbound requests

  private submitRequest(pdu: RequestPdu, windowed: boolean, checkState: boolean): Promise<Pdu> {
    if (this.isClosed()) {
      return Promise.reject(new SmppSessionClosedError(this.closeReasonValue ?? 'local'));
    }
    if (!expectsResponse(pdu.command)) return Promise.reject(new SmppNotARequestError(pdu.command));
    if (checkState && !this.maySend(pdu.command)) {
      return Promise.reject(new SmppSessionStateError(pdu.command, this.stateValue));
    }
    return new Promise<Pdu>((resolve, reject) => {
      const entry: QueuedRequest = { pdu, resolve, reject };
      if (!windowed) {
        this.dispatch(entry, false);
      } else if (this.queue.length === 0 && this.windowedOutstanding < this.options.windowSize) {
        this.dispatch(entry, true);
      } else if (this.queue.length < this.options.maxQueuedRequests) {
        this.queue.push(entry);
      } else {
        reject(new SmppWindowQueueFullError(this.options.maxQueuedRequests));
      }
    });
  }

  private maySend(command: RequestCommand): boolean {
    if (isBindCommand(command) && this.bindInProgress) return false;
    return mayOriginate(this.role, this.stateValue, command);
  }

  private dispatch(entry: QueuedRequest, windowed: boolean): void {
    const command = entry.pdu.command;
    const sequenceNumber = this.allocateSequenceNumber();
    let bytes: Buffer;
    try {
      bytes = encodePdu({ ...entry.pdu, command_status: 0, sequence_number: sequenceNumber });
    } catch (error) {
      entry.reject(asError(error));
      return;
    }
    const timer = setTimeout(() => this.onResponseTimeout(sequenceNumber), this.options.responseTimeoutMs);
    timer.unref();
    this.pending.set(sequenceNumber, {
      command,
      commandId: CommandId[command],
      windowed,
      resolve: entry.resolve,
      reject: entry.reject,
      timer,
    });
    if (windowed) this.windowedOutstanding++;
    if (isBindCommand(command)) this.bindInProgress = true;
    this.counterValues.requestsSent++;
    this.write(bytes);
  }

  /** SPEC §3.2: 0x00000001–0x7FFFFFFF, wrapping; skips numbers still awaiting a response. */
  private allocateSequenceNumber(): number {
    // Bounded: at most pending.size numbers can be taken.
    for (let tries = 0; tries <= this.pending.size; tries++) {
      const candidate = this.nextSequenceNumber;
      this.nextSequenceNumber = candidate >= MAX_SEQUENCE_NUMBER ? 1 : candidate + 1;
      if (!this.pending.has(candidate)) return candidate;
    }
    throw new Error('unreachable: more pending requests than sequence numbers');
  }

  private onResponse(pdu: Pdu): void {
    this.counterValues.responsesReceived++;
    const entry = this.pending.get(pdu.sequence_number);
    if (entry === undefined) {
      this.counterValues.unexpectedResponses++;
      this.emit('unexpectedResponse', pdu);
      return;
    }
    if (pdu.command === 'generic_nack') {
      this.settle(pdu.sequence_number, entry, new SmppGenericNackError(entry.command, pdu.command_status));
    } else if (pdu.command_id !== responseIdFor(entry.commandId)) {
      this.settle(
        pdu.sequence_number,
        entry,
        new SmppResponseMismatchError(entry.command, pdu.command_id, pdu.sequence_number),
      );
    } else {
      if (isBindCommand(entry.command) && pdu.command_status === CommandStatus.ESME_ROK) {
        this.bindInProgress = false;
        if (this.stateValue === 'OPEN') this.enterBound(bindTypeOf(entry.command));
      }
      this.settle(pdu.sequence_number, entry, pdu);
    }
  }

  private onResponseTimeout(sequenceNumber: number): void {
    const entry = this.pending.get(sequenceNumber);
    if (entry === undefined) return;
    this.counterValues.responseTimeouts++;
    this.settle(
      sequenceNumber,
      entry,
      new SmppResponseTimeoutError(entry.command, sequenceNumber, this.options.responseTimeoutMs),
    );
  }

  private settle(sequenceNumber: number, entry: PendingRequest, outcome: Pdu | Error): void {
    clearTimeout(entry.timer);
    this.pending.delete(sequenceNumber);
    if (entry.windowed) this.windowedOutstanding--;
    if (isBindCommand(entry.command)) this.bindInProgress = false;
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome);
    this.pumpQueue();
    this.notifyProgress();
  }

  private pumpQueue(): void {
    while (
      this.queue.length > 0 &&
      this.windowedOutstanding < this.options.windowSize &&
      isBound(this.stateValue)
    ) {
      this.dispatch(this.queue.shift()!, true);
    }
    this.notifyWritable();
  }

  private isWritable(): boolean {
    return this.windowAvailable > 0 && !this.writeBlocked;
  }

  private notifyWritable(): void {
    if (this.writableWaiters.length === 0 || !this.isWritable()) return;
    for (const waiter of this.writableWaiters.splice(0)) waiter.resolve();
  }

  private rejectQueued(error: Error): void {
    for (const entry of this.queue.splice(0)) entry.reject(error);
    for (const waiter of this.writableWaiters.splice(0)) waiter.reject(error);
  }

  // ---------------------------------------------------------------- inbound

  private onData(chunk: Buffer): void {
    if (this.isClosed()) return;
    const framingError = this.decoder.push(chunk, (frame) => this.onFrame(frame));
    if (framingError !== undefined && !this.isClosed()) this.onFramingError(framingError);
  }

  private onFrame(frame: Frame): void {
    if (this.isClosed()) return;
    this.counterValues.pdusIn++;
    this.inactivityTimer?.refresh();
    this.enquireLinkTimer?.refresh();
    let pdu: Pdu;
    try {
      pdu = decodePdu(frame, { allowLongPassword: this.options.allowLongPassword });
    } catch (error) {
      this.onDecodeError(frame, error);
      return;
    }
    try {
      if (isResponseId(pdu.command_id)) this.onResponse(pdu);
      else this.onInboundRequest(pdu);
    } catch (error) {
      this.reportError(asError(error));
    }
  }

  /** Unrecoverable: the stream cannot be resynchronised (SPEC §4.3 generic_nack, then close). */
  private onFramingError(error: FramingError): void {
    this.reportError(error);
    if (error.sequence_number !== undefined) {
      this.sendGenericNack(error.sequence_number, CommandStatus.ESME_RINVCMDLEN);
    }
    this.close('framing_error');
  }

  /**
   * A whole PDU whose body breaks a rule. A request with a known command gets `<command>_resp` with
   * the decoder's status; an unknown command_id gets generic_nack (SPEC §4.3). A bad response is
   * never answered: it fails the request it answers.
   */
  private onDecodeError(frame: Frame, error: unknown): void {
    this.counterValues.decodeErrors++;
    const status = error instanceof PduDecodeError ? error.command_status : CommandStatus.ESME_RSYSERR;
    if (!(error instanceof PduDecodeError)) this.reportError(asError(error));
    if (isResponseId(frame.command_id)) {
      this.counterValues.responsesReceived++;
      const entry = this.pending.get(frame.sequence_number);
      const answersEntry =
        entry !== undefined &&
        (frame.command_id === responseIdFor(entry.commandId) || frame.command_id === CommandId.generic_nack);
      if (answersEntry) this.settle(frame.sequence_number, entry, asError(error));
      else this.counterValues.unexpectedResponses++;
      return;
    }
    const name = commandName(frame.command_id);
    if (name !== undefined && expectsResponse(name)) {
      const responseName = commandName(responseIdFor(frame.command_id))!;
      this.sendPdu({
        ...createPdu(responseName),
        command_status: status,
        sequence_number: frame.sequence_number,
      });
    } else {
      this.sendGenericNack(frame.sequence_number, status);
    }
  }

  private onInboundRequest(pdu: Pdu): void {
    this.counterValues.requestsReceived++;
    const peerMay = mayOriginate(this.peerRole, this.stateValue, pdu.command);
    switch (pdu.command) {
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'bind_transceiver':
        this.onBindRequest(pdu);
        return;
      case 'enquire_link':
        // SPEC §4.11: either side, any bound state; also answered while draining an unbind.
        this.answerRequest(pdu, peerMay || this.stateValue === 'UNBINDING' ? CommandStatus.ESME_ROK : null);
        return;
      case 'unbind':
        if (peerMay) this.onPeerUnbind(pdu);
        // Both sides unbinding at once: answer; our own unbind completes or times out.
        else this.answerRequest(pdu, this.stateValue === 'UNBINDING' ? CommandStatus.ESME_ROK : null);
        return;
      case 'outbind':
      case 'alert_notification':
        if (peerMay) {
          const notification = pdu as PduFor<'outbind' | 'alert_notification'>;
          this.callHandler(() => this.handler.onNotification?.(notification, this));
        } else this.counterValues.inboundRefusedByState++;
        return;
      default:
        break;
    }
    if (!expectsResponse(pdu.command)) return;
    if (!peerMay) {
      this.answerRequest(pdu, null);
      return;
    }
    if (this.inbound.size >= this.options.inboundWindowSize) {
      this.counterValues.inboundThrottled++;
      this.sendPdu(createResponse(pdu, this.options.inboundOverflowStatus));
      return;
    }
    this.deliverToApplication(pdu);
  }

  /** Answers a request the session handles itself; `null` refuses it with ESME_RINVBNDSTS. */
  private answerRequest(pdu: Pdu, status: number | null): void {
    if (status === null) {
      this.counterValues.inboundRefusedByState++;
      this.sendPdu(createResponse(pdu, CommandStatus.ESME_RINVBNDSTS));
    } else {
      this.sendPdu(createResponse(pdu, status));
    }
  }

  private onBindRequest(pdu: PduOf<BindCommand>): void {
    if (this.role === 'smsc' && (isBound(this.stateValue) || this.bindInProgress)) {
      // A bind on a bound session, or while another bind is being decided.
      this.counterValues.inboundRefusedByState++;
      this.sendPdu(createResponse(pdu, CommandStatus.ESME_RALYBND));
      return;
    }
    if (!mayOriginate(this.peerRole, this.stateValue, pdu.command)) {
      this.answerRequest(pdu, null);
      return;
    }
    this.bindInProgress = true;
    void this.decideBind({ bindType: bindTypeOf(pdu.command), pdu });
  }

  private async decideBind(request: BindRequest): Promise<void> {
    let decision: BindDecision;
    try {
      decision =
        this.handler.onBind === undefined
          ? { command_status: CommandStatus.ESME_RBINDFAIL, system_id: '' }
          : await this.handler.onBind(request, this);
    } catch (error) {
      this.reportError(asError(error));
      decision = { command_status: CommandStatus.ESME_RBINDFAIL, system_id: '' };
    }
    if (this.stateValue !== 'OPEN') return;
    this.bindInProgress = false;
    const fields = { system_id: decision.system_id, ...(decision.tlvs ? { tlvs: decision.tlvs } : {}) };
    const sent = this.sendPdu(createResponse(request.pdu, decision.command_status, fields));
    if (sent && decision.command_status === CommandStatus.ESME_ROK) this.enterBound(request.bindType);
  }

  private deliverToApplication(pdu: Pdu): void {
    const handler = this.handler;
    if (handler.onRequest === undefined) {
      this.sendPdu(createResponse(pdu, CommandStatus.ESME_RINVCMDID));
      return;
    }
    let answered = false;
    const request = {
      command: pdu.command,
      pdu,
      respond: (status: number = CommandStatus.ESME_ROK, fields?: object): boolean => {
        if (answered) throw new SmppAlreadyRespondedError(pdu.command, pdu.sequence_number);
        if (!this.inbound.has(request)) return false;
        const bytes = encodePdu(createResponse(pdu, status, fields));
        answered = true;
        this.inbound.delete(request);
        this.write(bytes);
        this.notifyProgress();
        return true;
      },
    } as unknown as ApplicationRequest;
    this.inbound.add(request);
    this.callHandler(
      () => handler.onRequest?.(request, this),
      () => {
        if (!answered && this.inbound.has(request)) request.respond(CommandStatus.ESME_RSYSERR);
      },
    );
  }

  /** Runs application code: a throw or a rejected promise is reported and `onFailure` runs. */
  private callHandler(run: () => unknown, onFailure?: () => void): void {
    const fail = (error: unknown): void => {
      this.reportError(asError(error));
      try {
        onFailure?.();
      } catch (nested) {
        this.reportError(asError(nested));
      }
    };
    try {
      const result = run();
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  /** The peer unbinds: refuse new work, let the application answer what it holds, then unbind_resp and close. */
  private onPeerUnbind(pdu: PduOf<'unbind'>): void {
    this.beginUnbinding();
    void this.waitFor(() => this.inbound.size === 0, this.options.unbindTimeoutMs).then(() => {
      if (this.isClosed()) return;
      this.sendPdu(createResponse(pdu, CommandStatus.ESME_ROK));
      this.close('unbind');
    });
  }

  // ---------------------------------------------------------------- state changes

  private enterBound(bindType: BindType): void {
    this.stateValue = boundStateFor(bindType);
    this.boundAs = bindType;
    if (this.sessionInitTimer !== undefined) clearTimeout(this.sessionInitTimer);
    this.sessionInitTimer = undefined;
    this.enquireLinkTimer = this.startTimer(this.options.enquireLinkIntervalMs, () =>
      this.onEnquireLinkDue(),
    );
    this.emit('bound', bindType);
  }

  private beginUnbinding(): void {
    const wasBound = isBound(this.stateValue);
    this.stateValue = 'UNBINDING';
    if (this.enquireLinkTimer !== undefined) clearTimeout(this.enquireLinkTimer);
    this.enquireLinkTimer = undefined;
    this.rejectQueued(new SmppSessionStateError('request', 'UNBINDING'));
    if (wasBound) this.emit('unbound');
  }

  private async runLocalUnbind(): Promise<void> {
    await this.waitFor(
      () => this.pending.size === 0 && this.inbound.size === 0,
      this.options.unbindTimeoutMs,
    );
    if (this.isClosed()) return;
    try {
      await this.submitRequest(createPdu('unbind'), false, false);
      this.close('unbind');
    } catch (error) {
      this.close(error instanceof SmppResponseTimeoutError ? 'unbind_timeout' : 'unbind');
    }
  }

  private onEnquireLinkDue(): void {
    if (!isBound(this.stateValue) || this.enquireLinkInFlight) return;
    this.enquireLinkInFlight = true;
    this.submitRequest(createPdu('enquire_link'), false, false).then(
      () => {
        this.enquireLinkInFlight = false;
      },
      (error: unknown) => {
        this.enquireLinkInFlight = false;
        if (error instanceof SmppResponseTimeoutError) this.close('enquire_link_timeout');
      },
    );
  }

  // ---------------------------------------------------------------- output

  private sendPdu(pdu: Pdu): boolean {
    let bytes: Buffer;
    try {
      bytes = encodePdu(pdu);
    } catch (error) {
      this.reportError(asError(error));
      return false;
    }
    this.write(bytes);
    return true;
  }

  private sendGenericNack(sequenceNumber: number, status: number): void {
    this.counterValues.genericNacksSent++;
    this.write(genericNack(sequenceNumber, status));
  }

  /** Coalesces: everything written in one event-loop turn leaves in one socket.write(). */
  private write(bytes: Buffer): void {
    if (this.isClosed()) return;
    this.sendQueue.push(bytes);
    this.counterValues.pdusOut++;
    this.enquireLinkTimer?.refresh();
    if (this.flushHandle === undefined && !this.writeBlocked) {
      this.flushHandle = setImmediate(() => {
        this.flushHandle = undefined;
        if (!this.writeBlocked) this.flushSendQueue();
      });
    }
  }

  private flushSendQueue(): void {
    if (this.sendQueue.length === 0) return;
    const data = this.sendQueue.length === 1 ? this.sendQueue[0] : Buffer.concat(this.sendQueue);
    this.sendQueue = [];
    if (this.socket.destroyed || !this.socket.writable) return;
    if (!this.socket.write(data) && this.stateValue !== 'CLOSED') {
      // The peer is not reading: stop reading its requests too, until our output drains.
      this.writeBlocked = true;
      this.socket.pause();
    }
  }

  private onDrain(): void {
    if (!this.writeBlocked) return;
    this.writeBlocked = false;
    if (this.isClosed()) return;
    this.socket.resume();
    this.flushSendQueue();
    this.notifyWritable();
  }

  private endSocket(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    socket.end();
    // Destroying at once could reset the connection and drop our last PDUs (unbind_resp, generic_nack).
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  // ---------------------------------------------------------------- helpers

  private startTimer(ms: number, onFire: () => void): NodeJS.Timeout | undefined {
    if (ms <= 0) return undefined;
    const timer = setTimeout(onFire, ms);
    timer.unref();
    return timer;
  }

  /** Resolves true once `isDone()` holds, false on timeout or close. */
  private waitFor(isDone: () => boolean, timeoutMs: number): Promise<boolean> {
    if (isDone() || this.isClosed()) return Promise.resolve(isDone());
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.progressWaiters.delete(check);
        resolve(isDone());
      };
      const check = (): void => {
        if (isDone() || this.isClosed()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      timer.unref();
      this.progressWaiters.add(check);
    });
  }

  /** A method, so that TypeScript does not narrow the state across callbacks that may close the session. */
  private isClosed(): boolean {
    return this.stateValue === 'CLOSED';
  }

  private notifyProgress(): void {
    for (const check of [...this.progressWaiters]) check();
  }

  private reportError(error: Error): void {
    this.counterValues.errors++;
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
