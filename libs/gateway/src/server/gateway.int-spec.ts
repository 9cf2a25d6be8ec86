import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { CommandStatus, DlrMessageState } from '@app/smpp';
import { GatewayStatus } from '../accept/gateway-status';
import type { Gateway } from './gateway';
import {
  createTestTenant,
  PRICE_PER_SEGMENT,
  startTestGateway,
  testSettings,
} from './testing/gateway-harness';
import { TenantClient, type NodeSmppPdu } from './testing/node-smpp-client';

let db: TestDatabase;

// The gateway logs binds and refusals; keep test output to the results.
Logger.overrideLogger(false);
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
});
afterAll(async () => {
  await db.drop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gatewayWith(settings = testSettings()): Promise<Gateway> {
  const gateway = await startTestGateway(db.dataSource, settings);
  cleanups.push(() => gateway.stop());
  return gateway;
}

async function client(gateway: Gateway): Promise<TenantClient> {
  const c = await TenantClient.connect(gateway.server.ports.plain!);
  cleanups.push(() => c.close());
  return c;
}

async function boundClient(
  gateway: Gateway,
  systemId: string,
  type: 'transmitter' | 'receiver' | 'transceiver' = 'transceiver',
): Promise<TenantClient> {
  const c = await client(gateway);
  const resp = await c.bind(type, systemId);
  expect(resp.command_status).toBe(CommandStatus.ESME_ROK);
  return c;
}

function rawConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

function whenClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.on('close', () => resolve());
  });
}

/** Answers the server's unbind like a well-behaved ESME, so that stopping the gateway is graceful and quick. */
function answerUnbind(c: TenantClient): void {
  c.raw.on('unbind', (pdu: NodeSmppPdu) => c.raw.send(pdu.response()));
}

let seq = 0;
function uniqueId(prefix: string): string {
  seq++;
  return `${prefix}${seq}`.slice(0, 15);
}

describe('SMPP gateway over real sockets and Postgres', () => {
  describe('binds', () => {
    it('binds with the right password and answers unknown system_id and wrong password alike', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('bind');
      await createTestTenant(db.dataSource, { systemId });

      const good = await client(gateway);
      expect((await good.bind('transceiver', systemId)).command_status).toBe(CommandStatus.ESME_ROK);

      const wrong = await client(gateway);
      const unknown = await client(gateway);
      const wrongResp = await wrong.bind('transmitter', systemId, 'nope');
      const unknownResp = await unknown.bind('transmitter', 'nosuchid', 'secret');
      expect(wrongResp.command_status).toBe(CommandStatus.ESME_RINVPASWD);
      expect(unknownResp.command_status).toBe(CommandStatus.ESME_RINVPASWD);
    });

    it('refuses a second bind on a bound session with ESME_RALYBND', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('twice');
      await createTestTenant(db.dataSource, { systemId });
      const c = await boundClient(gateway, systemId, 'transmitter');
      expect((await c.bind('transmitter', systemId)).command_status).toBe(CommandStatus.ESME_RALYBND);
    });

    it('refuses IP not allowed, bind type not allowed and too many binds with ESME_RBINDFAIL', async () => {
      const gateway = await gatewayWith();
      const ipLocked = uniqueId('ip');
      const rxOnly = uniqueId('rx');
      const single = uniqueId('one');
      const v6 = uniqueId('v6');
      await createTestTenant(db.dataSource, { systemId: ipLocked, allowedIps: ['10.0.0.0/8'] });
      await createTestTenant(db.dataSource, { systemId: rxOnly, allowedBindTypes: ['receiver'] });
      await createTestTenant(db.dataSource, { systemId: single, maxBinds: 1 });
      await createTestTenant(db.dataSource, { systemId: v6, allowedIps: ['::1/128', '127.0.0.0/8'] });

      expect((await (await client(gateway)).bind('transceiver', ipLocked)).command_status).toBe(
        CommandStatus.ESME_RBINDFAIL,
      );
      expect((await (await client(gateway)).bind('transceiver', v6)).command_status).toBe(
        CommandStatus.ESME_ROK,
      );
      expect((await (await client(gateway)).bind('transmitter', rxOnly)).command_status).toBe(
        CommandStatus.ESME_RBINDFAIL,
      );
      expect((await (await client(gateway)).bind('receiver', rxOnly)).command_status).toBe(
        CommandStatus.ESME_ROK,
      );

      const first = await boundClient(gateway, single);
      expect((await (await client(gateway)).bind('transceiver', single)).command_status).toBe(
        CommandStatus.ESME_RBINDFAIL,
      );
      // The slot comes back when the first bind goes away.
      await first.request('unbind');
      await first.closed;
      expect((await (await client(gateway)).bind('transceiver', single)).command_status).toBe(
        CommandStatus.ESME_ROK,
      );
    });

    it('locks out an (IP, system_id) after repeated failures, even for the right password', async () => {
      const gateway = await gatewayWith(testSettings({ lockoutFailures: 3, lockoutMs: 600_000 }));
      const systemId = uniqueId('lock');
      const other = uniqueId('other');
      await createTestTenant(db.dataSource, { systemId });
      await createTestTenant(db.dataSource, { systemId: other });
      for (let attempt = 0; attempt < 3; attempt++) {
        expect((await (await client(gateway)).bind('transmitter', systemId, 'bad')).command_status).toBe(
          CommandStatus.ESME_RINVPASWD,
        );
      }
      expect((await (await client(gateway)).bind('transmitter', systemId)).command_status).toBe(
        CommandStatus.ESME_RINVPASWD,
      );
      // Another system_id from the same IP is not affected.
      expect((await (await client(gateway)).bind('transmitter', other)).command_status).toBe(
        CommandStatus.ESME_ROK,
      );
    });

    it('counts max_binds and failed binds over every server instance sharing the database', async () => {
      const a = await gatewayWith(testSettings({ lockoutFailures: 3, lockoutMs: 600_000 }));
      const b = await gatewayWith(testSettings({ lockoutFailures: 3, lockoutMs: 600_000 }));
      const pair = uniqueId('pair');
      const guarded = uniqueId('guard');
      await createTestTenant(db.dataSource, { systemId: pair, maxBinds: 2 });
      await createTestTenant(db.dataSource, { systemId: guarded });

      const onA = await boundClient(a, pair);
      await boundClient(b, pair);
      // Two binds in use, one on each instance: a third is refused on either.
      expect((await (await client(a)).bind('transceiver', pair)).command_status).toBe(
        CommandStatus.ESME_RBINDFAIL,
      );
      expect((await (await client(b)).bind('transceiver', pair)).command_status).toBe(
        CommandStatus.ESME_RBINDFAIL,
      );
      await onA.request('unbind');
      await onA.closed;
      expect((await (await client(b)).bind('transceiver', pair)).command_status).toBe(CommandStatus.ESME_ROK);

      // Failures on A and on B add up to one lockout, seen by both.
      expect((await (await client(a)).bind('transmitter', guarded, 'bad')).command_status).toBe(
        CommandStatus.ESME_RINVPASWD,
      );
      expect((await (await client(b)).bind('transmitter', guarded, 'bad')).command_status).toBe(
        CommandStatus.ESME_RINVPASWD,
      );
      expect((await (await client(a)).bind('transmitter', guarded, 'bad')).command_status).toBe(
        CommandStatus.ESME_RINVPASWD,
      );
      expect((await (await client(b)).bind('transmitter', guarded)).command_status).toBe(
        CommandStatus.ESME_RINVPASWD,
      );
      expect((await (await client(a)).bind('transmitter', guarded)).command_status).toBe(
        CommandStatus.ESME_RINVPASWD,
      );
      // When the lockout ends, the right password binds again.
      await db.dataSource.query(`UPDATE bind_failures SET locked_until = now() - interval '1 second'`);
      expect((await (await client(b)).bind('transmitter', guarded)).command_status).toBe(
        CommandStatus.ESME_ROK,
      );
    }, 30_000);

    it("stops counting a dead instance's binds when their lease lapses, and frees a stopped instance's at once", async () => {
      const a = await startTestGateway(db.dataSource, testSettings());
      const b = await startTestGateway(db.dataSource, testSettings());
      const systemId = uniqueId('lease');
      await createTestTenant(db.dataSource, { systemId, maxBinds: 1 });
      const live = async () =>
        (
          await db.dataSource.query<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM bind_sessions s JOIN tenant_credentials c ON c.id = s.credential_id
             WHERE c.system_id = $1 AND s.expires_at > now()`,
            [systemId],
          )
        )[0].n;
      try {
        answerUnbind(await boundClient(a, systemId));
        expect((await (await client(b)).bind('transceiver', systemId)).command_status).toBe(
          CommandStatus.ESME_RBINDFAIL,
        );
        // A crashed instance renews nothing: its rows lapse (simulated by ageing them).
        await db.dataSource.query(
          `UPDATE bind_sessions SET expires_at = now() - interval '1 second' WHERE instance_id = $1`,
          [a.authenticator.cluster.instanceId],
        );
        answerUnbind(await boundClient(b, systemId));
        expect(await live()).toBe(1);
        // A graceful stop gives its slots back at once.
        await b.stop();
        expect(await live()).toBe(0);
        const c = await gatewayWith();
        await boundClient(c, systemId);
        expect(await live()).toBe(1);
      } finally {
        await b.stop();
        await a.stop();
      }
    }, 30_000);

    it('accepts a password longer than 8 characters only when the credential allows it', async () => {
      const gateway = await gatewayWith();
      const strict = uniqueId('strict');
      const relaxed = uniqueId('long');
      await createTestTenant(db.dataSource, {
        systemId: relaxed,
        password: 'a-long-password',
        allowLongPassword: true,
      });
      await createTestTenant(db.dataSource, { systemId: strict, password: 'shortpw' });
      expect(
        (await (await client(gateway)).bind('transmitter', relaxed, 'a-long-password')).command_status,
      ).toBe(CommandStatus.ESME_ROK);
      expect(
        (await (await client(gateway)).bind('transmitter', strict, 'shortpw-and-more')).command_status,
      ).toBe(CommandStatus.ESME_RINVPASWD);
    });

    it('closes a connection that does not bind within the session-init timer', async () => {
      const gateway = await gatewayWith(testSettings({ server: { sessionInitTimeoutMs: 150 } }));
      const socket = await rawConnection(gateway.server.ports.plain!);
      await whenClosed(socket);
      expect(socket.destroyed).toBe(true);
    });

    it('limits unbound connections per IP', async () => {
      const gateway = await gatewayWith(testSettings({ server: { maxUnboundPerIp: 2 } }));
      const port = gateway.server.ports.plain!;
      const held = [await rawConnection(port), await rawConnection(port)];
      cleanups.push(() => Promise.resolve(held.forEach((socket) => socket.destroy())));
      const third = await rawConnection(port);
      await whenClosed(third);
      expect(third.destroyed).toBe(true);
      expect(held.every((socket) => !socket.destroyed)).toBe(true);
    });
  });

  describe('listeners and timers', () => {
    it('serves binds and submits over TLS with a certificate from the configuration', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
      cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const gateway = await gatewayWith(
        testSettings({
          server: {
            tls: {
              port: 0,
              cert: readFileSync(join(dir, 'cert.pem')),
              key: readFileSync(join(dir, 'key.pem')),
            },
          },
        }),
      );
      const systemId = uniqueId('tls');
      await createTestTenant(db.dataSource, { systemId });
      const secure = await TenantClient.connect(gateway.server.ports.tls!, { tls: true });
      cleanups.push(() => secure.close());
      expect((await secure.bind('transceiver', systemId)).command_status).toBe(CommandStatus.ESME_ROK);
      const resp = await secure.submit({});
      expect(resp.command_status).toBe(CommandStatus.ESME_ROK);
      expect(resp.message_id).toMatch(/^[0-9a-f]{24}$/);
    });

    it('sends enquire_link to an idle tenant and closes a silent one after the inactivity timer', async () => {
      const gateway = await gatewayWith(
        testSettings({ server: { enquireLinkIntervalMs: 100, inactivityTimeoutMs: 400 } }),
      );
      const systemId = uniqueId('idle');
      await createTestTenant(db.dataSource, { systemId });
      const answering = await boundClient(gateway, systemId);
      const enquired = new Promise<NodeSmppPdu>((resolve) => answering.raw.on('enquire_link', resolve));
      expect((await enquired).command).toBe('enquire_link');

      // A client that answers nothing and sends nothing is cut off.
      const silent = await client(gateway);
      (silent.raw as unknown as { removeAllListeners(event: string): void }).removeAllListeners(
        'enquire_link',
      );
      expect((await silent.bind('transmitter', systemId)).command_status).toBe(CommandStatus.ESME_ROK);
      await silent.closed;
      expect(silent.hasClosed).toBe(true);
    });
  });

  describe('submit_sm', () => {
    it('accepts durably: message row, reservation and outbox row written before submit_sm_resp', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('sub');
      const tenant = await createTestTenant(db.dataSource, { systemId });
      const c = await boundClient(gateway, systemId, 'transmitter');
      const resp = await c.submit({ registered_delivery: 1, priority_flag: 2, user_message_reference: 77 });
      expect(resp.command_status).toBe(CommandStatus.ESME_ROK);
      expect(resp.message_id).toMatch(/^[0-9a-f]{24}$/);

      const [message] = await db.dataSource.query<Record<string, unknown>[]>(
        `SELECT m.*, r.amount, r.status AS reservation_status FROM messages m JOIN reservations r ON r.id = m.reservation_id
         WHERE m.id = $1`,
        [resp.message_id],
      );
      expect(message).toMatchObject({
        tenant_id: tenant.tenantId,
        system_id: systemId,
        group_id: resp.message_id,
        status: 'accepted',
        destination_addr: '447700900001',
        registered_delivery: 1,
        priority_flag: 2,
        user_message_reference: 77,
        dlr_text: 'hello',
        segments: 1,
        amount: PRICE_PER_SEGMENT.toString(),
        reservation_status: 'pending',
      });
      const outbox = await db.dataSource.query<{ topic: string }[]>(
        `SELECT topic FROM outbox WHERE message_id = $1`,
        [resp.message_id],
      );
      expect(outbox).toEqual([{ topic: 'send.prov-test' }]);
    });

    it('answers each validation failure with its status', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('val');
      await createTestTenant(db.dataSource, {
        systemId,
        allowedSources: ['ACME*'],
        allowedDestinationPrefixes: ['44', '99'],
      });
      const c = await boundClient(gateway, systemId, 'transmitter');
      const cases: [Record<string, unknown>, number][] = [
        [{ source_addr: 'EVIL' }, CommandStatus.ESME_RINVSRCADR],
        [{ destination_addr: '' }, CommandStatus.ESME_RINVDSTADR],
        [{ destination_addr: '44abc' }, CommandStatus.ESME_RINVDSTADR],
        [{ destination_addr: '4477009000011234' }, CommandStatus.ESME_RINVDSTADR],
        [{ destination_addr: '3312345678' }, CommandStatus.ESME_RINVDSTADR],
        [{ destination_addr: '991234567' }, GatewayStatus.NO_ROUTE],
        [{ short_message: 'x', message_payload: 'y' }, CommandStatus.ESME_RINVMSGLEN],
        [{ short_message: Buffer.from([0x00, 0xd8]), data_coding: 8 }, CommandStatus.ESME_ROK],
        [{ short_message: Buffer.from([0x00, 0xd8, 0x00]), data_coding: 8 }, CommandStatus.ESME_RINVMSGLEN],
        [{ short_message: '' }, CommandStatus.ESME_RINVMSGLEN],
        [{ priority_flag: 7 }, CommandStatus.ESME_RINVPRTFLG],
        [{ registered_delivery: 3 }, CommandStatus.ESME_RINVREGDLVFLG],
        [{ schedule_delivery_time: '2601011200000000' }, CommandStatus.ESME_RINVSCHED],
        [{ validity_period: '000000000000000R' }, CommandStatus.ESME_RINVEXPIRY],
        [{ esm_class: 0x04 }, CommandStatus.ESME_RINVESMCLASS],
        [{ data_coding: 0x0b }, CommandStatus.ESME_RSUBMITFAIL],
      ];
      for (const [fields, status] of cases) {
        const resp = await c.submit(fields);
        expect({ fields, status: resp.command_status }).toEqual({ fields, status });
      }
    });

    it('refuses submits on a receiver bind, and deliver_sm, replace_sm and submit_multi from a tenant', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('rcv');
      await createTestTenant(db.dataSource, { systemId });
      const receiver = await boundClient(gateway, systemId, 'receiver');
      expect((await receiver.submit({})).command_status).toBe(CommandStatus.ESME_RINVBNDSTS);
      const tx = await boundClient(gateway, systemId, 'transmitter');
      expect(
        (await tx.request('deliver_sm', { destination_addr: '1', short_message: 'x' })).command_status,
      ).toBe(CommandStatus.ESME_RINVBNDSTS);
      expect((await tx.request('replace_sm', { message_id: 'abc', short_message: 'x' })).command_status).toBe(
        CommandStatus.ESME_RINVCMDID,
      );
      expect(
        (
          await tx.request('submit_multi', {
            dest_address: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900001' }],
            short_message: 'x',
          })
        ).command_status,
      ).toBe(CommandStatus.ESME_RINVCMDID);
      const before = await (await client(gateway)).submit({});
      expect(before.command_status).toBe(CommandStatus.ESME_RINVBNDSTS);
    });

    it('accepts data_sm with message_payload like submit_sm', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('data');
      await createTestTenant(db.dataSource, { systemId });
      const c = await boundClient(gateway, systemId, 'transmitter');
      const resp = await c.request('data_sm', {
        source_addr: 'ACME',
        destination_addr: '447700900009',
        message_payload: 'data sm text',
      });
      expect(resp.command_status).toBe(CommandStatus.ESME_ROK);
      const [row] = await db.dataSource.query<{ dlr_text: string; segments: number }[]>(
        `SELECT dlr_text, segments FROM messages WHERE id = $1`,
        [resp.message_id],
      );
      expect(row).toEqual({ dlr_text: 'data sm text', segments: 1 });
    });

    it('answers no credit when the account cannot pay', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('poor');
      await createTestTenant(db.dataSource, { systemId }, PRICE_PER_SEGMENT);
      const c = await boundClient(gateway, systemId, 'transmitter');
      expect((await c.submit({})).command_status).toBe(CommandStatus.ESME_ROK);
      expect((await c.submit({})).command_status).toBe(GatewayStatus.NO_CREDIT);
    });

    it('throttles a credential over its TPS limit across its binds', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('tps');
      await createTestTenant(db.dataSource, { systemId, tpsLimit: 3 });
      const a = await boundClient(gateway, systemId, 'transmitter');
      const b = await boundClient(gateway, systemId, 'transmitter');
      const results = await Promise.all([a, b, a, b, a, b, a, b].map((c) => c.submit({})));
      const statuses = results.map((r) => r.command_status);
      expect(statuses.filter((s) => s === CommandStatus.ESME_ROK).length).toBeGreaterThanOrEqual(3);
      expect(statuses.filter((s) => s === CommandStatus.ESME_RTHROTTLED).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === CommandStatus.ESME_ROK || s === CommandStatus.ESME_RTHROTTLED)).toBe(
        true,
      );
    });

    it('refuses submits beyond the session window with ESME_RTHROTTLED', async () => {
      const gateway = await gatewayWith(
        testSettings({
          server: { inboundWindow: 1 },
          accept: { groupCommitWindowMs: 300, groupCommitMaxBatch: 100 },
        }),
      );
      const systemId = uniqueId('win');
      await createTestTenant(db.dataSource, { systemId });
      const c = await boundClient(gateway, systemId, 'transmitter');
      const [first, second] = await Promise.all([c.submit({}), c.submit({})]);
      expect(first.command_status).toBe(CommandStatus.ESME_ROK);
      expect(second.command_status).toBe(CommandStatus.ESME_RTHROTTLED);
    });

    it('group-commits many concurrent submits into correct rows, reservations and balance', async () => {
      const gateway = await gatewayWith(
        testSettings({
          server: { inboundWindow: 200 },
          accept: { groupCommitWindowMs: 5, groupCommitMaxBatch: 64 },
        }),
      );
      const systemId = uniqueId('group');
      const tenant = await createTestTenant(db.dataSource, { systemId, tpsLimit: 100_000 });
      const binds = [
        await boundClient(gateway, systemId, 'transmitter'),
        await boundClient(gateway, systemId, 'transmitter'),
      ];
      const count = 300;
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          binds[i % 2].submit({ destination_addr: `4477009${String(i).padStart(5, '0')}` }),
        ),
      );
      expect(results.every((r) => r.command_status === CommandStatus.ESME_ROK)).toBe(true);
      const ids = new Set(results.map((r) => r.message_id));
      expect(ids.size).toBe(count);
      const [totals] = await db.dataSource.query<
        { messages: string; reservations: string; outbox: string }[]
      >(
        `SELECT (SELECT count(*) FROM messages WHERE tenant_id = $1) AS messages,
                (SELECT count(*) FROM reservations r JOIN accounts a ON a.id = r.account_id WHERE a.tenant_id = $1) AS reservations,
                (SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.tenant_id = $1) AS outbox`,
        [tenant.tenantId],
      );
      expect(totals).toEqual({ messages: String(count), reservations: String(count), outbox: String(count) });
      const [account] = await db.dataSource.query<{ reserved: string }[]>(
        `SELECT reserved FROM accounts WHERE tenant_id = $1`,
        [tenant.tenantId],
      );
      expect(BigInt(account.reserved)).toBe(PRICE_PER_SEGMENT * BigInt(count));
    });

    it('tracks UDH parts of a long message as one group, each part billed as one segment', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('udh');
      await createTestTenant(db.dataSource, { systemId });
      const c = await boundClient(gateway, systemId, 'transmitter');
      const part = (n: number): Buffer =>
        Buffer.concat([Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, n]), Buffer.from(`part ${n}`)]);
      const first = await c.submit({ esm_class: 0x40, short_message: part(1) });
      const second = await c.submit({ esm_class: 0x40, short_message: part(2) });
      expect([first.command_status, second.command_status]).toEqual([
        CommandStatus.ESME_ROK,
        CommandStatus.ESME_ROK,
      ]);
      const rows = await db.dataSource.query<
        { id: string; group_id: string; part_no: number; part_total: number; segments: number }[]
      >(
        `SELECT id, group_id, part_no, part_total, segments FROM messages WHERE id = ANY($1) ORDER BY part_no`,
        [[first.message_id, second.message_id]],
      );
      expect(rows).toEqual([
        { id: first.message_id, group_id: first.message_id, part_no: 1, part_total: 2, segments: 1 },
        { id: second.message_id, group_id: first.message_id, part_no: 2, part_total: 2, segments: 1 },
      ]);
    });

    it('never answers ESME_ROK when the message store is unavailable', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('dbfail');
      await createTestTenant(db.dataSource, { systemId });
      const c = await boundClient(gateway, systemId, 'transmitter');
      await db.dataSource.query(`ALTER TABLE outbox RENAME TO outbox_unavailable`);
      try {
        const results = await Promise.all([c.submit({}), c.submit({}), c.submit({})]);
        expect(results.map((r) => r.command_status)).toEqual([
          CommandStatus.ESME_RSYSERR,
          CommandStatus.ESME_RSYSERR,
          CommandStatus.ESME_RSYSERR,
        ]);
      } finally {
        await db.dataSource.query(`ALTER TABLE outbox_unavailable RENAME TO outbox`);
      }
      const [{ count }] = await db.dataSource.query<{ count: string }[]>(
        `SELECT count(*) FROM messages m JOIN tenant_credentials c ON c.tenant_id = m.tenant_id WHERE c.system_id = $1`,
        [systemId],
      );
      expect(count).toBe('0');
      expect((await c.submit({})).command_status).toBe(CommandStatus.ESME_ROK);
    });
  });

  describe('query_sm and cancel_sm', () => {
    it('answers only the owning tenant; another tenant gets the same failure as an unknown id', async () => {
      const gateway = await gatewayWith();
      const ownerId = uniqueId('own');
      const strangerId = uniqueId('str');
      await createTestTenant(db.dataSource, { systemId: ownerId });
      await createTestTenant(db.dataSource, { systemId: strangerId });
      const owner = await boundClient(gateway, ownerId, 'transceiver');
      const stranger = await boundClient(gateway, strangerId, 'transceiver');
      const { message_id: id } = await owner.submit({ registered_delivery: 1 });
      const receipt = new Promise<NodeSmppPdu & { esm_class?: number; receipted_message_id?: string }>(
        (resolve) => owner.raw.on('deliver_sm', resolve),
      );
      let strangerGotReceipt = false;
      stranger.raw.on('deliver_sm', () => (strangerGotReceipt = true));

      const mine = await owner.request('query_sm', { message_id: id });
      expect(mine).toMatchObject({
        command_status: CommandStatus.ESME_ROK,
        message_id: id,
        message_state: DlrMessageState.ACCEPTED,
      });
      expect((await stranger.request('query_sm', { message_id: id })).command_status).toBe(
        CommandStatus.ESME_RQUERYFAIL,
      );
      expect(
        (await stranger.request('query_sm', { message_id: 'ffffffffffffffffffffffff' })).command_status,
      ).toBe(CommandStatus.ESME_RQUERYFAIL);

      expect((await stranger.request('cancel_sm', { message_id: id })).command_status).toBe(
        CommandStatus.ESME_RCANCELFAIL,
      );
      expect((await owner.request('cancel_sm', { message_id: id })).command_status).toBe(
        CommandStatus.ESME_ROK,
      );
      const [row] = await db.dataSource.query<{ status: string; reservation_status: string }[]>(
        `SELECT m.status, r.status AS reservation_status FROM messages m JOIN reservations r ON r.id = m.reservation_id WHERE m.id = $1`,
        [id],
      );
      expect(row).toEqual({ status: 'deleted', reservation_status: 'voided' });
      // The cancellation reaches the owner as a DLR (through the tenant delivery queue), and only the owner.
      expect(await receipt).toMatchObject({ esm_class: 0x04, receipted_message_id: id });
      expect(strangerGotReceipt).toBe(false);
      expect(await owner.request('query_sm', { message_id: id })).toMatchObject({
        message_state: DlrMessageState.DELETED,
      });
      // Cancelled is final: a second cancel fails.
      expect((await owner.request('cancel_sm', { message_id: id })).command_status).toBe(
        CommandStatus.ESME_RCANCELFAIL,
      );
      // The receipt may wait for the delivery queue's next poll (DELIVERY_POLL_MS, 5 s by default).
    }, 20_000);

    it('refuses to cancel a message already sent upstream (no provider cancel yet)', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('sent');
      await createTestTenant(db.dataSource, { systemId });
      const c = await boundClient(gateway, systemId, 'transmitter');
      const { message_id: id } = await c.submit({});
      await db.dataSource.query(`UPDATE messages SET status = 'sent' WHERE id = $1`, [id]);
      expect((await c.request('cancel_sm', { message_id: id })).command_status).toBe(
        CommandStatus.ESME_RCANCELFAIL,
      );
    });
  });

  describe('scheduled and expiring messages', () => {
    it('keeps a scheduled message without an outbox row until its time, then releases it', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('sched');
      await createTestTenant(db.dataSource, { systemId });
      const c = await boundClient(gateway, systemId, 'transmitter');
      const { message_id: id, command_status } = await c.submit({
        schedule_delivery_time: '000001000000000R',
      });
      expect(command_status).toBe(CommandStatus.ESME_ROK);
      const outboxOf = (): Promise<unknown[]> =>
        db.dataSource.query(`SELECT 1 FROM outbox WHERE message_id = $1`, [id]);
      const [before] = await db.dataSource.query<{ status: string }[]>(
        `SELECT status FROM messages WHERE id = $1`,
        [id],
      );
      expect(before.status).toBe('scheduled');
      expect(await outboxOf()).toHaveLength(0);
      await gateway.scheduler.tick();
      expect(await outboxOf()).toHaveLength(0);

      await db.dataSource.query(
        `UPDATE messages SET schedule_at = now() - interval '1 second' WHERE id = $1`,
        [id],
      );
      await gateway.scheduler.tick();
      const [after] = await db.dataSource.query<{ status: string }[]>(
        `SELECT status FROM messages WHERE id = $1`,
        [id],
      );
      expect(after.status).toBe('accepted');
      expect(await outboxOf()).toHaveLength(1);
    });

    it('expires a message whose validity passes before it is sent and voids its reservation', async () => {
      const gateway = await gatewayWith();
      const systemId = uniqueId('exp');
      await createTestTenant(db.dataSource, { systemId });
      const c = await boundClient(gateway, systemId, 'transmitter');
      const { message_id: id } = await c.submit({
        schedule_delivery_time: '000001000000000R',
        validity_period: '000002000000000R',
        registered_delivery: 1,
      });
      await db.dataSource.query(
        `UPDATE messages SET schedule_at = now() - interval '2 seconds', expires_at = now() - interval '1 second' WHERE id = $1`,
        [id],
      );
      const result = await gateway.scheduler.tick();
      expect(result).toEqual({ released: 0, expired: 1 });
      const [row] = await db.dataSource.query<
        { status: string; final: boolean; reservation_status: string }[]
      >(
        `SELECT m.status, m.final, r.status AS reservation_status FROM messages m JOIN reservations r ON r.id = m.reservation_id WHERE m.id = $1`,
        [id],
      );
      expect(row).toEqual({ status: 'expired', final: true, reservation_status: 'voided' });
      expect(await c.request('query_sm', { message_id: id })).toMatchObject({
        message_state: DlrMessageState.EXPIRED,
      });
    });
  });
});
