/**
 * TEST-ONLY: a minimal SMSC that binds any known tenant and hands receiver-capable binds to a DeliveryService,
 * standing in for the server of libs/gateway/src/server; and node-smpp (the `smpp` package) as the tenant's client.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { CommandStatus, SmppSession } from '@app/smpp';
import type { DataSource } from 'typeorm';
import type { DeliveryOptions, DeliveryService } from '../delivery.service';

/** Short retry and poll intervals for tests: a receipt goes out within a few polls. */
export const DELIVERY_TEST_OPTIONS: DeliveryOptions = {
  retentionMs: 3_600_000,
  retryMinMs: 20,
  retryMaxMs: 100,
  windowPerSession: 2,
  leaseMs: 5_000,
  pollMs: 50,
};

/** Cleanups registered during a test, run after it in reverse order. */
export function useCleanups(): Array<() => unknown> {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}

export class TenantSmsc {
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1 port 0; `tenants` maps system_id to tenant id. */
  static start(service: DeliveryService, tenants: ReadonlyMap<string, string>): Promise<TenantSmsc> {
    const server = net.createServer();
    const smsc = new Promise<TenantSmsc>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () =>
        resolve(new TenantSmsc(server, (server.address() as net.AddressInfo).port)),
      );
    });
    void smsc.then((instance) =>
      server.on('connection', (socket) => {
        instance.sockets.add(socket);
        socket.once('close', () => instance.sockets.delete(socket));
        let tenantId: string | undefined;
        const session = new SmppSession(socket, {
          role: 'smsc',
          responseTimeoutMs: 2_000,
          handler: {
            onBind: ({ pdu }) => {
              tenantId = tenants.get(pdu.system_id);
              return {
                command_status:
                  tenantId === undefined ? CommandStatus.ESME_RINVPASWD : CommandStatus.ESME_ROK,
                system_id: 'TESTSMSC',
              };
            },
          },
        });
        session.on('error', () => undefined);
        session.on('bound', (bindType) => {
          if (bindType !== 'transmitter' && tenantId !== undefined) service.attach(tenantId, session);
        });
      }),
    );
    return smsc;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The parts of a node-smpp deliver_sm these tests read (node-smpp 0.5.1 is untyped). */
export interface ReceivedDeliverSm {
  command: string;
  sequence_number: number;
  source_addr: string;
  source_addr_ton: number;
  source_addr_npi: number;
  destination_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  esm_class: number;
  data_coding: number;
  short_message: { message?: string | Buffer };
  receipted_message_id?: string;
  message_state?: number;
  network_error_code?: Buffer;
  user_message_reference?: number;
  response(fields?: Record<string, unknown>): unknown;
}

interface NodeSmppSession {
  on(event: 'deliver_sm', listener: (pdu: ReceivedDeliverSm) => void): void;
  on(event: 'error' | 'close', listener: () => void): void;
  send(pdu: unknown): boolean;
  bind_receiver(fields: Record<string, unknown>, callback: (pdu: { command_status: number }) => void): void;
  bind_transceiver(
    fields: Record<string, unknown>,
    callback: (pdu: { command_status: number }) => void,
  ): void;
  destroy(): void;
}

interface NodeSmpp {
  connect(
    options: { url: string; auto_enquire_link_period?: number },
    onConnect: () => void,
  ): NodeSmppSession;
}

const nodeSmpp = jest.requireActual<NodeSmpp>('smpp');

/** How the tenant answers one deliver_sm: a command_status, or 'silence' for no deliver_sm_resp at all. */
export type TenantAnswer = number | 'silence';

/** A tenant bound with node-smpp; records every deliver_sm and answers it as `answer` says. */
export class TenantClient {
  readonly received: ReceivedDeliverSm[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly session: NodeSmppSession) {}

  static async bind(
    port: number,
    systemId: string,
    options: { transceiver?: boolean; answer?: (pdu: ReceivedDeliverSm) => TenantAnswer } = {},
  ): Promise<TenantClient> {
    const session = await new Promise<NodeSmppSession>((resolve) => {
      const connected = nodeSmpp.connect({ url: `smpp://127.0.0.1:${port}` }, () => resolve(connected));
    });
    session.on('error', () => undefined);
    const client = new TenantClient(session);
    const answer = options.answer ?? (() => CommandStatus.ESME_ROK);
    session.on('deliver_sm', (pdu) => {
      client.received.push(pdu);
      const status = answer(pdu);
      if (status !== 'silence') session.send(pdu.response({ command_status: status }));
      for (const wake of client.waiters) wake();
    });
    const bind = options.transceiver
      ? session.bind_transceiver.bind(session)
      : session.bind_receiver.bind(session);
    const response = await new Promise<{ command_status: number }>((resolve) =>
      bind({ system_id: systemId, password: 'pw' }, resolve),
    );
    if (response.command_status !== CommandStatus.ESME_ROK) {
      session.destroy();
      throw new Error(`bind of ${systemId} refused with ${response.command_status}`);
    }
    return client;
  }

  /** Waits until `done()` holds, re-checking on every deliver_sm; gives up after `limitMs` (a hang guard). */
  async waitUntil(done: () => boolean, limitMs = 10_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!done()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`condition not met; ${this.received.length} deliver_sm received`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(remaining, 100));
        this.waiters.add(wake);
      });
    }
  }

  receiptIds(): string[] {
    return this.received.map((pdu) => pdu.receipted_message_id ?? '');
  }

  close(): void {
    this.session.destroy();
  }
}

export interface TestMessage {
  id: string;
  tenant_id: string;
  registered_delivery?: number;
  user_message_reference?: number | null;
  dlr_text?: string;
  /** A part of a long message: its group (default the message's own id), number and total (default 1 of 1). */
  group_id?: string;
  part_no?: number;
  part_total?: number;
  submitted_at?: Date;
}

/** A row in `messages` as the server's accept path writes it (only the columns a receipt reads vary). */
export async function insertMessage(dataSource: DataSource, message: TestMessage): Promise<string> {
  await dataSource.query(
    `INSERT INTO "messages" ("id", "tenant_id", "system_id", "group_id", "part_no", "part_total", "status",
       "source_addr", "source_addr_ton", "source_addr_npi", "destination_addr", "dest_addr_ton", "dest_addr_npi",
       "esm_class", "protocol_id", "priority_flag", "registered_delivery", "data_coding", "short_message",
       "user_message_reference", "dlr_text", "segments", "submitted_at")
     VALUES ($1, $2, 'sys', $7, $8, $9, 'sent', 'ACME', 5, 0, '4790000001', 1, 1, 0, 0, 0, $3, 0, $4, $5, $6, 1,
       $10)`,
    [
      message.id,
      message.tenant_id,
      message.registered_delivery ?? 1,
      Buffer.from(message.dlr_text ?? 'hello'),
      message.user_message_reference ?? null,
      message.dlr_text ?? 'hello',
      message.group_id ?? message.id,
      message.part_no ?? 1,
      message.part_total ?? 1,
      message.submitted_at ?? new Date('2025-04-23T16:34:10Z'),
    ],
  );
  return message.id;
}

export function newMessageId(): string {
  return randomBytes(12).toString('hex');
}

export async function insertTenant(dataSource: DataSource, name: string): Promise<string> {
  const rows = await dataSource.query<{ id: string }[]>(
    `INSERT INTO "tenants" ("name") VALUES ($1) RETURNING "id"`,
    [name],
  );
  return rows[0].id;
}
