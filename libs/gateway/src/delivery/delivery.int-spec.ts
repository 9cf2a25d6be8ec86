import { CommandStatus } from '@app/smpp';
import { useTestDatabase } from '@app/testing';
import { Registry } from 'prom-client';
import type { DlrState } from './deliver-sm';
import { DeliveryService, type DeliveryOptions } from './delivery.service';
import {
  DELIVERY_TEST_OPTIONS,
  insertMessage,
  insertTenant,
  newMessageId,
  TenantClient,
  TenantSmsc,
  useCleanups,
  type ReceivedDeliverSm,
} from './testing/delivery-harness';

const db = useTestDatabase({ poolSize: 10 });

const cleanups = useCleanups();
const TEST_OPTIONS = DELIVERY_TEST_OPTIONS;

function startService(options: Partial<DeliveryOptions> = {}): DeliveryService {
  const service = new DeliveryService(db.dataSource, {
    ...TEST_OPTIONS,
    registry: new Registry(),
    ...options,
  });
  service.start();
  cleanups.push(() => service.stop());
  return service;
}

async function startSmsc(service: DeliveryService, tenants: Record<string, string>): Promise<TenantSmsc> {
  const smsc = await TenantSmsc.start(service, new Map(Object.entries(tenants)));
  cleanups.push(() => smsc.close());
  return smsc;
}

async function bindClient(...args: Parameters<typeof TenantClient.bind>): Promise<TenantClient> {
  const client = await TenantClient.bind(...args);
  cleanups.push(() => client.close());
  return client;
}

let tenantCounter = 0;
async function newTenant(): Promise<{ id: string; systemId: string }> {
  const systemId = `t${++tenantCounter}${Date.now() % 100_000}`;
  return { id: await insertTenant(db.dataSource, `tenant-${systemId}`), systemId };
}

interface DeliveryRow {
  id: string;
  message_id: string | null;
  kind: string;
  final: boolean;
  status: string;
  attempts: number;
  pdu: { esm_class: number };
}

function deliveriesOf(tenantId: string): Promise<DeliveryRow[]> {
  return db.dataSource.query<DeliveryRow[]>(
    `SELECT "id", "message_id", "kind", "final", "status", "attempts", "pdu" FROM "tenant_deliveries"
      WHERE "tenant_id" = $1 ORDER BY "id"`,
    [tenantId],
  );
}

/** Re-checks the database until `done` holds; bounded (a hang guard, not a timing assertion). */
async function eventually(done: () => Promise<boolean>): Promise<void> {
  for (let round = 0; round < 200; round++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met in the database');
}

async function allDelivered(tenantId: string): Promise<boolean> {
  const rows = await deliveriesOf(tenantId);
  return rows.length > 0 && rows.every((row) => row.status === 'delivered');
}

async function queueReceipts(
  service: DeliveryService,
  tenantId: string,
  count: number,
  registeredDelivery = 1,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = await insertMessage(db.dataSource, {
      id: newMessageId(),
      tenant_id: tenantId,
      registered_delivery: registeredDelivery,
    });
    await service.recordDlr({ messageId: id, state: 'delivered', err: '000', doneAt: new Date() });
    ids.push(id);
  }
  return ids;
}

const sorted = (values: string[]): string[] => [...values].sort();

describe('DeliveryService over real sockets and Postgres', () => {
  it('delivers a DLR with the Appendix B text, swapped addresses and the receipt TLVs', async () => {
    const service = startService();
    const tenant = await newTenant();
    const smsc = await startSmsc(service, { [tenant.systemId]: tenant.id });
    const client = await bindClient(smsc.port, tenant.systemId, { transceiver: true });
    const messageId = await insertMessage(db.dataSource, {
      id: newMessageId(),
      tenant_id: tenant.id,
      user_message_reference: 77,
      dlr_text: 'Your code: 1234 expires soon',
    });

    const result = await service.recordDlr({
      messageId,
      state: 'undeliverable',
      err: '019',
      networkErrorCode: Buffer.from([3, 0, 1]),
      doneAt: new Date('2025-04-23T16:35:00Z'),
    });
    await client.waitUntil(() => client.received.length === 1);

    expect(result.updated).toBe(true);
    const pdu: ReceivedDeliverSm = client.received[0];
    expect(pdu).toMatchObject({
      esm_class: 0x04,
      source_addr: '4790000001',
      source_addr_ton: 1,
      source_addr_npi: 1,
      destination_addr: 'ACME',
      dest_addr_ton: 5,
      dest_addr_npi: 0,
      receipted_message_id: messageId,
      message_state: 5,
      user_message_reference: 77,
    });
    expect(pdu.network_error_code).toEqual(Buffer.from([3, 0, 1]));
    expect(String(pdu.short_message.message)).toBe(
      `id:${messageId} sub:001 dlvrd:000 submit date:2504231634 done date:2504231635 stat:UNDELIV err:019 ` +
        'text:Your code: 1234 expi',
    );
    await eventually(() => allDelivered(tenant.id));
    const [message] = await db.dataSource.query<{ status: string; final: boolean; error_code: string }[]>(
      `SELECT "status", "final", "error_code" FROM "messages" WHERE "id" = $1`,
      [messageId],
    );
    expect(message).toEqual({ status: 'undeliverable', final: true, error_code: '019' });
  });

  it.each([
    ['inside a transaction of this instance', false],
    ['by another process (a connector) inside its transaction', true],
  ])(
    'delivers a DLR recorded %s at its commit, long before the next poll',
    async (_, otherWriter) => {
      // No poll within the test's bounds: only the commit's notification can make the loop look again.
      const service = startService({ pollMs: 60_000, leaseMs: 120_000 });
      const writer = otherWriter
        ? new DeliveryService(db.dataSource, { ...TEST_OPTIONS, registry: new Registry() })
        : service;
      const tenant = await newTenant();
      const smsc = await startSmsc(service, { [tenant.systemId]: tenant.id });
      const client = await bindClient(smsc.port, tenant.systemId);
      await eventually(() => Promise.resolve(service.listening));
      const messageId = await insertMessage(db.dataSource, { id: newMessageId(), tenant_id: tenant.id });
      // Let the loop's first read (at attach) find the queue empty before the receipt is queued.
      await new Promise((resolve) => setTimeout(resolve, 200));

      await db.dataSource.transaction(async (tx) => {
        await writer.recordDlr({ messageId, state: 'delivered', err: '000', doneAt: new Date() }, tx);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(client.received).toHaveLength(0);
      });
      await client.waitUntil(() => client.received.length === 1, 10_000);

      expect(client.receiptIds()).toEqual([messageId]);
    },
    20_000,
  );

  it('spreads DLRs across two binds of one tenant, none duplicated', async () => {
    const service = startService();
    const tenant = await newTenant();
    const smsc = await startSmsc(service, { [tenant.systemId]: tenant.id });
    const first = await bindClient(smsc.port, tenant.systemId);
    const second = await bindClient(smsc.port, tenant.systemId, { transceiver: true });

    const ids = await queueReceipts(service, tenant.id, 20);
    const all = (): string[] => [...first.receiptIds(), ...second.receiptIds()];
    await first.waitUntil(() => new Set(all()).size === ids.length);
    await eventually(() => allDelivered(tenant.id));

    expect(first.received.length).toBeGreaterThan(0);
    expect(second.received.length).toBeGreaterThan(0);
    expect(sorted(all())).toEqual(sorted(ids));
  });

  it('keeps DLRs for an offline tenant and resends one that got no deliver_sm_resp after the rebind', async () => {
    const service = startService();
    const tenant = await newTenant();
    const smsc = await startSmsc(service, { [tenant.systemId]: tenant.id });
    const [messageId] = await queueReceipts(service, tenant.id, 1);
    expect((await deliveriesOf(tenant.id)).map((row) => row.status)).toEqual(['pending']);

    const silent = await bindClient(smsc.port, tenant.systemId, { answer: () => 'silence' });
    await silent.waitUntil(() => silent.received.length === 1);
    silent.close();

    const rebound = await bindClient(smsc.port, tenant.systemId);
    await rebound.waitUntil(() => rebound.received.length === 1);
    await eventually(() => allDelivered(tenant.id));

    expect(silent.receiptIds()).toEqual([messageId]);
    expect(rebound.receiptIds()).toEqual([messageId]);
    expect((await deliveriesOf(tenant.id))[0].attempts).toBe(2);
  });

  it('retries a DLR answered with a non-OK deliver_sm_resp until ESME_ROK', async () => {
    const service = startService();
    const tenant = await newTenant();
    const smsc = await startSmsc(service, { [tenant.systemId]: tenant.id });
    let answers = 0;
    const client = await bindClient(smsc.port, tenant.systemId, {
      answer: () => (++answers <= 2 ? CommandStatus.ESME_RSYSERR : CommandStatus.ESME_ROK),
    });

    const [messageId] = await queueReceipts(service, tenant.id, 1);
    await client.waitUntil(() => client.received.length === 3);
    await eventually(() => allDelivered(tenant.id));

    expect(client.receiptIds()).toEqual([messageId, messageId, messageId]);
    expect((await deliveriesOf(tenant.id))[0].attempts).toBe(3);
  });

  it('queues receipts as registered_delivery asks: none, final, failure only, intermediate', async () => {
    const service = startService();
    const tenant = await newTenant();
    const record = async (
      registeredDelivery: number,
      ...states: Array<'delivered' | 'undeliverable' | 'enroute'>
    ) => {
      const id = await insertMessage(db.dataSource, {
        id: newMessageId(),
        tenant_id: tenant.id,
        registered_delivery: registeredDelivery,
      });
      for (const state of states)
        await service.recordDlr({ messageId: id, state, err: '000', doneAt: new Date() });
      return id;
    };
    await record(0x00, 'delivered');
    const successOnFinal = await record(0x01, 'enroute', 'delivered');
    await record(0x02, 'delivered');
    const failureOnly = await record(0x02, 'undeliverable');
    const intermediate = await record(0x10, 'enroute', 'delivered');
    const both = await record(0x11, 'enroute', 'undeliverable');

    const rows = await deliveriesOf(tenant.id);
    expect(rows.map((row) => [row.message_id, row.final, row.pdu.esm_class])).toEqual([
      [successOnFinal, true, 0x04],
      [failureOnly, true, 0x04],
      [intermediate, false, 0x20],
      [both, false, 0x20],
      [both, true, 0x04],
    ]);
  });

  it('queues exactly one final DLR for a message reported final twice, even at once', async () => {
    const service = startService();
    const tenant = await newTenant();
    const messageId = await insertMessage(db.dataSource, { id: newMessageId(), tenant_id: tenant.id });

    const results = await Promise.all([
      service.recordDlr({ messageId, state: 'delivered', err: '000', doneAt: new Date() }),
      service.recordDlr({ messageId, state: 'undeliverable', err: '001', doneAt: new Date() }),
    ]);
    const late = await service.recordDlr({ messageId, state: 'expired', err: '003', doneAt: new Date() });

    expect(results.map((result) => result.updated).sort()).toEqual([false, true]);
    expect(late).toEqual({ updated: false });
    const rows = await deliveriesOf(tenant.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ message_id: messageId, final: true });
    await expect(
      service.recordDlr({ messageId: 'no-such-message', state: 'delivered', err: '000', doneAt: new Date() }),
    ).rejects.toThrow('no message with id');
  });

  it('records a batch as one by one: duplicates, a final then ENROUTE, mixed tenants, an unknown id', async () => {
    const service = startService();
    const [first, second] = [await newTenant(), await newTenant()];
    const message = (tenantId: string, registeredDelivery: number) =>
      insertMessage(db.dataSource, {
        id: newMessageId(),
        tenant_id: tenantId,
        registered_delivery: registeredDelivery,
      });
    const doubled = await message(first.id, 0x01);
    const finalThenEnroute = await message(first.id, 0x11);
    const intermediates = await message(second.id, 0x11);
    const alreadyFinal = await message(second.id, 0x01);
    await service.recordDlr({ messageId: alreadyFinal, state: 'delivered', err: '000', doneAt: new Date() });
    const networkErrorCode = Buffer.from([0x03, 0x10, 0x7e]);
    const at = (state: DlrState, messageId: string, err = '000') => ({
      messageId,
      state,
      err,
      doneAt: new Date(),
    });

    const results = await service.recordDlrBatch([
      at('delivered', doubled),
      at('enroute', intermediates),
      {
        ...at('undeliverable', finalThenEnroute, '404'),
        networkErrorCode,
        providerError: { raw: '126', code: '0x107E', source: 'err' as const },
      },
      at('delivered', doubled),
      {
        ...at('enroute', finalThenEnroute),
        providerError: { raw: '999', code: '0x13E7', source: 'err' as const },
      },
      at('expired', alreadyFinal),
      at('enroute', intermediates),
      at('undeliverable', doubled, '001'),
    ]);

    expect(results.map((result) => [result.updated, result.deliveryId !== undefined])).toEqual([
      [true, true],
      [true, true],
      [true, true],
      [false, false],
      [false, false],
      [false, false],
      [true, true],
      [false, false],
    ]);
    const queued = [...(await deliveriesOf(first.id)), ...(await deliveriesOf(second.id))];
    expect(queued.map((row) => [row.id, row.message_id, row.final])).toEqual([
      [results[0].deliveryId, doubled, true],
      [results[2].deliveryId, finalThenEnroute, true],
      [expect.any(String), alreadyFinal, true],
      [results[1].deliveryId, intermediates, false],
      [results[6].deliveryId, intermediates, false],
    ]);
    const messages = await db.dataSource.query<
      Array<{
        id: string;
        status: string;
        final: boolean;
        error_code: string;
        network_error_code: Buffer | null;
        provider_error: unknown;
      }>
    >(
      `SELECT "id", "status", "final", "error_code", "network_error_code", "provider_error" FROM "messages"
        WHERE "id" = ANY($1::text[]) ORDER BY "id"`,
      [[doubled, finalThenEnroute, intermediates, alreadyFinal]],
    );
    const byId = new Map(messages.map((row) => [row.id, row]));
    expect(byId.get(doubled)).toMatchObject({ status: 'delivered', final: true, error_code: '000' });
    expect(byId.get(finalThenEnroute)).toMatchObject({
      status: 'undeliverable',
      final: true,
      error_code: '404',
      // The provider's own code, kept verbatim; the later ENROUTE changes nothing.
      provider_error: { raw: '126', code: '0x107E', source: 'err' },
    });
    expect(byId.get(finalThenEnroute)?.network_error_code).toEqual(networkErrorCode);
    expect(byId.get(intermediates)).toMatchObject({ final: false });
    expect(byId.get(alreadyFinal)).toMatchObject({ status: 'delivered', final: true });

    const untouched = await message(first.id, 0x01);
    await expect(
      service.recordDlrBatch([at('delivered', untouched), at('delivered', 'no-such-message')]),
    ).rejects.toThrow('no message with id');
    expect(await deliveriesOf(first.id)).toHaveLength(2);
    expect(await service.recordDlrBatch([])).toEqual([]);
  });

  it('never delivers a DLR to another tenant (two tenants bound at once)', async () => {
    const service = startService();
    const alpha = await newTenant();
    const beta = await newTenant();
    const smsc = await startSmsc(service, { [alpha.systemId]: alpha.id, [beta.systemId]: beta.id });
    const alphaClient = await bindClient(smsc.port, alpha.systemId);
    const betaClient = await bindClient(smsc.port, beta.systemId, { transceiver: true });

    const [alphaIds, betaIds] = await Promise.all([
      queueReceipts(service, alpha.id, 8),
      queueReceipts(service, beta.id, 8),
    ]);
    await alphaClient.waitUntil(() => alphaClient.received.length >= alphaIds.length);
    await betaClient.waitUntil(() => betaClient.received.length >= betaIds.length);
    await eventually(async () => (await allDelivered(alpha.id)) && (await allDelivered(beta.id)));

    expect(sorted(alphaClient.receiptIds())).toEqual(sorted(alphaIds));
    expect(sorted(betaClient.receiptIds())).toEqual(sorted(betaIds));
  });

  it('two instances on one database never both deliver a row; the other takes over when the first lets go', async () => {
    const tenant = await newTenant();
    const instances = [startService(), startService()];
    const smscs = await Promise.all(
      instances.map((service) => startSmsc(service, { [tenant.systemId]: tenant.id })),
    );
    const clients = await Promise.all(smscs.map((smsc) => bindClient(smsc.port, tenant.systemId)));

    const ids = [
      ...(await queueReceipts(instances[0], tenant.id, 15)),
      ...(await queueReceipts(instances[1], tenant.id, 15)),
    ];
    await eventually(() => allDelivered(tenant.id));
    const received = clients.flatMap((client) => client.receiptIds());
    expect(sorted(received)).toEqual(sorted(ids));

    const holder = clients.findIndex((client) => client.received.length > 0);
    const other = 1 - holder;
    clients[holder].close();
    const later = await queueReceipts(instances[holder], tenant.id, 3);
    await clients[other].waitUntil(() => later.every((id) => clients[other].receiptIds().includes(id)));
    await eventually(() => allDelivered(tenant.id));

    const total = clients.flatMap((client) => client.receiptIds());
    expect(sorted(total)).toEqual(sorted([...ids, ...later]));
  });

  it('expires what its retention outlived, counts it, and never sends it', async () => {
    const registry = new Registry();
    const service = startService({ registry });
    const tenant = await newTenant();
    const smsc = await startSmsc(service, { [tenant.systemId]: tenant.id });
    const [expiredId] = await queueReceipts(service, tenant.id, 1);
    await db.dataSource.query(
      `UPDATE "tenant_deliveries" SET "expires_at" = now() - interval '1 second' WHERE "message_id" = $1`,
      [expiredId],
    );

    expect(await service.expireDue()).toEqual({ dlr: 1, mo: 0 });
    const counter = await registry.getSingleMetric('smsc_tenant_deliveries_expired_total')!.get();
    expect(counter.values).toEqual([{ labels: { kind: 'dlr' }, value: 1 }]);

    const client = await bindClient(smsc.port, tenant.systemId);
    const [freshId] = await queueReceipts(service, tenant.id, 1);
    await client.waitUntil(() => client.received.length >= 1);
    await eventually(async () => (await deliveriesOf(tenant.id))[1]?.status === 'delivered');
    expect(client.receiptIds()).toEqual([freshId]);
    expect((await deliveriesOf(tenant.id)).map((row) => row.status)).toEqual(['expired', 'delivered']);
  });

  it('delivers MO with esm_class 0 and the addresses, coding and octets as received', async () => {
    const service = startService();
    const tenant = await newTenant();
    const smsc = await startSmsc(service, { [tenant.systemId]: tenant.id });
    const client = await bindClient(smsc.port, tenant.systemId, { transceiver: true });

    await service.recordMo({
      tenantId: tenant.id,
      source: { addr: '4790000009', ton: 1, npi: 1 },
      destination: { addr: '2200', ton: 3, npi: 0 },
      dataCoding: 0,
      shortMessage: Buffer.from('STOP please'),
    });
    await client.waitUntil(() => client.received.length === 1);

    expect(client.received[0]).toMatchObject({
      esm_class: 0,
      source_addr: '4790000009',
      source_addr_ton: 1,
      source_addr_npi: 1,
      destination_addr: '2200',
      dest_addr_ton: 3,
      dest_addr_npi: 0,
      data_coding: 0,
    });
    expect(String(client.received[0].short_message.message)).toBe('STOP please');
    await eventually(() => allDelivered(tenant.id));
  });
});
