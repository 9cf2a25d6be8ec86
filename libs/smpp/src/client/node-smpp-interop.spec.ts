import type { AddressInfo } from 'node:net';
import { createPdu } from '../codec';
import { CommandStatus } from '../tables';
import type { InboundRequest, SmppSession } from '../session';
import { SmscFixture } from '../session/testing/socket-harness';
import { SmppClient } from './smpp-client';

/** The few parts of the `smpp` package (node-smpp 0.5.1, untyped) these tests drive. */
interface NodeSmppPdu {
  command: string;
  command_status: number;
  sequence_number: number;
  message_id?: string;
  system_id?: string;
  short_message?: { message?: string } | string | Buffer;
  response(fields?: Record<string, unknown>): NodeSmppPdu;
}
type Callback = (pdu: NodeSmppPdu) => void;
interface NodeSmppSession {
  on(event: string, listener: Callback): void;
  once(event: 'close', listener: () => void): void;
  send(pdu: NodeSmppPdu): boolean;
  bind_transceiver(fields: Record<string, unknown>, callback: Callback): void;
  submit_sm(fields: Record<string, unknown>, callback: Callback): void;
  unbind(callback: Callback): void;
  destroy(): void;
}
interface NodeSmppServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): AddressInfo;
  close(callback: () => void): void;
  sessions: NodeSmppSession[];
}
interface NodeSmpp {
  connect(options: { url: string }, onConnect: () => void): NodeSmppSession;
  createServer(onSession: (session: NodeSmppSession) => void): NodeSmppServer;
}

const nodeSmpp = jest.requireActual<NodeSmpp>('smpp');

function call<T extends NodeSmppPdu>(start: (callback: Callback) => void): Promise<T> {
  return new Promise((resolve) => start((pdu) => resolve(pdu as T)));
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('interoperability with node-smpp (the `smpp` package)', () => {
  it('serves a node-smpp ESME: bind, submit_sm, deliver_sm both ways, unbind', async () => {
    let submitted: string | undefined;
    const fixture = await SmscFixture.start(
      {},
      {
        onBind: ({ pdu }) => ({
          command_status: pdu.password === 'pw' ? CommandStatus.ESME_ROK : CommandStatus.ESME_RINVPASWD,
          system_id: 'OURSMSC',
        }),
        onRequest: (request: InboundRequest) => {
          if (request.command !== 'submit_sm') return;
          submitted = request.pdu.short_message.toString('latin1');
          request.respond(CommandStatus.ESME_ROK, { message_id: 'our-id-1' });
        },
      },
    );
    cleanups.push(() => fixture.close());
    const esme = await new Promise<NodeSmppSession>((resolve) => {
      const session = nodeSmpp.connect({ url: `smpp://127.0.0.1:${fixture.port}` }, () => resolve(session));
    });
    cleanups.push(() => esme.destroy());
    esme.on('deliver_sm', (pdu) => esme.send(pdu.response()));

    const bindResp = await call((cb) => esme.bind_transceiver({ system_id: 'acme', password: 'pw' }, cb));
    expect(bindResp).toMatchObject({ command_status: 0, system_id: 'OURSMSC' });
    const submitResp = await call((cb) =>
      esme.submit_sm({ source_addr: 'ACME', destination_addr: '4790000000', short_message: 'hello' }, cb),
    );
    expect(submitResp).toMatchObject({ command_status: 0, message_id: 'our-id-1' });
    expect(submitted).toBe('hello');

    const ours: SmppSession = await fixture.nextSession();
    const deliverResp = await ours.request(
      createPdu('deliver_sm', {
        source_addr: '4790000000',
        destination_addr: 'ACME',
        short_message: Buffer.from('reply'),
      }),
    );
    expect(deliverResp.command_status).toBe(CommandStatus.ESME_ROK);

    const unbindResp = await call((cb) => esme.unbind(cb));
    expect(unbindResp.command).toBe('unbind_resp');
    await expect(ours.whenClosed()).resolves.toBe('unbind');
  });

  it('binds SmppClient to a node-smpp SMSC, submits, and unbinds on stop()', async () => {
    const seen: string[] = [];
    const server = nodeSmpp.createServer((session) => {
      session.on('bind_transceiver', (pdu) => {
        seen.push(`bind:${pdu.system_id}`);
        session.send(pdu.response({ system_id: 'NODESMSC' }));
      });
      session.on('submit_sm', (pdu) => session.send(pdu.response({ message_id: 'node-id-7' })));
      session.on('unbind', (pdu) => {
        seen.push('unbind');
        session.send(pdu.response());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const session of server.sessions) session.destroy();
          server.close(() => resolve());
        }),
    );
    const client = new SmppClient({
      hosts: [{ host: '127.0.0.1', port: server.address().port }],
      bindType: 'transceiver',
      systemId: 'acme',
      password: 'pw',
    });
    cleanups.push(() => client.stop());

    client.start();
    const session = await client.whenBound();
    const response = await session.request(
      createPdu('submit_sm', {
        source_addr: 'ACME',
        destination_addr: '4790000000',
        short_message: Buffer.from('hi'),
      }),
    );
    await client.stop();

    expect(response).toMatchObject({ command_status: 0, message_id: 'node-id-7' });
    expect(seen).toEqual(['bind:acme', 'unbind']);
    expect(session.closeReason).toBe('unbind');
  });
});
