import { join } from 'node:path';
import { CommandStatus } from '@app/smpp';
import { createTestDatabase, freePort, spawnApp, type RunningApp, type TestDatabase } from '@app/testing';
import {
  eventually,
  finalReceiptCounts,
  receiptCollector,
  seedRouting,
  startSimulators,
  waitForOutput,
  type Simulators,
} from './pipeline/pipeline-fixture';

const REPO_ROOT = join(__dirname, '..');
const MAIN = join(REPO_ROOT, 'apps', 'aggregator', 'src', 'main.ts');

/** Destinations by the simulators' scripted outcome (last digit): 0 delivered, 1 undeliverable, 5 reroute-reject. */
const DELIVERED = '4520000000';
const UNDELIVERABLE = '4520000001';
const REROUTED = '4520000005';

describe('one process: apps/aggregator with in-process connectors', () => {
  jest.setTimeout(120_000);
  let database: TestDatabase;
  let sims: Simulators;
  let app: RunningApp | undefined;
  let smppPort: number;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedRouting(database.dataSource);
    sims = await startSimulators();
    smppPort = await freePort();
    app = spawnApp(MAIN, REPO_ROOT, {
      DATABASE_URL: database.url,
      SMPP_PORT: String(smppPort),
      HTTP_PORT: String(await freePort()),
      RABBITMQ_URL: undefined,
      LOG_LEVEL: 'log',
      ...sims.env,
    });
    await waitForOutput(app, 'outbox relay started');
  });
  afterAll(async () => {
    if (app !== undefined && app.child.exitCode === null) app.child.kill('SIGKILL');
    await app?.exited;
    await sims?.stop();
    await database?.drop();
  });

  async function messageState(
    id: string,
  ): Promise<{ status: string; provider_id: string; reservation: string }> {
    const rows: Array<{ status: string; provider_id: string; reservation: string }> =
      await database.dataSource.query(
        `SELECT m.status, m.provider_id, r.status AS reservation
       FROM messages m JOIN reservations r ON r.id = m.reservation_id WHERE m.id = $1`,
        [id],
      );
    return rows[0];
  }

  it('delivers, reroutes with the same id and settles: exactly one final receipt per message', async () => {
    const { client, receipts } = await receiptCollector(smppPort, 'transceiver');
    const destinations = [DELIVERED, UNDELIVERABLE, REROUTED];
    const ids: string[] = [];
    for (const destination of destinations) {
      const response = await client.submit({
        source_addr: 'ACME',
        destination_addr: destination,
        registered_delivery: 1,
        short_message: 'hello',
      });
      expect(response.command_status).toBe(CommandStatus.ESME_ROK);
      ids.push(response.message_id!);
    }
    await eventually('a final receipt for every message', () => {
      const counts = finalReceiptCounts(receipts);
      return Promise.resolve(ids.every((id) => counts.has(id)));
    }).catch(async (error: unknown) => {
      const rows: unknown = await database.dataSource.query(`SELECT id, status, provider_id FROM messages`);
      throw new Error(`${String(error)}\n${JSON.stringify({ rows, receipts })}\n${app?.output() ?? ''}`);
    });
    const [delivered, undeliverable, rerouted] = await Promise.all(ids.map((id) => messageState(id)));
    expect(delivered).toEqual({ status: 'delivered', provider_id: 'infobip', reservation: 'posted' });
    expect(undeliverable.status).toBe('undeliverable');
    // Infobip and GatewayAPI both answer the REROUTE-class reject for this destination: the plan runs out.
    expect(rerouted).toEqual({ status: 'rejected', provider_id: 'gatewayapi', reservation: 'voided' });
    const attempts: Array<{ provider_id: string }> = await database.dataSource.query(
      `SELECT provider_id FROM attempts WHERE message_id = $1 ORDER BY attempt_no`,
      [ids[2]],
    );
    // The same message id at infobip, then at gatewayapi (whose profile retries this status before rerouting).
    const providers = attempts.map((a) => a.provider_id);
    expect(providers[0]).toBe('infobip');
    expect(providers.length).toBeGreaterThan(1);
    expect(new Set(providers.slice(1))).toEqual(new Set(['gatewayapi']));
    // Let any duplicate arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counts = finalReceiptCounts(receipts);
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1, 1]);
    expect(receipts.find((r) => r.messageId === ids[2])?.stat).toBe('REJECTD');
    await client.close();
  });
});
