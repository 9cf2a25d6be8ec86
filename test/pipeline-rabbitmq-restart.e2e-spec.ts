import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { reconcile } from '@app/billing';
import { CommandStatus } from '@app/smpp';
import { createTestDatabase, type RunningApp, type TestDatabase } from '@app/testing';
import { TenantClient } from '../libs/gateway/src/server/testing/node-smpp-client';
import {
  eventually,
  finalReceiptCounts,
  receiptCollector,
  seedRouting,
  startSimulators,
  TENANT,
  startDistributed,
  killAll,
  type Simulators,
} from './pipeline/pipeline-fixture';

const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
const MESSAGES = 300;
const CONCURRENCY = 10;
const RABBITMQCTL_TIMEOUT_MS = 60_000;

const run = promisify(execFile);
const rabbitmqctl = (...args: string[]) => run('rabbitmqctl', args, { timeout: RABBITMQCTL_TIMEOUT_MS });

/** stop_app, `whileDown`, then start_app; the broker is always started again and awaited, also when a step fails. */
async function withBrokerStopped(whileDown: () => Promise<void>): Promise<void> {
  try {
    await rabbitmqctl('stop_app');
    await whileDown();
  } finally {
    await rabbitmqctl('start_app');
    await rabbitmqctl('await_startup', '--timeout', String(RABBITMQCTL_TIMEOUT_MS / 1000));
  }
}

/** One accepted submit; ESME_RTHROTTLED is retried at most 100 times. Resolves to the message id. */
async function submitOne(transmitter: TenantClient, i: number): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await transmitter.submit({
      source_addr: 'ACME',
      // The simulators deliver destinations ending in 0.
      destination_addr: `45400${String(i).padStart(4, '0')}0`,
      registered_delivery: 1,
      short_message: `restart ${i}`,
    });
    if (response.command_status === CommandStatus.ESME_ROK) return response.message_id!;
    if (response.command_status !== CommandStatus.ESME_RTHROTTLED) {
      throw new Error(`submit ${i}: command_status 0x${response.command_status.toString(16)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`submit ${i}: still throttled after 100 tries`);
}

describe('distributed: a RabbitMQ restart mid-load', () => {
  jest.setTimeout(240_000);
  let database: TestDatabase;
  let sims: Simulators;
  const apps: RunningApp[] = [];
  let smppPort: number;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedRouting(database.dataSource);
    sims = await startSimulators();
    const started = await startDistributed({ DATABASE_URL: database.url, ...sims.env }, 1, RABBITMQ_URL);
    apps.push(...started.apps);
    smppPort = started.smppPorts[0];
  });
  afterAll(async () => {
    await killAll(apps);
    await sims?.stop();
    await database?.drop();
  });

  it('every accepted message ends in one final state with one final receipt; the ledger reconciles', async () => {
    const { client: receiver, receipts } = await receiptCollector(smppPort, 'receiver');
    const transmitter = await TenantClient.connect(smppPort);
    expect((await transmitter.bind('transmitter', TENANT.systemId, TENANT.password)).command_status).toBe(0);

    const accepted: string[] = [];
    const submitRange = async (from: number, to: number): Promise<void> => {
      for (let start = from; start < to; start += CONCURRENCY) {
        const size = Math.min(CONCURRENCY, to - start);
        accepted.push(
          ...(await Promise.all(Array.from({ length: size }, (_, k) => submitOne(transmitter, start + k)))),
        );
      }
    };
    // A third before the stop (in flight through the bus when it stops), a third accepted while the broker is
    // down (committed to the outbox, unpublished), a third after it is back.
    const third = MESSAGES / 3;
    await submitRange(0, third);
    await withBrokerStopped(() => submitRange(third, 2 * third));
    await submitRange(2 * third, MESSAGES);
    expect(accepted).toHaveLength(MESSAGES);
    // The restart happened while the apps were connected: they saw the broker go away.
    expect(apps.some((running) => running.output().includes('disconnected from RabbitMQ'))).toBe(true);

    await eventually(
      `a final receipt for each of ${MESSAGES} accepted messages`,
      () => {
        const counts = finalReceiptCounts(receipts);
        return Promise.resolve(accepted.every((id) => counts.has(id)));
      },
      120_000,
    ).catch((error: unknown) => {
      const counts = finalReceiptCounts(receipts);
      throw new Error(
        `${String(error)}: ${accepted.filter((id) => !counts.has(id)).length} missing\n` +
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
    const finalRows: Array<{ message_id: string }> = await database.dataSource.query(
      `SELECT message_id FROM tenant_deliveries WHERE kind = 'dlr' AND final`,
    );
    expect(finalRows.map((row) => row.message_id).sort()).toEqual([...accepted].sort());
    const report = await reconcile(database.dataSource);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
    await transmitter.close();
    await receiver.close();
  });
});
