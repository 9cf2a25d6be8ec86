import { Logger } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { DataSource } from 'typeorm';
import { LedgerRepository } from '@app/billing';
import { TenantCredentialEntity } from '@app/database';
import type { SmscMetrics, WindowSample } from '@app/observability';
import {
  CommandStatus,
  isBound,
  SmppSession,
  type BindDecision,
  type BindRequest,
  type BindType,
  type InboundRequest,
} from '@app/smpp';
import type { BindAuthenticator } from '../auth/bind-authenticator';
import { TenantPolicy } from '../auth/tenant-policy';
import type { AcceptService, SubmitContext } from '../accept/accept-service';
import type { TenantDeliveryPort } from '../messages/delivery-port';
import type { MessageQueries } from '../messages/message-queries';

/** The system_id this server puts in bind_resp. */
export const SERVER_SYSTEM_ID = 'SMSGW';

export interface SmppServerOptions {
  readonly host: string;
  /** Plain TCP port; 0 picks a free one. */
  readonly port: number;
  /** TLS listener, when configured. */
  readonly tls?: { readonly port: number; readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly sessionInitTimeoutMs: number;
  readonly enquireLinkIntervalMs: number;
  readonly inactivityTimeoutMs: number;
  readonly responseTimeoutMs: number;
  readonly unbindTimeoutMs: number;
  /** Unanswered submits a session may hold; more are refused with ESME_RTHROTTLED by the session. */
  readonly inboundWindow: number;
  /** Connections from one IP that have not bound yet; more are closed at once. */
  readonly maxUnboundPerIp: number;
  /**
   * deliver_sm a tenant session may hold unanswered (DELIVERY_WINDOW; the session window bounds it too): the window
   * of smsc_window_occupancy_ratio{side="tenant_delivery"}. Default: the session window.
   */
  readonly deliveryWindow?: number;
}

interface BoundSession {
  readonly context: SubmitContext;
  readonly bindType: BindType;
  readonly release: () => void;
}

/**
 * The ESME-facing SMPP 3.4 server: plain and TLS listeners, one SmppSession (SMSC role) per connection, binds
 * decided by the BindAuthenticator, requests dispatched to the accept path and to query/cancel.
 */
export class SmppGatewayServer {
  private readonly logger = new Logger('SmppGatewayServer');
  private readonly ledger: LedgerRepository;
  private plain: Server | undefined;
  private secure: TlsServer | undefined;
  private readonly sessions = new Set<SmppSession>();
  private readonly bound = new Map<SmppSession, BoundSession>();
  private readonly unboundPerIp = new Map<string, number>();
  private draining = false;

  constructor(
    private readonly options: SmppServerOptions,
    private readonly dataSource: DataSource,
    private readonly authenticator: BindAuthenticator,
    private readonly acceptService: AcceptService,
    private readonly queries: MessageQueries,
    private readonly delivery: TenantDeliveryPort,
    private readonly metrics?: SmscMetrics,
  ) {
    this.ledger = new LedgerRepository(dataSource);
    metrics?.registerWindowSource('tenant', () => this.windowSamples('submit'));
    metrics?.registerWindowSource('tenant_delivery', () => this.windowSamples('deliver'));
  }

  /** Ports actually listened on (after listen()). */
  get ports(): { plain: number | undefined; tls: number | undefined } {
    const portOf = (server: Server | undefined): number | undefined => {
      const address = server?.address();
      return typeof address === 'object' && address !== null ? address.port : undefined;
    };
    return { plain: portOf(this.plain), tls: portOf(this.secure) };
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  async listen(): Promise<void> {
    this.plain = createServer((socket) => this.onConnection(socket));
    await listenOn(this.plain, this.options.port, this.options.host);
    if (this.options.tls !== undefined) {
      this.secure = createTlsServer({ cert: this.options.tls.cert, key: this.options.tls.key }, (socket) =>
        this.onConnection(socket),
      );
      this.secure.on('tlsClientError', (error) =>
        this.logger.debug(`TLS handshake failed: ${error.message}`),
      );
      await listenOn(this.secure, this.options.tls.port, this.options.host);
    }
    this.logger.log(
      `SMPP listening on ${this.options.host}:${this.ports.plain}` +
        (this.secure ? `, TLS on ${this.options.host}:${this.ports.tls}` : ''),
    );
  }

  /**
   * Recompiles the policy of the sessions bound with the credential (or with any credential of the tenant; every
   * bound session when no target is given) from tenant_credentials, so that a changed TPS limit, sender ids or
   * destination prefixes apply from the next submit; a session whose credential is no longer usable (revoked,
   * suspended, or its tenant suspended) is unbound. Returns how many sessions it looked at.
   */
  async refreshBinds(target: { credentialId?: string; tenantId?: string } = {}): Promise<number> {
    const entries = [...this.bound].filter(
      ([, entry]) =>
        (target.credentialId === undefined || entry.context.policy.credentialId === target.credentialId) &&
        (target.tenantId === undefined || entry.context.policy.tenantId === target.tenantId),
    );
    if (entries.length === 0) return 0;
    const ids = [...new Set(entries.map(([, entry]) => entry.context.policy.credentialId))];
    const rows = await this.dataSource
      .getRepository(TenantCredentialEntity)
      .createQueryBuilder('c')
      .innerJoin('tenants', 't', 't.id = c.tenant_id')
      .where('c.id IN (:...ids)', { ids })
      .andWhere(`c.status = 'active'`)
      .andWhere('c.revoked_at IS NULL')
      .andWhere(`t.status = 'active'`)
      .getMany();
    const policies = new Map(rows.map((row) => [row.id, new TenantPolicy(row)]));
    for (const [session] of entries) {
      const current = this.bound.get(session);
      if (current === undefined) continue;
      const policy = policies.get(current.context.policy.credentialId);
      if (policy === undefined) {
        this.logger.log(
          `unbinding '${current.context.policy.systemId}': credential or tenant no longer active`,
        );
        void session.unbind().catch(() => session.close('local'));
        continue;
      }
      this.bound.set(session, { ...current, context: { ...current.context, policy } });
    }
    return entries.length;
  }

  /**
   * Graceful stop: no new connections or binds, every session unbound (each waits for its in-flight submits,
   * bounded by the unbind timer), the group committer drained.
   */
  async shutdown(): Promise<void> {
    this.draining = true;
    const closing = [closeServer(this.plain), closeServer(this.secure)];
    await Promise.all([...this.sessions].map((session) => session.unbind()));
    await Promise.all(closing);
    await this.acceptService.whenIdle();
  }

  private onConnection(socket: Socket): void {
    const ip = socket.remoteAddress ?? '';
    if (this.draining) {
      socket.destroy();
      return;
    }
    const unbound = this.unboundPerIp.get(ip) ?? 0;
    if (unbound >= this.options.maxUnboundPerIp) {
      this.logger.warn(`refused a connection from ${ip}: ${unbound} connections not bound yet`);
      socket.destroy();
      return;
    }
    this.unboundPerIp.set(ip, unbound + 1);
    let counted = true;
    const uncount = (): void => {
      if (!counted) return;
      counted = false;
      const left = (this.unboundPerIp.get(ip) ?? 1) - 1;
      if (left > 0) this.unboundPerIp.set(ip, left);
      else this.unboundPerIp.delete(ip);
    };

    const session = new SmppSession(socket, {
      role: 'smsc',
      allowLongPassword: true,
      sessionInitTimeoutMs: this.options.sessionInitTimeoutMs,
      enquireLinkIntervalMs: this.options.enquireLinkIntervalMs,
      inactivityTimeoutMs: this.options.inactivityTimeoutMs,
      responseTimeoutMs: this.options.responseTimeoutMs,
      unbindTimeoutMs: this.options.unbindTimeoutMs,
      inboundWindowSize: this.options.inboundWindow,
      inboundOverflowStatus: CommandStatus.ESME_RTHROTTLED,
      handler: {
        onBind: (request, s) => this.onBind(request, s),
        onRequest: (request, s) => this.onRequest(request, s),
      },
    });
    this.sessions.add(session);
    session.on('error', (error) => this.logger.debug(`session ${ip}: ${error.message}`));
    session.on('bound', (bindType) => {
      uncount();
      const entry = this.bound.get(session);
      if (entry !== undefined && bindType !== 'transmitter')
        this.delivery.attach(entry.context.policy.tenantId, session);
      if (entry !== undefined) this.publishTenantBinds(entry.context.policy.tenantId);
    });
    session.on('closed', () => {
      uncount();
      this.sessions.delete(session);
      const entry = this.bound.get(session);
      if (entry !== undefined) {
        this.bound.delete(session);
        entry.release();
        this.publishTenantBinds(entry.context.policy.tenantId);
        if (this.authenticator.bindsOf(entry.context.policy.credentialId) === 0) {
          this.acceptService.forgetCredential(entry.context.policy.credentialId);
        }
      }
    });
  }

  private async onBind(request: BindRequest, session: SmppSession): Promise<BindDecision> {
    const systemId = request.pdu.system_id;
    const ip = session.remoteAddress;
    if (this.draining) return { command_status: CommandStatus.ESME_RBINDFAIL, system_id: SERVER_SYSTEM_ID };
    const verdict = await this.authenticator.authenticate(request, ip);
    if (!verdict.ok) {
      this.logger.log(`bind ${request.bindType} refused for '${systemId}' from ${ip}: ${verdict.refusal}`);
      return { command_status: verdict.status, system_id: SERVER_SYSTEM_ID };
    }
    let account;
    try {
      account = await this.ledger.findAccountByTenant(this.dataSource.manager, verdict.policy.tenantId);
    } catch (error) {
      verdict.release();
      throw error;
    }
    if (this.draining || session.state !== 'OPEN') {
      verdict.release();
      return { command_status: CommandStatus.ESME_RBINDFAIL, system_id: SERVER_SYSTEM_ID };
    }
    this.bound.set(session, {
      context: {
        policy: verdict.policy,
        account: account === undefined ? undefined : { id: account.id, currency: account.currency },
      },
      bindType: request.bindType,
      release: verdict.release,
    });
    this.logger.log(`bound ${request.bindType} '${systemId}' from ${ip}`);
    return { command_status: CommandStatus.ESME_ROK, system_id: SERVER_SYSTEM_ID };
  }

  private async onRequest(request: InboundRequest, session: SmppSession): Promise<void> {
    const entry = this.bound.get(session);
    if (entry === undefined) {
      request.respond(CommandStatus.ESME_RINVBNDSTS);
      return;
    }
    const tenantId = entry.context.policy.tenantId;
    switch (request.command) {
      case 'submit_sm':
      case 'data_sm': {
        const started = performance.now();
        const result = await this.acceptService.accept(entry.context, request.pdu);
        if (result.status === CommandStatus.ESME_ROK)
          request.respond(result.status, { message_id: result.messageId });
        else request.respond(result.status);
        this.metrics?.submitAnswered(
          tenantId,
          request.command,
          result.status,
          (performance.now() - started) / 1000,
        );
        return;
      }
      case 'query_sm': {
        const answer = await this.guard(() => this.queries.query(tenantId, request.pdu), 'query_sm');
        if (typeof answer === 'number') request.respond(answer);
        else request.respond(answer.status, answer.fields);
        return;
      }
      case 'cancel_sm':
        request.respond(await this.guard(() => this.queries.cancel(tenantId, request.pdu), 'cancel_sm'));
        return;
      default:
        // replace_sm and submit_multi are not supported (README); anything else an ESME may not send here.
        request.respond(CommandStatus.ESME_RINVCMDID);
    }
  }

  /** Sets the tenant's bind gauges from the sessions bound now. */
  private publishTenantBinds(tenantId: string): void {
    if (this.metrics === undefined) return;
    const counts: Partial<Record<BindType, number>> = {};
    for (const [session, entry] of this.bound) {
      if (entry.context.policy.tenantId === tenantId && session.state !== 'CLOSED')
        counts[entry.bindType] = (counts[entry.bindType] ?? 0) + 1;
    }
    this.metrics.tenantBinds(tenantId, counts);
  }

  /**
   * Each bound session's window, read when /metrics is scraped: `submit` the tenant's unanswered submits over the
   * inbound window (sessions that may submit), `deliver` our unanswered deliver_sm over the delivery window
   * (sessions that receive).
   */
  private *windowSamples(direction: 'submit' | 'deliver'): Iterable<WindowSample> {
    // A transmitter only submits, a receiver only receives, a transceiver does both.
    const skipped: BindType = direction === 'submit' ? 'receiver' : 'transmitter';
    for (const [session, entry] of this.bound) {
      if (entry.bindType === skipped || !isBound(session.state)) continue;
      const { outstandingInbound, inboundWindowSize, outstandingRequests, windowSize } = session.occupancy;
      const peer = entry.context.policy.tenantId;
      yield direction === 'submit'
        ? { peer, inFlight: outstandingInbound, window: inboundWindowSize }
        : {
            peer,
            inFlight: outstandingRequests,
            window: Math.min(windowSize, this.options.deliveryWindow ?? windowSize),
          };
    }
  }

  /** Runs a database-backed request; a failure answers ESME_RSYSERR instead of crashing the session. */
  private async guard<T>(run: () => Promise<T>, what: string): Promise<T | number> {
    try {
      return await run();
    } catch (error) {
      this.logger.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      return CommandStatus.ESME_RSYSERR;
    }
  }
}

function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server | undefined): Promise<void> {
  if (server === undefined || !server.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}
