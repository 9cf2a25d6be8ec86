import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import type { Bus, Delivery } from './bus';
import { deduplicating, RecentMessageIds } from './deduplicating';
import { OutboxRelay } from './outbox-relay';
import { RabbitMqBus } from './rabbitmq-bus';
import { deleteQueues, eventually, rabbitMqUrl, uniqueTopic } from './testing/bus-test-kit';

/** A TCP forwarder to the broker that the test can cut and restore on the same port: "RabbitMQ down, then back". */
class BrokerLink {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async up(): Promise<void> {
    const target = new URL(rabbitMqUrl());
    const server = createServer((client) => {
      const upstream = connectTcp(Number(target.port || 5672), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  url(): string {
    const target = new URL(rabbitMqUrl());
    target.host = `127.0.0.1:${this.port}`;
    return target.toString();
  }
}

describe('OutboxRelay (Postgres + RabbitMQ)', () => {
  let db: TestDatabase;
  let bus: RabbitMqBus;
  const topics: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    bus = new RabbitMqBus({ url: rabbitMqUrl(), publishTimeoutMs: 5_000, reconnectDelayMs: 100 });
  });

  afterAll(async () => {
    await bus.close();
    await db.drop();
    await deleteQueues(topics);
  });

  beforeEach(async () => {
    await db.dataSource.query('DELETE FROM outbox');
  });

  async function insertRows(topic: string, count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      await db.dataSource.query('INSERT INTO outbox (topic, message_id, payload) VALUES ($1, $2, $3)', [
        topic,
        `msg-${i}`,
        JSON.stringify({ messageId: `msg-${i}` }),
      ]);
    }
  }

  async function unpublished(): Promise<number> {
    const [row] = await db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
    );
    return row.n;
  }

  function newTopic(): string {
    const topic = uniqueTopic('outbox');
    topics.push(topic);
    return topic;
  }

  it('publishes unpublished rows in id order and marks them once confirmed', async () => {
    const topic = newTopic();
    await insertRows(topic, 5);
    const relay = new OutboxRelay(db.dataSource, bus, { batchSize: 2, pollMs: 10 });
    const seen: Delivery[] = [];
    const consumer = await bus.consume(topic, (d) => Promise.resolve(void seen.push(d)), { prefetch: 10 });
    relay.start();
    await eventually(() => seen.length === 5);
    await eventually(async () => (await unpublished()) === 0);
    await relay.stop();
    expect(seen.map((d) => d.messageId)).toEqual(['msg-0', 'msg-1', 'msg-2', 'msg-3', 'msg-4']);
    expect(seen[0].body).toEqual({ messageId: 'msg-0' });
    await consumer.close();
  });

  it('leaves rows unpublished while the broker is unreachable and publishes them when it returns', async () => {
    const topic = newTopic();
    const link = new BrokerLink();
    await link.up();
    const linkedBus = new RabbitMqBus({ url: link.url(), publishTimeoutMs: 300, reconnectDelayMs: 50 });
    try {
      await linkedBus.waitForConnect();
      await link.down();
      await eventually(() => !linkedBus.isConnected());
      await insertRows(topic, 3);
      const relay = new OutboxRelay(db.dataSource, linkedBus, { batchSize: 10, pollMs: 20 });
      await expect(relay.relayOnce()).rejects.toThrow(/not confirmed|timed out/);
      expect(await unpublished()).toBe(3);

      await link.up();
      relay.start();
      await eventually(async () => (await unpublished()) === 0);
      await relay.stop();
      const ready = await bus.health(topic);
      expect(ready.ready).toBeGreaterThanOrEqual(3);
    } finally {
      await linkedBus.close();
      await link.down();
    }
  });

  it('publishes again what a relay that died before marking had published; consumers dedupe', async () => {
    const topic = newTopic();
    await insertRows(topic, 2);
    // The process dies after the broker confirmed and before the mark commits: the transaction rolls back.
    const dyingBus: Bus = {
      publish: async (t, message, options) => {
        await bus.publish(t, message, options);
        throw new Error('relay killed after the confirm');
      },
      consume: (t, handler, options) => bus.consume(t, handler, options),
      health: (t) => bus.health(t),
      close: () => Promise.resolve(),
    };
    await expect(
      new OutboxRelay(db.dataSource, dyingBus, { batchSize: 10, pollMs: 10 }).relayOnce(),
    ).rejects.toThrow('relay killed');
    expect(await unpublished()).toBe(2);

    expect(await new OutboxRelay(db.dataSource, bus, { batchSize: 10, pollMs: 10 }).relayOnce()).toBe(2);
    expect(await unpublished()).toBe(0);

    const handled: string[] = [];
    const duplicates: string[] = [];
    const consumer = await bus.consume(
      topic,
      deduplicating(
        (d) => Promise.resolve(void handled.push(d.messageId)),
        new RecentMessageIds(),
        (d) => duplicates.push(d.messageId),
      ),
      { prefetch: 10 },
    );
    await eventually(() => handled.length + duplicates.length === 4);
    expect(handled).toEqual(['msg-0', 'msg-1']);
    expect(duplicates.sort()).toEqual(['msg-0', 'msg-1']);
    await consumer.close();
  });
});
