import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandStatus } from '../tables';
import { SmppBindRejectedError, SmppConfigError, type SmppSessionHandler } from '../session';
import { SmscFixture, acceptEveryBind, closedPort, listen } from '../session/testing/socket-harness';
import {
  SmppClient,
  SmppClientStoppedError,
  SmppConnectTimeoutError,
  type ReconnectClock,
  type SmppClientOptions,
  type SmppHost,
} from './smpp-client';

interface ManualTimer {
  delayMs: number;
  cancelled: boolean;
  fire(): void;
}

/** A reconnect clock that only moves when the test fires a timer. */
class ManualClock implements ReconnectClock {
  readonly timers: ManualTimer[] = [];
  private taken = 0;
  private waiter: (() => void) | undefined;

  setTimeout(callback: () => void, delayMs: number): unknown {
    const timer: ManualTimer = {
      delayMs,
      cancelled: false,
      fire: () => {
        if (!timer.cancelled) callback();
      },
    };
    this.timers.push(timer);
    this.waiter?.();
    return timer;
  }

  clearTimeout(handle: unknown): void {
    (handle as ManualTimer).cancelled = true;
  }

  /** The next timer scheduled after the ones already taken. */
  async next(): Promise<ManualTimer> {
    while (this.timers.length <= this.taken) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.timers[this.taken++];
  }

  get activeTimers(): number {
    return this.timers.slice(this.taken).filter((timer) => !timer.cancelled).length;
  }
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function smsc(handler: SmppSessionHandler = acceptEveryBind, port = 0, tlsOptions?: object) {
  const fixture = await SmscFixture.start({ allowLongPassword: true }, handler, port, tlsOptions);
  cleanups.push(() => fixture.close());
  return fixture;
}

function local(port: number, tls?: SmppHost['tls']): SmppHost {
  return tls === undefined ? { host: '127.0.0.1', port } : { host: '127.0.0.1', port, tls };
}

function client(hosts: SmppHost[], overrides: Partial<SmppClientOptions> = {}) {
  const clock = new ManualClock();
  const instance = new SmppClient({
    hosts,
    bindType: 'transceiver',
    systemId: 'acme',
    password: 'secret',
    reconnect: { jitter: 0 },
    clock,
    ...overrides,
  });
  cleanups.push(() => instance.stop());
  return { client: instance, clock };
}

describe('SmppClient reconnects', () => {
  it('backs off 1, 2, 4 … 60, 60 s and rotates through the hosts on each failed attempt', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const { client: c, clock } = client([local(a), local(b)]);
    const failedPorts: number[] = [];
    c.on('attemptFailed', (_error, host) => failedPorts.push(host.port));

    c.start();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const timer = await clock.next();
      delays.push(timer.delayMs);
      if (attempt < 7) timer.fire();
    }

    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(failedPorts).toEqual([a, b, a, b, a, b, a, b]);
    expect(c.state).toBe('waiting');
  });

  it('fails over to the next host and binds there', async () => {
    const dead = await closedPort();
    const live = await smsc();
    const { client: c, clock } = client([local(dead), local(live.port)]);

    c.start();
    (await clock.next()).fire();
    await c.whenBound();

    expect(c.currentHost.port).toBe(live.port);
    expect(c.session?.state).toBe('BOUND_TRX');
  });

  it('reconnects after the server restarts, and resets the backoff after a successful bind', async () => {
    const first = await SmscFixture.start();
    cleanups.push(() => first.close());
    const port = first.port;
    const { client: c, clock } = client([local(port)]);
    const reasons: string[] = [];
    c.on('disconnected', (reason) => reasons.push(reason));
    c.start();
    const firstSession = await c.whenBound();

    await first.close();
    const whileDown = await clock.next();
    expect(whileDown.delayMs).toBe(1_000);
    expect(reasons).toEqual(['peer_closed']);
    expect(firstSession.state).toBe('CLOSED');
    whileDown.fire();
    const afterRefused = await clock.next();
    expect(afterRefused.delayMs).toBe(2_000);

    const second = await smsc(acceptEveryBind, port);
    afterRefused.fire();
    const secondSession = await c.whenBound();
    expect(secondSession).not.toBe(firstSession);

    (await second.nextSession()).close();
    const afterLoss = await clock.next();
    expect(afterLoss.delayMs).toBe(1_000);
    afterLoss.fire();
    await c.whenBound();
    expect(c.state).toBe('bound');
  });

  it('stops reconnecting on a credentials error and says so', async () => {
    const fixture = await smsc({
      onBind: () => ({ command_status: CommandStatus.ESME_RINVPASWD, system_id: '' }),
    });
    const { client: c, clock } = client([local(fixture.port)]);
    const rejected = new Promise<SmppBindRejectedError>((resolve) => c.once('credentialsRejected', resolve));

    c.start();

    await expect(c.whenBound()).rejects.toBeInstanceOf(SmppClientStoppedError);
    expect((await rejected).command_status).toBe(CommandStatus.ESME_RINVPASWD);
    expect(c.state).toBe('stopped');
    expect(clock.timers).toHaveLength(0);
  });

  it('keeps reconnecting after a credentials error when configured to', async () => {
    const fixture = await smsc({
      onBind: () => ({ command_status: CommandStatus.ESME_RINVSYSID, system_id: '' }),
    });
    const { client: c, clock } = client([local(fixture.port)], { stopOnCredentialError: false });

    c.start();

    expect((await clock.next()).delayMs).toBe(1_000);
    expect(c.state).toBe('waiting');
  });

  it('treats other bind refusals as failed attempts', async () => {
    const fixture = await smsc({
      onBind: () => ({ command_status: CommandStatus.ESME_RBINDFAIL, system_id: '' }),
    });
    const { client: c, clock } = client([local(fixture.port)]);
    const errors: Error[] = [];
    c.on('attemptFailed', (error) => errors.push(error));

    c.start();
    await clock.next();

    expect(errors).toHaveLength(1);
    expect((errors[0] as SmppBindRejectedError).command_status).toBe(CommandStatus.ESME_RBINDFAIL);
  });

  it('fails an attempt whose connection setup does not finish in time', async () => {
    // A plain TCP listener that never speaks TLS: the handshake never completes.
    const silent = await listen(() => undefined);
    cleanups.push(() => silent.close());
    const { client: c, clock } = client([local(silent.port, {})], { connectTimeoutMs: 50 });
    const failed = new Promise<Error>((resolve) => c.once('attemptFailed', resolve));

    c.start();

    expect(await failed).toBeInstanceOf(SmppConnectTimeoutError);
    await clock.next();
  });
});

describe('SmppClient binding and stopping', () => {
  it('binds with interface_version 0x34 and the configured identity', async () => {
    const seen: object[] = [];
    const fixture = await smsc({
      onBind: ({ pdu }) => {
        seen.push({
          command: pdu.command,
          system_id: pdu.system_id,
          password: pdu.password,
          system_type: pdu.system_type,
          interface_version: pdu.interface_version,
        });
        return { command_status: CommandStatus.ESME_ROK, system_id: 'S' };
      },
    });
    const { client: c } = client([local(fixture.port)], { bindType: 'receiver', systemType: 'HLR' });

    c.start();
    await c.whenBound();

    expect(seen).toEqual([
      {
        command: 'bind_receiver',
        system_id: 'acme',
        password: 'secret',
        system_type: 'HLR',
        interface_version: 0x34,
      },
    ]);
    expect(c.session?.state).toBe('BOUND_RX');
  });

  it('sends a long password untruncated when allowed (Infobip TV-23), and refuses it otherwise', async () => {
    const passwords: string[] = [];
    const fixture = await smsc({
      onBind: ({ pdu }) => {
        passwords.push(pdu.password);
        return { command_status: CommandStatus.ESME_ROK, system_id: 'S' };
      },
    });
    expect(() => client([local(fixture.port)], { password: 'Abcdefgh1234' })).toThrow(SmppConfigError);

    const { client: c } = client([local(fixture.port)], {
      password: 'Abcdefgh1234',
      allowLongPassword: true,
    });
    c.start();
    await c.whenBound();

    expect(passwords).toEqual(['Abcdefgh1234']);
  });

  it('stop() unbinds gracefully and does not reconnect', async () => {
    const fixture = await smsc();
    const { client: c, clock } = client([local(fixture.port)]);
    c.start();
    await c.whenBound();
    const server = await fixture.nextSession();

    await c.stop();

    await expect(server.whenClosed()).resolves.toBe('unbind');
    expect(c.state).toBe('stopped');
    expect(c.session).toBeUndefined();
    expect(clock.activeTimers).toBe(0);
  });

  it('stop() while waiting to reconnect cancels the timer', async () => {
    const { client: c, clock } = client([local(await closedPort())]);
    c.start();
    await clock.next();

    await c.stop();

    expect(clock.activeTimers).toBe(0);
    expect(c.state).toBe('stopped');
  });

  it('rejects an empty host list', () => {
    expect(() => client([])).toThrow(SmppConfigError);
  });
});

describe('SmppClient over TLS', () => {
  let dir: string;
  let key: Buffer;
  let cert: Buffer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'smpp-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(dir, 'key.pem'));
    cert = readFileSync(join(dir, 'cert.pem'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects a self-signed certificate by default', async () => {
    const fixture = await smsc(acceptEveryBind, 0, { key, cert });
    const { client: c, clock } = client([local(fixture.port, {})]);
    const failed = new Promise<Error>((resolve) => c.once('attemptFailed', resolve));

    c.start();

    expect((await failed) as NodeJS.ErrnoException).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    await clock.next();
    expect(c.session).toBeUndefined();
  });

  it('binds when verification is turned off for the connection', async () => {
    const fixture = await smsc(acceptEveryBind, 0, { key, cert });
    const { client: c } = client([local(fixture.port, { rejectUnauthorized: false })]);

    c.start();

    expect((await c.whenBound()).state).toBe('BOUND_TRX');
  });

  it('binds with verification on when the CA is given', async () => {
    const fixture = await smsc(acceptEveryBind, 0, { key, cert });
    const { client: c } = client([local(fixture.port, { ca: cert })]);

    c.start();

    const session = await c.whenBound();
    const response = await session.request({
      command: 'enquire_link',
      command_id: 0x15,
      command_status: 0,
      sequence_number: 0,
      tlvs: [],
    });
    expect(response.command_status).toBe(CommandStatus.ESME_ROK);
  });
});
