import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { SmppError } from '../errors';
import { CommandStatus } from '../tables';
import {
  SmppBindRejectedError,
  SmppConfigError,
  SmppSession,
  SmppSessionClosedError,
  type BindParameters,
  type BindType,
  type SessionCloseReason,
  type SmppSessionHandler,
  type SmppSessionOptions,
} from '../session';
import {
  reconnectDelayMs,
  resolveReconnectBackoff,
  type RandomSource,
  type ReconnectBackoffOptions,
} from './reconnect-backoff';

export interface SmppTlsOptions {
  /** Verify the server certificate against `ca` (or the system store). Default true. */
  rejectUnauthorized?: boolean;
  /** Trusted CA certificate(s), PEM. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** SNI and the name checked in the certificate; defaults to `host` (SNI is not sent for IP addresses). */
  servername?: string;
}

export interface SmppHost {
  host: string;
  port: number;
  /** Connect over TLS (e.g. Infobip 8887, GatewayAPI 8775, MTA 2776 — providers.md). */
  tls?: SmppTlsOptions;
}

/** Timer functions the reconnect delay runs on; injectable so schedules can be tested with a fake clock. */
export interface ReconnectClock {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: ReconnectClock = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SmppClientOptions {
  /** Tried in order; each failed attempt moves on to the next (wrapping). */
  hosts: readonly SmppHost[];
  bindType: BindType;
  systemId: string;
  password: string;
  systemType?: string;
  addrTon?: number;
  addrNpi?: number;
  addressRange?: string;
  /**
   * SMPP 3.4 allows 8 password characters (SPEC §4.1); Infobip issues longer ones and the client
   * must send them untruncated (000_*.txt). Without this flag a longer password is a config error.
   */
  allowLongPassword?: boolean;
  /** Time allowed for TCP (and TLS) connection setup. Default 10 000 ms. */
  connectTimeoutMs?: number;
  reconnect?: Partial<ReconnectBackoffOptions>;
  /** Stop reconnecting when the bind is refused with a credentials status. Default true. */
  stopOnCredentialError?: boolean;
  /** Bind statuses that mean "credentials wrong". Default ESME_RINVPASWD, ESME_RINVSYSID. */
  credentialErrorStatuses?: readonly number[];
  /** Options for each session (window, timers); role is always 'esme'. */
  session?: Omit<SmppSessionOptions, 'role' | 'handler'>;
  /** Receives deliver_sm / data_sm and notifications on every session the client opens. */
  handler?: SmppSessionHandler;
  clock?: ReconnectClock;
  random?: RandomSource;
}

export type SmppClientState =
  'idle' | 'connecting' | 'binding' | 'bound' | 'waiting' | 'stopping' | 'stopped';

export interface SmppClientEvents {
  state: [state: SmppClientState];
  bound: [session: SmppSession, host: SmppHost];
  /** A bound session closed; the client reconnects unless stopping. */
  disconnected: [reason: SessionCloseReason, host: SmppHost];
  /** One connect or bind attempt failed. */
  attemptFailed: [error: Error, host: SmppHost];
  reconnectScheduled: [delayMs: number, host: SmppHost];
  /** The bind was refused with a credentials status; reconnecting stopped (stopOnCredentialError). */
  credentialsRejected: [error: SmppBindRejectedError, host: SmppHost];
  stopped: [];
}

export class SmppConnectTimeoutError extends SmppError {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly timeoutMs: number,
  ) {
    super('CONNECT_TIMEOUT', `no connection to ${host}:${port} within ${timeoutMs} ms`);
  }
}

/** The client stopped (stop() or a credentials error) before it was bound. */
export class SmppClientStoppedError extends SmppError {
  constructor() {
    super('CLIENT_STOPPED', 'SMPP client stopped');
  }
}

/** SPEC §4.1: password is a C-Octet String of at most 9 octets including the NUL. */
const SMPP34_MAX_PASSWORD_LENGTH = 8;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** One connect-and-bind attempt; callbacks of a superseded attempt are ignored. */
interface Attempt {
  host: SmppHost;
  socket: net.Socket;
  connectTimer?: NodeJS.Timeout;
  session?: SmppSession;
  finished: boolean;
}

/**
 * An ESME connection to one provider account: connects to the first host, binds, and keeps a
 * bound session up, reconnecting with exponential backoff and rotating through the host list on
 * each failed attempt. A credentials error stops it (unless configured otherwise).
 */
export class SmppClient extends EventEmitter<SmppClientEvents> {
  private readonly options: SmppClientOptions;
  private readonly backoff: ReconnectBackoffOptions;
  private readonly clock: ReconnectClock;
  private readonly random: RandomSource;
  private readonly credentialStatuses: ReadonlySet<number>;

  private stateValue: SmppClientState = 'idle';
  private hostIndex = 0;
  private failedAttempts = 0;
  private attempt: Attempt | undefined;
  private sessionValue: SmppSession | undefined;
  private reconnectHandle: unknown;
  private stopPromise: Promise<void> | undefined;

  constructor(options: SmppClientOptions) {
    super();
    validateClientOptions(options);
    this.options = options;
    this.backoff = resolveReconnectBackoff(options.reconnect);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.credentialStatuses = new Set(
      options.credentialErrorStatuses ?? [CommandStatus.ESME_RINVPASWD, CommandStatus.ESME_RINVSYSID],
    );
  }

  get state(): SmppClientState {
    return this.stateValue;
  }

  /** The bound session, if any. */
  get session(): SmppSession | undefined {
    return this.sessionValue;
  }

  /** The host the current (or next) attempt uses. */
  get currentHost(): SmppHost {
    return this.options.hosts[this.hostIndex];
  }

  start(): void {
    if (this.stateValue !== 'idle') return;
    this.connect();
  }

  /** Resolves with the bound session (at once if bound); rejects with SmppClientStoppedError if the client stops first. */
  whenBound(): Promise<SmppSession> {
    if (this.stateValue === 'bound' && this.sessionValue !== undefined)
      return Promise.resolve(this.sessionValue);
    if (this.stateValue === 'stopping' || this.stateValue === 'stopped') {
      return Promise.reject(new SmppClientStoppedError());
    }
    return new Promise((resolve, reject) => {
      const onBound = (session: SmppSession): void => {
        this.off('stopped', onStopped);
        resolve(session);
      };
      const onStopped = (): void => {
        this.off('bound', onBound);
        reject(new SmppClientStoppedError());
      };
      this.once('bound', onBound);
      this.once('stopped', onStopped);
    });
  }

  /** Stops reconnecting and unbinds the current session gracefully. Idempotent. */
  stop(): Promise<void> {
    if (this.stopPromise !== undefined) return this.stopPromise;
    this.stopPromise = this.runStop();
    return this.stopPromise;
  }

  private async runStop(): Promise<void> {
    this.setState('stopping');
    if (this.reconnectHandle !== undefined) this.clock.clearTimeout(this.reconnectHandle);
    this.reconnectHandle = undefined;
    const attempt = this.attempt;
    const session = this.sessionValue;
    if (attempt !== undefined && !attempt.finished) {
      attempt.finished = true;
      clearTimeout(attempt.connectTimer);
      if (attempt.session !== undefined) attempt.session.close('local');
      else attempt.socket.destroy();
    }
    if (session !== undefined) await session.unbind();
    this.sessionValue = undefined;
    this.setState('stopped');
    this.emit('stopped');
  }

  private connect(): void {
    const host = this.currentHost;
    this.setState('connecting');
    const socket = host.tls
      ? tls.connect({
          host: host.host,
          port: host.port,
          rejectUnauthorized: host.tls.rejectUnauthorized ?? true,
          ...(host.tls.ca !== undefined ? { ca: host.tls.ca } : {}),
          ...(host.tls.servername !== undefined ? { servername: host.tls.servername } : {}),
        })
      : net.connect({ host: host.host, port: host.port });
    const attempt: Attempt = { host, socket, finished: false };
    this.attempt = attempt;

    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const connectTimer = setTimeout(() => {
      socket.destroy();
      this.attemptFailed(attempt, new SmppConnectTimeoutError(host.host, host.port, timeoutMs));
    }, timeoutMs);
    connectTimer.unref();
    attempt.connectTimer = connectTimer;
    const onError = (error: Error): void => {
      clearTimeout(connectTimer);
      this.attemptFailed(attempt, error);
    };
    socket.once('error', onError);
    socket.once(host.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(connectTimer);
      socket.off('error', onError);
      if (attempt.finished) {
        socket.destroy();
        return;
      }
      void this.bind(attempt);
    });
  }

  private async bind(attempt: Attempt): Promise<void> {
    this.setState('binding');
    const session = new SmppSession(attempt.socket, {
      ...this.options.session,
      allowLongPassword: this.options.allowLongPassword ?? false,
      role: 'esme',
      ...(this.options.handler !== undefined ? { handler: this.options.handler } : {}),
    });
    attempt.session = session;
    const parameters: BindParameters = {
      system_id: this.options.systemId,
      password: this.options.password,
      system_type: this.options.systemType ?? '',
      addr_ton: this.options.addrTon ?? 0,
      addr_npi: this.options.addrNpi ?? 0,
      address_range: this.options.addressRange ?? '',
    };
    try {
      await session.bind(this.options.bindType, parameters);
    } catch (error) {
      session.close('local');
      this.attemptFailed(attempt, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (attempt.finished) return;
    if (session.state === 'CLOSED') {
      this.attemptFailed(attempt, new SmppSessionClosedError(session.closeReason ?? 'peer_closed'));
      return;
    }
    attempt.finished = true;
    this.failedAttempts = 0;
    this.sessionValue = session;
    session.once('closed', (reason) => this.onSessionClosed(session, reason, attempt.host));
    this.setState('bound');
    this.emit('bound', session, attempt.host);
  }

  private attemptFailed(attempt: Attempt, error: Error): void {
    if (attempt.finished) return;
    attempt.finished = true;
    this.emit('attemptFailed', error, attempt.host);
    const credentialsRejected =
      error instanceof SmppBindRejectedError && this.credentialStatuses.has(error.command_status);
    if (credentialsRejected && (this.options.stopOnCredentialError ?? true)) {
      this.emit('credentialsRejected', error, attempt.host);
      void this.stop();
      return;
    }
    this.hostIndex = (this.hostIndex + 1) % this.options.hosts.length;
    this.scheduleReconnect();
  }

  private onSessionClosed(session: SmppSession, reason: SessionCloseReason, host: SmppHost): void {
    if (this.sessionValue !== session) return;
    this.sessionValue = undefined;
    if (this.stateValue === 'stopping' || this.stateValue === 'stopped') return;
    this.emit('disconnected', reason, host);
    // A lost session is not a failed attempt: retry the same host after the first delay.
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stateValue === 'stopping' || this.stateValue === 'stopped') return;
    const delayMs = reconnectDelayMs(this.failedAttempts, this.backoff, this.random);
    this.failedAttempts++;
    this.setState('waiting');
    this.emit('reconnectScheduled', delayMs, this.currentHost);
    this.reconnectHandle = this.clock.setTimeout(() => {
      this.reconnectHandle = undefined;
      if (this.stateValue === 'waiting') this.connect();
    }, delayMs);
  }

  private setState(state: SmppClientState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }
}

function validateClientOptions(options: SmppClientOptions): void {
  if (options.hosts.length === 0) throw new SmppConfigError('hosts must list at least one host');
  for (const { host, port } of options.hosts) {
    if (host.length === 0 || !Number.isInteger(port) || port < 1 || port > 0xffff) {
      throw new SmppConfigError(`invalid host ${host}:${port}`);
    }
  }
  if (!['transmitter', 'receiver', 'transceiver'].includes(options.bindType)) {
    throw new SmppConfigError(
      `bindType must be transmitter, receiver or transceiver, got ${options.bindType}`,
    );
  }
  if (options.password.length > SMPP34_MAX_PASSWORD_LENGTH && !(options.allowLongPassword ?? false)) {
    throw new SmppConfigError(
      `password has ${options.password.length} characters; SMPP 3.4 allows ${SMPP34_MAX_PASSWORD_LENGTH} (set allowLongPassword for providers that issue longer ones)`,
    );
  }
  const timeout = options.connectTimeoutMs;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1)) {
    throw new SmppConfigError(`connectTimeoutMs must be a positive integer, got ${timeout}`);
  }
}
