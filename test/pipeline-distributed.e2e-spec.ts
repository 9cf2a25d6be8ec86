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
    const started = await startDistributed({ DATABASE_URL: database.url, ...sims.env }, 2);
    apps.push(...started.apps);
    ports.push(...started.smppPorts);
  });
  afterAll(async () => {
    await killAll(apps);
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
