import { CommandStatus } from '@app/smpp';
import { createTestDatabase, type RunningApp, type TestDatabase } from '@app/testing';
import { eventually, finalReceiptCounts, receiptCollector } from './pipeline/pipeline-fixture';
import {
  sandboxEnvironment,
  startSandboxApp,
  stopApp,
  type SandboxEnvironment,
} from './sandbox/sandbox-fixture';

/** Last digit 0: the simulators deliver; 1: undeliverable. 44… is cheapest at infobip, 45… at gatewayapi. */
const DELIVERED = '447700900120';
const UNDELIVERABLE = '4520000001';

describe('sandbox: npm start with no providers configured', () => {
  jest.setTimeout(180_000);
  let database: TestDatabase;
  let sandbox: SandboxEnvironment;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    sandbox = await sandboxEnvironment(database.url);
  });
  afterAll(async () => {
    await stopApp(app);
    await database?.drop();
  });

  it('prints how to bind; a transceiver gets DELIVRD and UNDELIV receipts with our message ids', async () => {
    const started = await startSandboxApp(sandbox.env);
    app = started.app;
    expect(started.bind).toEqual({
      host: '127.0.0.1',
      port: Number(sandbox.env.SMPP_PORT),
      systemId: 'demo',
      password: 'demopass',
    });
    expect(app.output()).toContain('0 delivered, 1 undeliverable');
    const { client, receipts } = await receiptCollector(started.bind.port, 'transceiver', started.bind);
    const ids: string[] = [];
    for (const destination of [DELIVERED, UNDELIVERABLE]) {
      const response = await client.submit({
        source_addr: '4512345678',
        destination_addr: destination,
        registered_delivery: 1,
        short_message: 'hello sandbox',
      });
      expect(response.command_status).toBe(CommandStatus.ESME_ROK);
      ids.push(response.message_id!);
    }
    await eventually(
      'a final receipt for both messages',
      () => Promise.resolve(ids.every((id) => finalReceiptCounts(receipts).has(id))),
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${JSON.stringify(receipts)}\n${app?.output() ?? ''}`);
    });
    const finalStat = (id: string): string | undefined =>
      receipts.find((r) => r.final && r.messageId === id)?.stat;
    expect(ids.map(finalStat)).toEqual(['DELIVRD', 'UNDELIV']);
    const routed: Array<{ id: string; provider_id: string }> = await database.dataSource.query(
      `SELECT id, provider_id FROM messages WHERE id = ANY($1)`,
      [ids],
    );
    // Least cost: 44… goes to infobip, 45… to gatewayapi.
    expect(new Map(routed.map((m) => [m.id, m.provider_id]))).toEqual(
      new Map([
        [ids[0], 'infobip'],
        [ids[1], 'gatewayapi'],
      ]),
    );
    await client.close();
  });

  it('a second start reuses the providers, the demo tenant and its balance', async () => {
    await stopApp(app);
    const before: Array<{ n: string }> = await database.dataSource.query(
      `SELECT count(*) AS n FROM ledger_entries`,
    );
    const started = await startSandboxApp(sandbox.env);
    app = started.app;
    expect(app.output()).toContain('providers and demo tenant: up to date');
    const { client } = await receiptCollector(started.bind.port, 'transceiver', started.bind);
    await client.close();
    const after: Array<{ n: string }> = await database.dataSource.query(
      `SELECT count(*) AS n FROM ledger_entries`,
    );
    expect(after[0].n).toBe(before[0].n);
  });
});
