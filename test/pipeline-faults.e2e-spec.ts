import { join } from 'node:path';
import { reconcile } from '@app/billing';
import { CommandStatus } from '@app/smpp';
import { createTestDatabase, freePort, spawnApp, type RunningApp, type TestDatabase } from '@app/testing';
import { TenantClient } from '../libs/gateway/src/server/testing/node-smpp-client';
import {
  eventually,
  finalReceiptCounts,
  receiptCollector,
  seedRouting,
  startSimulators,
  TENANT,
  waitForOutput,
  type Receipt,
  type Simulators,
} from './pipeline/pipeline-fixture';

const REPO_ROOT = join(__dirname, '..');
const app = (name: string): string => join(REPO_ROOT, 'apps', name, 'src', 'main.ts');
const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** Backstop for a message whose provider receipt was lost with a killed process: UNKNOWN after this. */
const FINAL_DLR_TIMEOUT_MS = '15000';
/** The simulators deliver destinations ending in 0. */
const destination = (i: number): string => `45300${String(i).padStart(4, '0')}0`;

/** One submit; ESME_RTHROTTLED (the tenant's TPS limit) is retried, at most 100 times. Resolves to the message id. */
async function submitOne(transmitter: TenantClient, i: number): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await transmitter.submit({
      source_addr: 'ACME',
      destination_addr: destination(i),
      registered_delivery: 1,
      short_message: `fault ${i}`,
    });
    if (response.command_status === CommandStatus.ESME_ROK) return response.message_id!;
    if (response.command_status !== CommandStatus.ESME_RTHROTTLED) {
      throw new Error(`submit ${i}: command_status 0x${response.command_status.toString(16)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`submit ${i}: still throttled after 100 tries`);
}

/** Submits `count` messages, `concurrency` at a time; calls `midway` once half are accepted. */
async function submitMany(
  transmitter: TenantClient,
  count: number,
  midway: () => void,
  concurrency = 20,
): Promise<string[]> {
  const accepted: string[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const size = Math.min(concurrency, count - start);
    accepted.push(
      ...(await Promise.all(Array.from({ length: size }, (_, k) => submitOne(transmitter, start + k)))),
    );
    if (start < count / 2 && start + size >= count / 2) midway();
  }
  return accepted;
}

/** Every accepted message final in the database with exactly one final receipt queued, and the ledger clean. */
async function expectNoLoss(
  database: TestDatabase,
  accepted: readonly string[],
  receipts: readonly Receipt[],
  apps: readonly RunningApp[],
): Promise<void> {
  await eventually(
    `a final receipt for each of ${accepted.length} accepted messages`,
    () => {
      const counts = finalReceiptCounts(receipts);
      return Promise.resolve(accepted.every((id) => counts.has(id)));
    },
    90_000,
  ).catch(async (error: unknown) => {
    const counts = finalReceiptCounts(receipts);
    const missing = accepted.filter((id) => !counts.has(id));
    const states: unknown = await database.dataSource.query(
      `SELECT m.status, m.final, d.status AS receipt, COUNT(*)::int AS n FROM messages m
         LEFT JOIN tenant_deliveries d ON d.message_id = m.id AND d.final
        WHERE m.id = ANY($1) GROUP BY 1, 2, 3`,
      [missing],
    );
    throw new Error(
      `${String(error)}: ${missing.length} missing ${JSON.stringify(states)}\n` +
        apps.map((running) => running.output().slice(-3000)).join('\n---\n'),
    );
  });
  // Room for a duplicate to show up, were one queued.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const counts = finalReceiptCounts(receipts);
  expect(accepted.filter((id) => counts.get(id) !== 1)).toEqual([]);
  const notFinal: Array<{ id: string }> = await database.dataSource.query(
    `SELECT id FROM messages WHERE NOT final`,
  );
  expect(notFinal).toEqual([]);
  const finalRows: Array<{ message_id: string; n: number }> = await database.dataSource.query(
    `SELECT message_id, COUNT(*)::int AS n FROM tenant_deliveries
      WHERE kind = 'dlr' AND final GROUP BY message_id`,
  );
  expect(finalRows.filter((row) => row.n !== 1)).toEqual([]);
  expect(finalRows.map((row) => row.message_id).sort()).toEqual([...accepted].sort());
  const report = await reconcile(database.dataSource);
  expect(report.differences).toEqual([]);
  expect(report.ok).toBe(true);
}

async function stopAll(apps: RunningApp[]): Promise<void> {
  for (const running of apps) if (running.child.exitCode === null) running.child.kill('SIGKILL');
  await Promise.all(apps.map((running) => running.exited));
}

describe('faults, distributed: kill -9 of a connector mid-window', () => {
  jest.setTimeout(240_000);
  let database: TestDatabase;
  let sims: Simulators;
  const apps: RunningApp[] = [];
  let smppPort: number;
  let common: Record<string, string>;

  const startConnector = async (name: string): Promise<RunningApp> => {
    const running = spawnApp(app(name), REPO_ROOT, { ...common, HTTP_PORT: String(await freePort()) });
    apps.push(running);
    await waitForOutput(running, 'TPS, window');
    return running;
  };

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedRouting(database.dataSource);
    sims = await startSimulators();
    common = {
      DATABASE_URL: database.url,
      RABBITMQ_URL,
      LOG_LEVEL: 'log',
      PIPELINE_FINAL_DLR_TIMEOUT_MS: FINAL_DLR_TIMEOUT_MS,
      ...sims.env,
    };
    smppPort = await freePort();
    const server = spawnApp(app('smpp-server'), REPO_ROOT, {
      ...common,
      SMPP_PORT: String(smppPort),
      HTTP_PORT: String(await freePort()),
    });
    apps.push(server);
    await waitForOutput(server, 'SMPP server ready');
    await startConnector('connector-gatewayapi');
  });
  afterAll(async () => {
    await stopAll(apps);
    await sims?.stop();
    await database?.drop();
  });

  it('every accepted message ends in one final state with one final receipt; the ledger reconciles', async () => {
    const infobip = await startConnector('connector-infobip');
    const { client: receiver, receipts } = await receiptCollector(smppPort, 'receiver');
    const transmitter = await TenantClient.connect(smppPort);
    expect((await transmitter.bind('transmitter', TENANT.systemId, TENANT.password)).command_status).toBe(0);

    const accepted = await submitMany(transmitter, 300, () => infobip.child.kill('SIGKILL'));
    expect((await infobip.exited).signal).toBe('SIGKILL');
    expect(accepted).toHaveLength(300);
    await startConnector('connector-infobip');

    await expectNoLoss(database, accepted, receipts, apps);
    await transmitter.close();
    await receiver.close();
  });
});

describe('faults, one process: kill -9 of the aggregator after submit_sm_resp', () => {
  jest.setTimeout(240_000);
  let database: TestDatabase;
  let sims: Simulators;
  const apps: RunningApp[] = [];
  let env: Record<string, string | undefined>;

  const startAggregator = async (): Promise<RunningApp> => {
    const running = spawnApp(app('aggregator'), REPO_ROOT, env);
    apps.push(running);
    await waitForOutput(running, 'outbox relay started');
    return running;
  };

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedRouting(database.dataSource);
    sims = await startSimulators();
    env = {
      DATABASE_URL: database.url,
      SMPP_PORT: String(await freePort()),
      HTTP_PORT: String(await freePort()),
      RABBITMQ_URL: undefined,
      LOG_LEVEL: 'log',
      PIPELINE_FINAL_DLR_TIMEOUT_MS: FINAL_DLR_TIMEOUT_MS,
      ...sims.env,
    };
  });
  afterAll(async () => {
    await stopAll(apps);
    await sims?.stop();
    await database?.drop();
  });

  it('after a restart on the same database every ESME_ROK message ends final with one receipt; ledger clean', async () => {
    const first = await startAggregator();
    const port = Number(env.SMPP_PORT);
    const transmitter = await TenantClient.connect(port);
    expect((await transmitter.bind('transmitter', TENANT.systemId, TENANT.password)).command_status).toBe(0);
    // No receiver yet: receipts wait in the durable tenant queue, so none can be in flight at the kill.
    const accepted = await submitMany(transmitter, 200, () => undefined);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(accepted).toHaveLength(200);
    await transmitter.close().catch(() => undefined);

    await startAggregator();
    const { client: receiver, receipts } = await receiptCollector(port, 'receiver');
    await expectNoLoss(database, accepted, receipts, apps);
    await receiver.close();
  });
});
