import { join } from 'node:path';
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
  type Simulators,
} from './pipeline/pipeline-fixture';

const REPO_ROOT = join(__dirname, '..');
const app = (name: string): string => join(REPO_ROOT, 'apps', name, 'src', 'main.ts');
const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

describe('distributed: two smpp-servers and two connector apps over RabbitMQ', () => {
  jest.setTimeout(180_000);
  let database: TestDatabase;
  let sims: Simulators;
  const apps: RunningApp[] = [];
  const ports: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedRouting(database.dataSource);
    sims = await startSimulators();
    const common = { DATABASE_URL: database.url, RABBITMQ_URL, LOG_LEVEL: 'log', ...sims.env };
    for (let i = 0; i < 2; i++) {
      ports.push(await freePort());
      apps.push(
        spawnApp(app('smpp-server'), REPO_ROOT, {
          ...common,
          SMPP_PORT: String(ports[i]),
          HTTP_PORT: String(await freePort()),
        }),
      );
    }
    for (const name of ['connector-infobip', 'connector-gatewayapi']) {
      apps.push(spawnApp(app(name), REPO_ROOT, { ...common, HTTP_PORT: String(await freePort()) }));
    }
    await Promise.all([
      waitForOutput(apps[0], 'SMPP server ready'),
      waitForOutput(apps[1], 'SMPP server ready'),
      waitForOutput(apps[2], 'TPS, window'),
      waitForOutput(apps[3], 'TPS, window'),
    ]);
  });
  afterAll(async () => {
    for (const running of apps) if (running.child.exitCode === null) running.child.kill('SIGKILL');
    await Promise.all(apps.map((running) => running.exited));
    await sims?.stop();
    await database?.drop();
  });

  it('a tenant bound as receiver on one instance gets the receipts of messages submitted through the other', async () => {
    const { client: receiver, receipts } = await receiptCollector(ports[1], 'receiver');
    const transmitter = await TenantClient.connect(ports[0]);
    expect((await transmitter.bind('transmitter', TENANT.systemId, TENANT.password)).command_status).toBe(0);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      // Last digit 0 delivered, 5 rerouted to gatewayapi and rejected there too.
      const response = await transmitter.submit({
        source_addr: 'ACME',
        destination_addr: `45200${String(i).padStart(3, '0')}${i % 2 === 0 ? '0' : '5'}`,
        registered_delivery: 1,
        short_message: `hello ${i}`,
      });
      expect(response.command_status).toBe(CommandStatus.ESME_ROK);
      ids.push(response.message_id!);
    }
    await eventually(
      'a final receipt for every message on the receiver bind',
      () => {
        const counts = finalReceiptCounts(receipts);
        return Promise.resolve(ids.every((id) => counts.has(id)));
      },
      60_000,
    ).catch((error: unknown) => {
      throw new Error(
        `${String(error)}\n${apps.map((running) => running.output().slice(-3000)).join('\n---\n')}`,
      );
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counts = finalReceiptCounts(receipts);
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
    const statuses: Array<{ status: string; n: number }> = await database.dataSource.query(
      `SELECT status, COUNT(*)::int AS n FROM messages GROUP BY status ORDER BY status`,
    );
    expect(statuses).toEqual([
      { status: 'delivered', n: 10 },
      { status: 'rejected', n: 10 },
    ]);
    await transmitter.close();
    await receiver.close();
  });
});
