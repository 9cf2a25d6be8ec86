import { GATEWAYAPI_PROFILE } from '@app/providers';
import { ConnectorRuntime } from './connector-runtime';
import { parseIndeterminatePolicy } from './indeterminate-policy';
import {
  eventually,
  finalReceipts as countFinalReceipts,
  messageRow as readMessageRow,
  openConnectorTestDatabase,
  queueMessage,
  testDelivery,
  type ConnectorTestDatabase,
} from './testing/harness';
import { StubProvider } from './testing/stub-provider';

jest.setTimeout(20_000);

let context: ConnectorTestDatabase;
let stub: StubProvider;
let runtime: ConnectorRuntime;
let tenantId: string;
let db: ConnectorTestDatabase['db'];

function startRuntime(overrides: Partial<ConstructorParameters<typeof ConnectorRuntime>[0]> = {}) {
  runtime = new ConnectorRuntime({
    profile: GATEWAYAPI_PROFILE,
    hosts: [{ host: '127.0.0.1', port: stub.port }],
    systemId: 'user',
    password: 'secret',
    tps: 1_000,
    responseTimeoutMs: 2_000,
    sessionWaitMs: 2_000,
    indeterminate: parseIndeterminatePolicy('resubmit:1'),
    dataSource: db.dataSource,
    delivery: testDelivery(db.dataSource),
    ...overrides,
  });
  runtime.start();
  return runtime;
}

const newMessage = (destination: string) => queueMessage(context, destination);
const messageRow = (id: string) => readMessageRow(context, id);
const finalReceipts = (id: string) => countFinalReceipts(context, id);

beforeEach(async () => {
  context = await openConnectorTestDatabase('gatewayapi');
  db = context.db;
  tenantId = context.tenantId;
  stub = await StubProvider.start();
});

afterEach(async () => {
  await runtime.stop();
  await stub.stop();
  await db.drop();
});

describe('ConnectorRuntime against a stub provider over real sockets', () => {
  it('binds, submits with the profile shaping, records the attempt, and takes the DELIVRD receipt once', async () => {
    startRuntime();
    await runtime.whenBound();
    const message = await newMessage('4512345670');
    const outcome = await runtime.send(message);
    expect(outcome.kind).toBe('accepted');
    const submit = stub.received.find((r) => r.pdu.command === 'submit_sm')!.pdu;
    expect(submit).toMatchObject({ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4512345670' });
    expect(submit).toMatchObject({ source_addr_ton: 5, source_addr: 'Acme', registered_delivery: 1 });
    await eventually(async () => (await messageRow(message.message.id)).status === 'delivered');
    const attempts: Array<{ status: string; provider_message_key: string }> = await db.dataSource.query(
      `SELECT status, provider_message_key FROM attempts WHERE message_id = $1`,
      [message.message.id],
    );
    expect(attempts).toEqual([{ status: 'accepted', provider_message_key: expect.any(String) }]);
    expect(await finalReceipts(message.message.id)).toBe(1);
    await db.dataSource
      .query(`SELECT health FROM providers`)
      .then((rows) => expect(rows).toEqual([{ health: 'up' }]));
  });

  it('keeps the first final state: a duplicate DELIVRD and a late ENROUTE change nothing', async () => {
    startRuntime();
    await runtime.whenBound();
    const twice = await newMessage('4512345679');
    const late = await newMessage('4512345678');
    await runtime.send(twice);
    await runtime.send(late);
    await eventually(() => runtime.counters.dlrs >= 4);
    await eventually(() => runtime.counters.dlrsDuplicate >= 2);
    for (const m of [twice, late]) {
      expect(await messageRow(m.message.id)).toMatchObject({ status: 'delivered', final: true });
      expect(await finalReceipts(m.message.id)).toBe(1);
    }
  });

  it('normalises UNDELIV with the provider error into our err', async () => {
    startRuntime();
    await runtime.whenBound();
    const message = await newMessage('4512345671');
    await runtime.send(message);
    await eventually(async () => (await messageRow(message.message.id)).final);
    const row = await messageRow(message.message.id);
    expect(row.status).toBe('undeliverable');
    expect(row.error_code).toMatch(/^\d{3,4}$/);
    expect(row.error_code).not.toBe('000');
  });

  it('parks a receipt that arrives before its submit_sm_resp and applies it when the id is stored', async () => {
    startRuntime();
    await runtime.whenBound();
    stub.faults.dlrBeforeResp = true;
    const message = await newMessage('4512345670');
    expect((await runtime.send(message)).kind).toBe('accepted');
    await eventually(async () => (await messageRow(message.message.id)).status === 'delivered');
    // Whether the receipt was parked depends on which of the two answers is stored first; either way it lands once.
    expect(await finalReceipts(message.message.id)).toBe(1);
    const parked: unknown[] = await db.dataSource.query(`SELECT id FROM parked_dlrs`);
    expect(parked).toHaveLength(0);
  });

  it('classifies rejects: 0x0B fails the message with a DLR, 0x45 hands it back for rerouting', async () => {
    startRuntime();
    await runtime.whenBound();
    const rejected = await newMessage('4512345672');
    const reroute = await newMessage('4512345675');
    const failed = await runtime.send(rejected);
    expect(failed).toMatchObject({ kind: 'failed', commandStatus: 0x0b });
    expect(await messageRow(rejected.message.id)).toMatchObject({ status: 'rejected', final: true });
    expect(await finalReceipts(rejected.message.id)).toBe(1);
    expect(await runtime.send(reroute)).toMatchObject({ kind: 'reroute', reroute: true });
    expect((await messageRow(reroute.message.id)).final).toBe(false);
  });

  it('slows down on a throttling answer and retries on the same provider', async () => {
    startRuntime();
    await runtime.whenBound();
    const message = await newMessage('4512345676');
    const outcome = await runtime.send(message);
    expect(outcome).toMatchObject({ kind: 'accepted', attempts: 2 });
    expect(runtime.counters.throttled).toBe(1);
  });

  it('resubmits once after a session lost with the submit in flight, and the attempt is decided once', async () => {
    startRuntime({ reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
    await runtime.whenBound();
    stub.faults.dropOnSubmit = true;
    const message = await newMessage('4512345674');
    const outcome = runtime.send(message);
    await expect(outcome).resolves.toMatchObject({ kind: 'accepted' });
    const attempts: Array<{ status: string }> = await db.dataSource.query(
      `SELECT status FROM attempts WHERE message_id = $1 ORDER BY attempt_no`,
      [message.message.id],
    );
    expect(attempts.map((a) => a.status)).toEqual(['resubmitted', 'accepted']);
  });

  it('routes an MO to the tenant owning the number and counts one nobody owns', async () => {
    startRuntime();
    await runtime.whenBound();
    await db.dataSource.query(
      `INSERT INTO mo_numbers (number, match, tenant_id) VALUES ('4570', 'prefix', $1)`,
      [tenantId],
    );
    await stub.sendMo('4599999999', '4570123456', 'STOP');
    await stub.sendMo('4599999999', '4411111111', 'nobody');
    await eventually(() => runtime.counters.mo === 2);
    await runtime.stop();
    expect(runtime.counters.moUnrouted).toBe(1);
    const rows: Array<{ tenant_id: string }> = await db.dataSource.query(
      `SELECT tenant_id FROM tenant_deliveries WHERE kind = 'mo'`,
    );
    expect(rows).toEqual([{ tenant_id: tenantId }]);
  });

  it('marks the provider down and stops binding when the credentials are refused', async () => {
    stub.faults.rejectBind = 0x0e;
    startRuntime();
    await eventually(() => runtime.down !== undefined);
    const rows: Array<{ health: string }> = await db.dataSource.query(`SELECT health FROM providers`);
    expect(rows).toEqual([{ health: 'down' }]);
    const binds = stub.binds.length;
    expect(binds).toBe(1);
    expect(await runtime.send(await newMessage('4512345670'))).toMatchObject({ kind: 'reroute' });
  });

  it('unbinds on stop after the sends in progress finish', async () => {
    startRuntime({ sessions: 2 });
    await runtime.whenBound(2);
    expect(stub.bound()).toBe(2);
    const sending = runtime.send(await newMessage('4512345674'));
    const stopping = runtime.stop();
    await expect(sending).resolves.toMatchObject({ kind: 'accepted' });
    await stopping;
    await eventually(() => stub.bound() === 0);
  });
});
