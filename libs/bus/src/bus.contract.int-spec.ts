import { connect } from 'amqplib';
import type { Bus, Delivery } from './bus';
import { deduplicating, RecentMessageIds } from './deduplicating';
import { InProcessBus } from './in-process-bus';
import { QUEUE_OPTIONS, RabbitMqBus } from './rabbitmq-bus';
import {
  deferred,
  deleteQueues,
  eventually,
  rabbitMqUrl,
  uniqueTopic,
  type Deferred,
} from './testing/bus-test-kit';

type Adapter = readonly [name: string, make: () => Bus];

const ADAPTERS: readonly Adapter[] = [
  ['in-process', () => new InProcessBus()],
  ['rabbitmq', () => new RabbitMqBus({ url: rabbitMqUrl(), publishTimeoutMs: 5_000, reconnectDelayMs: 100 })],
];

describe.each(ADAPTERS)('bus contract: %s', (name, make) => {
  let bus: Bus;
  const topics: string[] = [];
  const topic = (): string => {
    const created = uniqueTopic(name);
    topics.push(created);
    return created;
  };

  beforeAll(() => {
    bus = make();
  });

  afterAll(async () => {
    await bus.close();
    if (name === 'rabbitmq') await deleteQueues(topics);
  });

  it('delivers published messages with their ids and JSON bodies', async () => {
    const t = topic();
    await bus.publish(t, { n: 1, at: new Date('2025-01-01T00:00:00Z') }, { messageId: 'a' });
    await bus.publish(t, { n: 2 }, { messageId: 'b' });
    const seen: Delivery[] = [];
    const consumer = await bus.consume(t, (d) => Promise.resolve(void seen.push(d)), { prefetch: 10 });
    await eventually(() => seen.length === 2);
    expect(seen.map((d) => [d.messageId, d.body, d.redelivered])).toEqual([
      ['a', { n: 1, at: '2025-01-01T00:00:00.000Z' }, false],
      ['b', { n: 2 }, false],
    ]);
    await consumer.close();
  });

  it('acknowledges only after the handler resolves: a dead consumer hands its pending message to another', async () => {
    const t = topic();
    const held: Deferred = deferred();
    const first: string[] = [];
    const a = await bus.consume(
      t,
      (d) => {
        first.push(d.messageId);
        return d.messageId === 'done' ? Promise.resolve() : held.promise;
      },
      { prefetch: 5 },
    );
    await bus.publish(t, {}, { messageId: 'done' });
    await bus.publish(t, {}, { messageId: 'pending' });
    await eventually(() => first.length === 2);
    await a.abort();
    held.resolve();

    const second: Delivery[] = [];
    const b = await bus.consume(t, (d) => Promise.resolve(void second.push(d)), { prefetch: 5 });
    await eventually(() => second.length === 1);
    expect(second.map((d) => [d.messageId, d.redelivered])).toEqual([['pending', true]]);
    await b.close();
    expect(await bus.health(t)).toMatchObject({ ready: 0 });
  });

  it('redelivers a message whose handler rejected', async () => {
    const t = topic();
    const seen: Delivery[] = [];
    const consumer = await bus.consume(
      t,
      (d) => {
        seen.push(d);
        return seen.length === 1 ? Promise.reject(new Error('not stored yet')) : Promise.resolve();
      },
      { prefetch: 1 },
    );
    await bus.publish(t, { x: 1 }, { messageId: 'retry-me' });
    await eventually(() => seen.length === 2);
    expect(seen.map((d) => [d.messageId, d.redelivered])).toEqual([
      ['retry-me', false],
      ['retry-me', true],
    ]);
    await consumer.close();
  });

  it('never holds more unacknowledged messages than the prefetch', async () => {
    const t = topic();
    for (let i = 0; i < 6; i += 1) await bus.publish(t, { i }, { messageId: `p${i}` });
    const waiting: Deferred[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let done = 0;
    const consumer = await bus.consume(
      t,
      async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const gate = deferred();
        waiting.push(gate);
        await gate.promise;
        inFlight -= 1;
        done += 1;
      },
      { prefetch: 2 },
    );
    await eventually(() => waiting.length === 2);
    await eventually(async () => (await bus.health(t)).ready === 4);
    expect(inFlight).toBe(2);
    for (let released = 0; released < 6; released += 1) {
      await eventually(() => waiting.length > released);
      waiting[released].resolve();
    }
    await eventually(() => done === 6);
    expect(maxInFlight).toBe(2);
    await consumer.close();
  });

  it('gives the messages of a crashed consumer to another consumer', async () => {
    const t = topic();
    for (let i = 0; i < 3; i += 1) await bus.publish(t, { i }, { messageId: `c${i}` });
    const crashed: string[] = [];
    const a = await bus.consume(t, (d) => new Promise<void>(() => void crashed.push(d.messageId)), {
      prefetch: 3,
    });
    await eventually(() => crashed.length === 3);
    const survivor: Delivery[] = [];
    const b = await bus.consume(t, (d) => Promise.resolve(void survivor.push(d)), { prefetch: 3 });
    await a.abort();
    await eventually(() => survivor.length === 3);
    expect(survivor.map((d) => d.messageId).sort()).toEqual(['c0', 'c1', 'c2']);
    expect(survivor.every((d) => d.redelivered)).toBe(true);
    await b.close();
  });

  it('reports a topic unhealthy while no consumer is attached', async () => {
    const t = topic();
    expect(await bus.health(t)).toMatchObject({ healthy: false, consumers: 0, reason: 'no consumer' });
    const consumer = await bus.consume(t, () => Promise.resolve(), { prefetch: 1 });
    await eventually(async () => (await bus.health(t)).healthy);
    expect(await bus.health(t)).toMatchObject({ healthy: true, consumers: 1 });
    await consumer.close();
    await eventually(async () => !(await bus.health(t)).healthy);
  });

  it('lets a deduplicating consumer handle a republished message once', async () => {
    const t = topic();
    const handled: string[] = [];
    const duplicates: string[] = [];
    const consumer = await bus.consume(
      t,
      deduplicating(
        (d) => Promise.resolve(void handled.push(d.messageId)),
        new RecentMessageIds(100),
        (d) => duplicates.push(d.messageId),
      ),
      { prefetch: 4 },
    );
    await bus.publish(t, { v: 1 }, { messageId: 'm-1' });
    await bus.publish(t, { v: 1 }, { messageId: 'm-1' });
    await bus.publish(t, { v: 2 }, { messageId: 'm-2' });
    await eventually(() => handled.length + duplicates.length === 3);
    expect(handled.sort()).toEqual(['m-1', 'm-2']);
    expect(duplicates).toEqual(['m-1']);
    await consumer.close();
  });

  it('refuses invalid topics, message ids, prefetch and unserialisable messages with a BusError', async () => {
    await expect(bus.publish('bad topic', {}, { messageId: 'x' })).rejects.toThrow('invalid topic');
    await expect(bus.publish(topic(), {}, { messageId: '' })).rejects.toThrow('messageId');
    await expect(bus.publish(topic(), { n: 1n }, { messageId: 'x' })).rejects.toThrow('not serialisable');
    await expect(bus.consume(topic(), () => Promise.resolve(), { prefetch: 0 })).rejects.toThrow('prefetch');
  });
});

describe('RabbitMQ specifics', () => {
  const bus = new RabbitMqBus({ url: rabbitMqUrl(), publishTimeoutMs: 5_000 });
  const t = uniqueTopic('rabbit');

  afterAll(async () => {
    await bus.close();
    await deleteQueues([t]);
  });

  it('publishes persistent messages to a durable quorum queue', async () => {
    await bus.publish(t, { hello: 'world' }, { messageId: 'persist-1' });
    const connection = await connect(rabbitMqUrl());
    try {
      const channel = await connection.createChannel();
      const ok = await channel.assertQueue(t, QUEUE_OPTIONS);
      expect(ok.messageCount).toBe(1);
      const message = await channel.get(t, { noAck: true });
      expect(message).not.toBe(false);
      if (message === false) return;
      expect(message.properties).toMatchObject({ deliveryMode: 2, messageId: 'persist-1' });
      await channel.close();
      // The queue exists as a durable quorum queue: a classic, non-durable declaration is refused (406).
      const probe = await connection.createChannel();
      probe.on('error', () => undefined);
      await expect(probe.assertQueue(t, { durable: false })).rejects.toThrow(/PRECONDITION_FAILED/);
    } finally {
      await connection.close();
    }
  });
});
