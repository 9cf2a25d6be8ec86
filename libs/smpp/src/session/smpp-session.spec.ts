import { createPdu, createResponse } from '../codec';
import type { Pdu, PduOf } from '../pdu/types';
import { CommandStatus } from '../tables';
import {
  SmppAlreadyRespondedError,
  SmppBindRejectedError,
  SmppGenericNackError,
  SmppResponseMismatchError,
  SmppResponseTimeoutError,
  SmppSessionClosedError,
  SmppSessionStateError,
  SmppWindowQueueFullError,
} from './session-errors';
import type { SmppSessionOptions } from './session-options';
import type { BindCommand, BindType } from './session-state';
import type { InboundRequest, SmppSessionHandler } from './session-types';
import { SmppSession } from './smpp-session';
import { RawPeer, SmscFixture, acceptEveryBind, connect, listen } from './testing/socket-harness';

const { ESME_ROK, ESME_RINVBNDSTS, ESME_RALYBND, ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RINVPASWD } =
  CommandStatus;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function smsc(options: Omit<SmppSessionOptions, 'role'> = {}, handler?: SmppSessionHandler) {
  const fixture = await SmscFixture.start(options, handler);
  cleanups.push(() => fixture.close());
  return fixture;
}

async function esmeTo(
  port: number,
  options: Omit<SmppSessionOptions, 'role'> = {},
  handler?: SmppSessionHandler,
) {
  const socket = await connect(port);
  const session = new SmppSession(socket, { role: 'esme', ...options, ...(handler ? { handler } : {}) });
  cleanups.push(() => session.close());
  return { session, socket };
}

async function rawPeer(port: number): Promise<RawPeer> {
  const peer = await RawPeer.connect(port);
  cleanups.push(() => peer.destroy());
  return peer;
}

/** An ESME session under test, bound to a scripted raw peer playing the SMSC. */
async function esmeBoundToScriptedSmsc(
  bindType: BindType = 'transceiver',
  esmeOptions: Omit<SmppSessionOptions, 'role'> = {},
): Promise<{ esme: SmppSession; smscPeer: RawPeer }> {
  let accepted!: (peer: RawPeer) => void;
  const peer = new Promise<RawPeer>((resolve) => (accepted = resolve));
  const server = await listen((socket) => accepted(new RawPeer(socket)));
  cleanups.push(() => server.close());
  const { session: esme } = await esmeTo(server.port, esmeOptions);
  const binding = esme.bind(bindType, { system_id: 'x', password: 'y' });
  const smscPeer = await peer;
  const bind = (await smscPeer.take((pdu) => pdu.command.startsWith('bind_'))) as PduOf<BindCommand>;
  smscPeer.send(createResponse(bind, ESME_ROK, { system_id: 'S' }));
  await binding;
  return { esme, smscPeer };
}

function submitSm(text = 'hello'): PduOf<'submit_sm'> {
  return createPdu('submit_sm', {
    source_addr: '12345',
    destination_addr: '4790000000',
    short_message: Buffer.from(text),
  });
}

function bindTrx(systemId = 'esme', password = 'secret'): PduOf<'bind_transceiver'> {
  return createPdu('bind_transceiver', { system_id: systemId, password, interface_version: 0x34 });
}

function withSequence<P extends Pdu>(pdu: P, sequence_number: number): P {
  return { ...pdu, sequence_number };
}

/** Collects inbound application requests so a test can answer them when it chooses. */
function holdingHandler(): SmppSessionHandler & { held: InboundRequest[]; next(): Promise<InboundRequest> } {
  const held: InboundRequest[] = [];
  const waiters: Array<(request: InboundRequest) => void> = [];
  let taken = 0;
  return {
    ...acceptEveryBind,
    held,
    onRequest(request) {
      held.push(request);
      waiters.shift()?.(request);
    },
    next() {
      const request = held[taken++];
      return request ? Promise.resolve(request) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

async function boundPair(
  smscOptions: Omit<SmppSessionOptions, 'role'> = {},
  esmeOptions: Omit<SmppSessionOptions, 'role'> = {},
  smscHandler: SmppSessionHandler = acceptEveryBind,
) {
  const fixture = await smsc(smscOptions, smscHandler);
  const { session: esme, socket } = await esmeTo(fixture.port, esmeOptions);
  await esme.bind('transceiver', { system_id: 'esme', password: 'secret' });
  const server = await fixture.nextSession();
  return { esme, server, socket, fixture };
}

describe('SmppSession binds', () => {
  it('binds when the application accepts, on both ends', async () => {
    const seen: string[] = [];
    const fixture = await smsc(
      {},
      {
        onBind: ({ bindType, pdu }) => {
          seen.push(`${bindType}:${pdu.system_id}:${pdu.password}`);
          return { command_status: ESME_ROK, system_id: 'SMSC1' };
        },
      },
    );
    const { session: esme } = await esmeTo(fixture.port);
    const bound = new Promise((resolve) => esme.once('bound', resolve));

    const response = await esme.bind('transmitter', { system_id: 'acme', password: 'pw' });

    expect(response.command).toBe('bind_transmitter_resp');
    expect(response.system_id).toBe('SMSC1');
    expect(esme.state).toBe('BOUND_TX');
    await expect(bound).resolves.toBe('transmitter');
    expect((await fixture.nextSession()).state).toBe('BOUND_TX');
    expect(seen).toEqual(['transmitter:acme:pw']);
  });

  it('stays OPEN and rejects with the status when the application refuses', async () => {
    const fixture = await smsc({}, { onBind: () => ({ command_status: ESME_RINVPASWD, system_id: '' }) });
    const { session: esme } = await esmeTo(fixture.port);

    const error = await esme
      .bind('transceiver', { system_id: 'acme', password: 'bad' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SmppBindRejectedError);
    expect((error as SmppBindRejectedError).command_status).toBe(ESME_RINVPASWD);
    expect(esme.state).toBe('OPEN');
    expect((await fixture.nextSession()).state).toBe('OPEN');
  });

  it('refuses every bind with ESME_RBINDFAIL when no bind handler is set, and when it throws', async () => {
    const noHandler = await smsc({}, {});
    const throwing = await smsc(
      {},
      {
        onBind: () => {
          throw new Error('auth store down');
        },
      },
    );
    for (const fixture of [noHandler, throwing]) {
      const peer = await rawPeer(fixture.port);
      peer.send(withSequence(bindTrx(), 1));
      const response = await peer.takeCommand('bind_transceiver_resp');
      expect(response.command_status).toBe(CommandStatus.ESME_RBINDFAIL);
    }
  });

  it('answers a second bind on a bound session with ESME_RALYBND', async () => {
    const fixture = await smsc();
    const peer = await rawPeer(fixture.port);
    peer.send(withSequence(bindTrx(), 1));
    expect((await peer.takeCommand('bind_transceiver_resp')).command_status).toBe(ESME_ROK);

    peer.send(withSequence(bindTrx(), 2));
    const second = await peer.takeCommand('bind_transceiver_resp');

    expect(second).toMatchObject({ command_status: ESME_RALYBND, sequence_number: 2 });
    expect((await fixture.nextSession()).state).toBe('BOUND_TRX');
  });

  it('refuses submit_sm before bind and enquire_link before bind with ESME_RINVBNDSTS', async () => {
    const fixture = await smsc();
    const peer = await rawPeer(fixture.port);

    peer.send(withSequence(submitSm(), 7), withSequence(createPdu('enquire_link'), 8));

    expect(await peer.takeCommand('submit_sm_resp')).toMatchObject({
      command_status: ESME_RINVBNDSTS,
      sequence_number: 7,
    });
    expect(await peer.takeCommand('enquire_link_resp')).toMatchObject({
      command_status: ESME_RINVBNDSTS,
      sequence_number: 8,
    });
  });

  it('refuses submit_sm from an ESME bound as receiver (SMSC side)', async () => {
    const handler = holdingHandler();
    const fixture = await smsc({}, handler);
    const peer = await rawPeer(fixture.port);
    peer.send(withSequence(createPdu('bind_receiver', { system_id: 'rx', password: 'pw' }), 1));
    await peer.takeCommand('bind_receiver_resp');

    peer.send(withSequence(submitSm(), 2));

    expect(await peer.takeCommand('submit_sm_resp')).toMatchObject({
      command_status: ESME_RINVBNDSTS,
      sequence_number: 2,
    });
    expect(handler.held).toHaveLength(0);
  });

  it('refuses deliver_sm on a transmitter bind (ESME side), and will not send what its state forbids', async () => {
    const { esme, smscPeer } = await esmeBoundToScriptedSmsc('transmitter');

    smscPeer.send(
      withSequence(
        createPdu('deliver_sm', { source_addr: '1', destination_addr: '2', short_message: Buffer.from('x') }),
        40,
      ),
    );

    expect(await smscPeer.takeCommand('deliver_sm_resp')).toMatchObject({
      command_status: ESME_RINVBNDSTS,
      sequence_number: 40,
    });
    await expect(
      esme.request(createPdu('bind_transceiver', { system_id: 'again', password: 'pw' })),
    ).rejects.toBeInstanceOf(SmppSessionStateError);
  });

  it('will not send submit_sm before bind', async () => {
    const fixture = await smsc();
    const { session: esme } = await esmeTo(fixture.port);
    await expect(esme.request(submitSm())).rejects.toBeInstanceOf(SmppSessionStateError);
  });
});

describe('SmppSession requests and responses', () => {
  it('delivers inbound requests to the application, which may answer later and out of order', async () => {
    const handler = holdingHandler();
    const { esme } = await boundPair({}, {}, handler);

    const first = esme.request(submitSm('one'));
    const second = esme.request(submitSm('two'));
    const [a, b] = [await handler.next(), await handler.next()];
    if (a.command !== 'submit_sm' || b.command !== 'submit_sm') throw new Error('expected submit_sm');
    expect(b.respond(ESME_ROK, { message_id: 'id-two' })).toBe(true);
    expect(a.respond(ESME_ROK, { message_id: 'id-one' })).toBe(true);

    expect((await first).message_id).toBe('id-one');
    expect((await second).message_id).toBe('id-two');
    expect(a.pdu.short_message.toString()).toBe('one');
  });

  it('refuses a second respond() and returns false after close', async () => {
    const handler = holdingHandler();
    const { esme, server } = await boundPair({}, {}, handler);
    void esme.request(submitSm()).catch(() => undefined);
    void esme.request(submitSm()).catch(() => undefined);
    const answered = await handler.next();
    const unanswered = await handler.next();

    answered.respond(ESME_ROK);
    expect(() => answered.respond(ESME_ROK)).toThrow(SmppAlreadyRespondedError);
    server.close();
    expect(unanswered.respond(ESME_ROK)).toBe(false);
  });

  it('answers ESME_RSYSERR when the request handler throws or rejects', async () => {
    const { esme } = await boundPair(
      {},
      {},
      {
        ...acceptEveryBind,
        onRequest: (request) => {
          if (request.command === 'submit_sm' && request.pdu.short_message.toString() === 'sync') {
            throw new Error('boom');
          }
          return Promise.reject(new Error('async boom'));
        },
      },
    );

    expect((await esme.request(submitSm('sync'))).command_status).toBe(CommandStatus.ESME_RSYSERR);
    expect((await esme.request(submitSm('async'))).command_status).toBe(CommandStatus.ESME_RSYSERR);
  });

  it('answers enquire_link itself in a bound state', async () => {
    const fixture = await smsc();
    const peer = await rawPeer(fixture.port);
    peer.send(withSequence(bindTrx(), 1));
    await peer.takeCommand('bind_transceiver_resp');

    peer.send(withSequence(createPdu('enquire_link'), 99));

    expect(await peer.takeCommand('enquire_link_resp')).toMatchObject({
      command_status: ESME_ROK,
      sequence_number: 99,
    });
  });

  it('matches by sequence number and command: a response to another command rejects the request', async () => {
    const { esme, smscPeer } = await esmeBoundToScriptedSmsc();

    const submit = esme.request(submitSm());
    const sent = await smscPeer.takeCommand('submit_sm');
    smscPeer.send(withSequence(createPdu('deliver_sm_resp'), sent.sequence_number));

    await expect(submit).rejects.toBeInstanceOf(SmppResponseMismatchError);
    expect(esme.occupancy.pendingResponses).toBe(0);

    const nacked = esme.request(submitSm());
    const second = await smscPeer.takeCommand('submit_sm');
    smscPeer.send({
      ...createPdu('generic_nack'),
      command_status: 0x58,
      sequence_number: second.sequence_number,
    });
    const error = await nacked.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmppGenericNackError);
    expect((error as SmppGenericNackError).command_status).toBe(0x58);
  });

  it('ignores and counts a response nobody asked for', async () => {
    const fixture = await smsc();
    const peer = await rawPeer(fixture.port);
    peer.send(withSequence(bindTrx(), 1));
    await peer.takeCommand('bind_transceiver_resp');
    const session = await fixture.nextSession();
    const unexpected = new Promise<Pdu>((resolve) => session.once('unexpectedResponse', resolve));

    peer.send(withSequence(createPdu('deliver_sm_resp'), 777));

    expect((await unexpected).sequence_number).toBe(777);
    expect(session.counters.unexpectedResponses).toBe(1);
    peer.send(withSequence(createPdu('enquire_link'), 2));
    expect((await peer.takeCommand('enquire_link_resp')).command_status).toBe(ESME_ROK);
    expect(session.state).toBe('BOUND_TRX');
  });

  it('assigns sequence numbers up to 0x7FFFFFFF and wraps to 1', async () => {
    const handler = holdingHandler();
    const fixture = await smsc({}, handler);
    const { session: esme } = await esmeTo(fixture.port, { firstSequenceNumber: 0x7ffffffe });
    await esme.bind('transceiver', { system_id: 'x', password: 'y' });

    const responses = [esme.request(submitSm()), esme.request(submitSm())];
    const received = [await handler.next(), await handler.next()];
    for (const request of received) request.respond(ESME_ROK);

    expect(received.map((request) => request.pdu.sequence_number)).toEqual([0x7fffffff, 1]);
    expect((await Promise.all(responses)).map((response) => response.sequence_number)).toEqual([
      0x7fffffff, 1,
    ]);
  });

  it('coalesces PDUs queued in one tick into one socket write', async () => {
    const handler = holdingHandler();
    const { esme, socket } = await boundPair({}, {}, handler);
    const write = jest.spyOn(socket, 'write');

    const requests = [1, 2, 3, 4, 5].map((n) => esme.request(submitSm(`m${n}`)));
    for (let n = 0; n < 5; n++) (await handler.next()).respond(ESME_ROK);
    await Promise.all(requests);

    expect(write).toHaveBeenCalledTimes(1);
    const written = write.mock.calls[0][0] as Buffer;
    let offset = 0;
    let pdus = 0;
    while (offset < written.length) {
      offset += written.readUInt32BE(offset);
      pdus++;
    }
    expect(pdus).toBe(5);
    expect(offset).toBe(written.length);
  });

  it('holds the send queue while socket.write() pushes back, and pauses reading until drain', async () => {
    const handler = holdingHandler();
    const { esme, socket } = await boundPair({}, {}, handler);
    const realWrite = socket.write.bind(socket);
    const write = jest.spyOn(socket, 'write').mockImplementationOnce((data) => {
      realWrite(data);
      return false;
    });

    const first = esme.request(submitSm('first'));
    await handler.next();
    expect(write).toHaveBeenCalledTimes(1);
    expect(socket.isPaused()).toBe(true);
    expect(esme.windowAvailable).toBe(9);
    const waitingForWritable = esme.whenWritable();

    const second = esme.request(submitSm('second'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(write).toHaveBeenCalledTimes(1);

    socket.emit('drain');
    expect(write).toHaveBeenCalledTimes(2);
    expect(socket.isPaused()).toBe(false);
    await waitingForWritable;
    handler.held[0].respond(ESME_ROK);
    (await handler.next()).respond(ESME_ROK);
    await Promise.all([first, second]);
  });
});

describe('SmppSession windows', () => {
  it('queues requests beyond the window and sends them as responses free slots', async () => {
    const handler = holdingHandler();
    const outstandingAtArrival: number[] = [];
    const holding = handler.onRequest!.bind(handler);
    handler.onRequest = (request, session) => {
      outstandingAtArrival.push(session.occupancy.outstandingInbound);
      return holding(request, session);
    };
    const { esme } = await boundPair({}, { windowSize: 2 }, handler);

    const results = [1, 2, 3, 4, 5].map((n) => esme.request(submitSm(`m${n}`)));
    await handler.next();
    await handler.next();

    expect(esme.occupancy).toMatchObject({ outstandingRequests: 2, queuedRequests: 3 });
    expect(esme.windowAvailable).toBe(0);
    const writable = esme.whenWritable();
    for (let answered = 0; answered < 5; answered++) {
      handler.held[answered].respond(ESME_ROK);
      if (answered < 3) await handler.next();
    }

    expect((await Promise.all(results)).map((r) => r.command_status)).toEqual([0, 0, 0, 0, 0]);
    expect(outstandingAtArrival).toHaveLength(5);
    expect(Math.max(...outstandingAtArrival)).toBe(2);
    await expect(writable).resolves.toBeUndefined();
    expect(esme.occupancy).toMatchObject({ outstandingRequests: 0, queuedRequests: 0 });
  });

  it('rejects with SmppWindowQueueFullError when the queue is full too', async () => {
    const handler = holdingHandler();
    const { esme } = await boundPair({}, { windowSize: 1, maxQueuedRequests: 1 }, handler);

    const inWindow = esme.request(submitSm());
    const queued = esme.request(submitSm());
    await expect(esme.request(submitSm())).rejects.toBeInstanceOf(SmppWindowQueueFullError);

    (await handler.next()).respond(ESME_ROK);
    (await handler.next()).respond(ESME_ROK);
    await Promise.all([inWindow, queued]);
  });

  it.each([
    ['ESME_RTHROTTLED (default)', undefined, ESME_RTHROTTLED],
    ['ESME_RMSGQFUL (configured)', ESME_RMSGQFUL, ESME_RMSGQFUL],
  ])('answers requests beyond the inbound window with %s', async (_label, overflowStatus, expected) => {
    const handler = holdingHandler();
    const fixture = await smsc(
      overflowStatus === undefined
        ? { inboundWindowSize: 2 }
        : { inboundWindowSize: 2, inboundOverflowStatus: overflowStatus },
      handler,
    );
    const peer = await rawPeer(fixture.port);
    peer.send(withSequence(bindTrx(), 1));
    await peer.takeCommand('bind_transceiver_resp');

    peer.send(withSequence(submitSm(), 2), withSequence(submitSm(), 3), withSequence(submitSm(), 4));

    expect(await peer.takeCommand('submit_sm_resp')).toMatchObject({
      command_status: expected,
      sequence_number: 4,
    });
    expect(handler.held.map((request) => request.pdu.sequence_number)).toEqual([2, 3]);
    expect((await fixture.nextSession()).counters.inboundThrottled).toBe(1);

    handler.held[0].respond(ESME_ROK);
    peer.send(withSequence(submitSm(), 5));
    await handler.next();
    await handler.next();
    expect((await handler.next()).pdu.sequence_number).toBe(5);
  });
});

describe('SmppSession timers', () => {
  it('fails a request with SmppResponseTimeoutError and counts a late response as unexpected', async () => {
    const handler = holdingHandler();
    const { esme } = await boundPair({}, { responseTimeoutMs: 30 }, handler);

    const error = await esme.request(submitSm()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SmppResponseTimeoutError);
    expect(esme.occupancy).toMatchObject({ outstandingRequests: 0, pendingResponses: 0 });
    const late = new Promise((resolve) => esme.once('unexpectedResponse', resolve));
    (await handler.next()).respond(ESME_ROK);
    await late;
    expect(esme.counters).toMatchObject({ responseTimeouts: 1, unexpectedResponses: 1 });
  });

  it('sends enquire_link when idle, and closes when it goes unanswered', async () => {
    const { esme, smscPeer } = await esmeBoundToScriptedSmsc('transceiver', {
      enquireLinkIntervalMs: 20,
      responseTimeoutMs: 40,
    });

    const first = await smscPeer.takeCommand('enquire_link');
    smscPeer.send(withSequence(createPdu('enquire_link_resp'), first.sequence_number));
    await smscPeer.takeCommand('enquire_link');
    // This one is never answered.

    await expect(esme.whenClosed()).resolves.toBe('enquire_link_timeout');
    await smscPeer.closed;
  });

  it('closes a connection that does not bind within the session-init timer', async () => {
    const fixture = await smsc({ sessionInitTimeoutMs: 30 });
    const peer = await rawPeer(fixture.port);
    const session = await fixture.nextSession();

    await expect(session.whenClosed()).resolves.toBe('session_init_timeout');
    await peer.closed;
  });

  it('closes after the inactivity timer without a PDU from the peer', async () => {
    const fixture = await smsc({ inactivityTimeoutMs: 40, enquireLinkIntervalMs: 0 });
    const peer = await rawPeer(fixture.port);
    peer.send(withSequence(bindTrx(), 1));
    await peer.takeCommand('bind_transceiver_resp');
    const session = await fixture.nextSession();
    const unbound = new Promise<void>((resolve) => session.once('unbound', () => resolve()));

    await expect(session.whenClosed()).resolves.toBe('inactivity_timeout');
    await unbound;
    await peer.closed;
  });
});

describe('SmppSession close and unbind', () => {
  it('fails every pending and queued request on close and leaves nothing behind', async () => {
    const handler = holdingHandler();
    const { esme } = await boundPair({}, { windowSize: 2 }, handler);
    const requests = [1, 2, 3, 4].map(() => esme.request(submitSm()));
    const writable = esme.whenWritable();
    await handler.next();
    await handler.next();
    const closed = new Promise((resolve) => esme.once('closed', resolve));

    esme.close();

    const outcomes = await Promise.allSettled(requests);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof SmppSessionClosedError)).toBe(
      true,
    );
    await expect(writable).rejects.toBeInstanceOf(SmppSessionClosedError);
    await expect(closed).resolves.toBe('local');
    expect(esme.occupancy).toMatchObject({
      outstandingRequests: 0,
      pendingResponses: 0,
      queuedRequests: 0,
      outstandingInbound: 0,
    });
    await expect(esme.request(submitSm())).rejects.toBeInstanceOf(SmppSessionClosedError);
  });

  it('drains inbound requests before answering the peer unbind, refusing new work meanwhile', async () => {
    const handler = holdingHandler();
    const fixture = await smsc({}, handler);
    const peer = await rawPeer(fixture.port);
    peer.send(withSequence(bindTrx(), 1));
    await peer.takeCommand('bind_transceiver_resp');
    const session = await fixture.nextSession();
    const unbound = new Promise<void>((resolve) => session.once('unbound', () => resolve()));

    peer.send(withSequence(submitSm(), 2), withSequence(createPdu('unbind'), 3), withSequence(submitSm(), 4));
    const inFlight = await handler.next();
    await unbound;
    expect(await peer.takeCommand('submit_sm_resp')).toMatchObject({
      sequence_number: 4,
      command_status: ESME_RINVBNDSTS,
    });
    expect(peer.pending.some((pdu) => pdu.command === 'unbind_resp')).toBe(false);
    inFlight.respond(ESME_ROK);

    const order = [await peer.take(), await peer.take()].map(
      (pdu) => `${pdu.command}:${pdu.sequence_number}`,
    );
    expect(order).toEqual(['submit_sm_resp:2', 'unbind_resp:3']);
    await expect(session.whenClosed()).resolves.toBe('unbind');
    await peer.closed;
  });

  it('waits for its own in-flight requests before sending unbind, then closes on unbind_resp', async () => {
    const { esme, smscPeer } = await esmeBoundToScriptedSmsc();
    const submit = esme.request(submitSm());
    const sent = await smscPeer.takeCommand('submit_sm');

    const unbinding = esme.unbind();
    await expect(esme.request(submitSm())).rejects.toBeInstanceOf(SmppSessionStateError);
    // A round trip through the ESME: had it sent unbind already, it would arrive before this answer.
    smscPeer.send(withSequence(createPdu('enquire_link'), 50));
    expect((await smscPeer.takeCommand('enquire_link_resp')).command_status).toBe(ESME_ROK);
    expect(smscPeer.pending.some((pdu) => pdu.command === 'unbind')).toBe(false);

    smscPeer.send(withSequence(createPdu('submit_sm_resp', { message_id: 'm1' }), sent.sequence_number));
    expect((await submit).message_id).toBe('m1');
    const unbind = await smscPeer.takeCommand('unbind');
    smscPeer.send(withSequence(createPdu('unbind_resp'), unbind.sequence_number));

    await unbinding;
    expect(esme.closeReason).toBe('unbind');
  });

  it('closes with unbind_timeout when the peer never answers our unbind', async () => {
    const { esme, smscPeer } = await esmeBoundToScriptedSmsc('transceiver', { responseTimeoutMs: 30 });

    const unbinding = esme.unbind();
    await smscPeer.takeCommand('unbind');
    await unbinding;

    expect(esme.closeReason).toBe('unbind_timeout');
  });

  it('answers the peer unbind after unbindTimeoutMs when the application never answers', async () => {
    const handler = holdingHandler();
    const fixture = await smsc({ unbindTimeoutMs: 30 }, handler);
    const peer = await rawPeer(fixture.port);
    peer.send(withSequence(bindTrx(), 1));
    await peer.takeCommand('bind_transceiver_resp');

    peer.send(withSequence(submitSm(), 2), withSequence(createPdu('unbind'), 3));
    const neverAnswered = await handler.next();

    expect(await peer.takeCommand('unbind_resp')).toMatchObject({
      command_status: ESME_ROK,
      sequence_number: 3,
    });
    await peer.closed;
    expect(neverAnswered.respond(ESME_ROK)).toBe(false);
  });

  it('unbinds two SmppSessions end to end', async () => {
    const { esme, server } = await boundPair();
    await esme.unbind();
    expect(esme.closeReason).toBe('unbind');
    await expect(server.whenClosed()).resolves.toBe('unbind');
  });
});

describe('SmppSession bad input', () => {
  it('answers an unknown command_id with generic_nack ESME_RINVCMDID and carries on', async () => {
    const fixture = await smsc();
    const peer = await rawPeer(fixture.port);
    const unknown = Buffer.alloc(16);
    unknown.writeUInt32BE(16, 0);
    unknown.writeUInt32BE(0x00000099, 4);
    unknown.writeUInt32BE(0, 8);
    unknown.writeUInt32BE(42, 12);

    peer.sendRaw(unknown);

    expect(await peer.takeCommand('generic_nack')).toMatchObject({
      command_status: CommandStatus.ESME_RINVCMDID,
      sequence_number: 42,
    });
    peer.send(withSequence(bindTrx(), 43));
    expect((await peer.takeCommand('bind_transceiver_resp')).command_status).toBe(ESME_ROK);
  });

  it('answers a known request with a bad body with <command>_resp and the decoder status', async () => {
    const fixture = await smsc();
    const peer = await rawPeer(fixture.port);
    peer.send(withSequence(bindTrx(), 1));
    await peer.takeCommand('bind_transceiver_resp');
    const body = Buffer.from('no terminators at all');
    const header = Buffer.alloc(16);
    header.writeUInt32BE(16 + body.length, 0);
    header.writeUInt32BE(0x00000004, 4);
    header.writeUInt32BE(0, 8);
    header.writeUInt32BE(9, 12);

    peer.sendRaw(Buffer.concat([header, body]));

    const response = await peer.take((pdu) => pdu.sequence_number === 9);
    expect(response.command).toBe('submit_sm_resp');
    expect(response.command_status).not.toBe(ESME_ROK);
    expect((await fixture.nextSession()).state).toBe('BOUND_TRX');
  });

  it('closes on bytes that cannot be framed', async () => {
    const fixture = await smsc();
    const peer = await rawPeer(fixture.port);
    const session = await fixture.nextSession();

    peer.sendRaw(Buffer.from('GET / HTTP/1.1\r\nHost: smpp.example\r\n\r\n'));

    await expect(session.whenClosed()).resolves.toBe('framing_error');
    await peer.closed;
  });
});

describe('SmppSession lifecycle of the socket', () => {
  it('closes with peer_closed when the peer goes away, failing what is pending', async () => {
    const handler = holdingHandler();
    const { esme, fixture } = await boundPair({}, {}, handler);
    const request = esme.request(submitSm());
    await handler.next();

    await fixture.close();

    await expect(request).rejects.toBeInstanceOf(SmppSessionClosedError);
    await expect(esme.whenClosed()).resolves.toBe('peer_closed');
  });
});
