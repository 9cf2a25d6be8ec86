/**
 * TEST-ONLY helpers (not exported from the lib): real TCP servers on 127.0.0.1 port 0, and a raw
 * SMPP peer that reads and writes PDUs with the codec but has no session logic, so tests can act
 * as a misbehaving or scripted peer byte by byte.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { decodePdu, encodePdu } from '../../codec';
import { FrameDecoder } from '../../framing';
import type { Pdu } from '../../pdu/types';
import { CommandStatus } from '../../tables';
import type { SmppSessionOptions } from '../session-options';
import type { SmppSessionHandler } from '../session-types';
import { SmppSession } from '../smpp-session';

export interface TestServer {
  readonly port: number;
  /** Server-side sockets accepted so far. */
  readonly sockets: Set<net.Socket>;
  /** Stops listening and destroys every accepted socket. */
  close(): Promise<void>;
}

export function listen(onConnection: (socket: net.Socket) => void, port = 0): Promise<TestServer> {
  return serve(net.createServer(), 'connection', onConnection, port);
}

/** Listens with an already-created server (plain or TLS) on 127.0.0.1. */
export function serve(
  server: net.Server,
  connectionEvent: 'connection' | 'secureConnection',
  onConnection: (socket: net.Socket) => void,
  port = 0,
): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  server.on(connectionEvent, (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        sockets,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** A port nothing listens on (bound then released), for connection-refused tests. */
export async function closedPort(): Promise<number> {
  const server = await listen(() => undefined);
  await server.close();
  return server.port;
}

/** A bare SMPP peer: collects every PDU it receives and sends whatever it is told to. */
export class RawPeer {
  private readonly unread: Pdu[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly decoder = new FrameDecoder();
  private ended = false;
  readonly closed: Promise<void>;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk, (frame) => {
        this.unread.push(decodePdu(frame, { allowLongPassword: true }));
        this.wake();
      });
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  static async connect(port: number): Promise<RawPeer> {
    return new RawPeer(await connect(port));
  }

  send(...pdus: Pdu[]): void {
    this.socket.write(Buffer.concat(pdus.map((pdu) => encodePdu(pdu))));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Takes the first received PDU that matches (waiting for it); rejects if the socket closes first. */
  async take(matches: (pdu: Pdu) => boolean = () => true): Promise<Pdu> {
    for (;;) {
      const index = this.unread.findIndex(matches);
      if (index >= 0) return this.unread.splice(index, 1)[0];
      if (this.ended) throw new Error('peer socket closed before the expected PDU arrived');
      await new Promise<void>((resolve) => {
        const waiter = (): void => {
          this.waiters.delete(waiter);
          resolve();
        };
        this.waiters.add(waiter);
      });
    }
  }

  /** Takes the first received PDU with this command. */
  takeCommand(command: Pdu['command']): Promise<Pdu> {
    return this.take((pdu) => pdu.command === command);
  }

  /** PDUs received and not taken yet. */
  get pending(): readonly Pdu[] {
    return this.unread;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Accepts every bind, answering system_id 'TESTSMSC'. */
export const acceptEveryBind: Required<Pick<SmppSessionHandler, 'onBind'>> = {
  onBind: () => ({ command_status: CommandStatus.ESME_ROK, system_id: 'TESTSMSC' }),
};

/** An SMSC: one role 'smsc' SmppSession per accepted connection. */
export class SmscFixture {
  readonly sessions: SmppSession[] = [];
  private readonly arrivals: Array<(session: SmppSession) => void> = [];
  private taken = 0;

  private constructor(private server: TestServer | undefined) {}

  /** Listens on 127.0.0.1 (`port` 0 picks a free one); over TLS when `tlsOptions` are given. */
  static async start(
    options: Omit<SmppSessionOptions, 'role'> = {},
    handler: SmppSessionHandler = acceptEveryBind,
    port = 0,
    tlsOptions?: tls.TlsOptions,
  ): Promise<SmscFixture> {
    const fixture = new SmscFixture(undefined);
    const onConnection = (socket: net.Socket): void => fixture.accept(socket, options, handler);
    fixture.server =
      tlsOptions === undefined
        ? await listen(onConnection, port)
        : await serve(tls.createServer(tlsOptions), 'secureConnection', onConnection, port);
    return fixture;
  }

  get port(): number {
    return this.server!.port;
  }

  /** The session for the next connection (or the oldest one not yet taken). */
  nextSession(): Promise<SmppSession> {
    const index = this.taken;
    this.taken++;
    const existing = this.sessions[index];
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve) => this.arrivals.push(resolve));
  }

  async close(): Promise<void> {
    for (const session of this.sessions) session.close('local');
    await this.server?.close();
  }

  private accept(
    socket: net.Socket,
    options: Omit<SmppSessionOptions, 'role'>,
    handler: SmppSessionHandler,
  ): void {
    const session = new SmppSession(socket, { ...options, role: 'smsc', handler });
    this.sessions.push(session);
    this.arrivals.shift()?.(session);
  }
}
