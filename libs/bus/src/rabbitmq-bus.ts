import { Logger } from '@nestjs/common';
import { connect, type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import {
  BusError,
  checkConsume,
  checkPublish,
  checkTopic,
  encodeMessage,
  type Bus,
  type BusConsumer,
  type BusHandler,
  type ConsumeOptions,
  type PublishOptions,
  type TopicHealth,
} from './bus';

/**
 * Every topic is a durable quorum queue (replicated, survives a broker restart). Quorum queues refuse
 * `durable: false`, exclusive and auto-delete, so these options are the only ones a queue of ours may be declared
 * with; a declaration with other arguments fails with PRECONDITION_FAILED.
 */
export const QUEUE_OPTIONS: Options.AssertQueue = Object.freeze({
  durable: true,
  arguments: { 'x-queue-type': 'quorum' },
});

export interface RabbitMqBusOptions {
  /** amqp://user:password@host:port/vhost */
  readonly url: string;
  /** A publish not confirmed by the broker within this time is rejected (and may still arrive: at least once). */
  readonly publishTimeoutMs?: number;
  readonly reconnectDelayMs?: number;
  readonly heartbeatSeconds?: number;
}

/**
 * RabbitMQ adapter of the bus, on amqp-connection-manager (the library under @nestjs/microservices' RMQ transport).
 *
 * Not through Nest's ClientRMQ/ServerRMQ themselves: a ClientRMQ or ServerRMQ serves one queue fixed at
 * construction and wraps payloads in Nest packets; ServerRMQ applies one prefetch per server, cannot detach one
 * consumer, and leaves a message unacknowledged (not requeued) when an event handler rejects, so "reject means
 * redeliver" and "health fails without a consumer" cannot be expressed with it. What this adapter sets instead of the
 * Nest defaults (auto-ack, non-persistent, unlimited prefetch): publisher confirms (a confirm channel: `publish`
 * resolves on the broker's basic.ack), `persistent: true`, durable quorum queues, `noAck: false` with ack only after
 * the handler resolves and nack-with-requeue when it rejects, and `prefetch` per consumer.
 */
export class RabbitMqBus implements Bus {
  private readonly logger = new Logger('RabbitMqBus');
  private readonly connection: AmqpConnectionManager;
  private readonly publisher: ChannelWrapper;
  private readonly inspector: ChannelWrapper;
  private readonly declared = new Map<string, Promise<void>>();
  private readonly consumers = new Set<RabbitMqConsumer>();
  private readonly publishTimeoutMs: number;
  private closed = false;

  constructor(options: RabbitMqBusOptions) {
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.connection = connect([options.url], {
      reconnectTimeInSeconds: (options.reconnectDelayMs ?? 1_000) / 1_000,
      heartbeatIntervalInSeconds: options.heartbeatSeconds ?? 5,
    });
    this.connection.on('disconnect', ({ err }: { err?: Error }) =>
      this.logger.warn(`disconnected from RabbitMQ: ${err?.message ?? 'closed'}`),
    );
    this.publisher = this.connection.createChannel({
      name: 'publisher',
      confirm: true,
      publishTimeout: this.publishTimeoutMs,
    });
    this.inspector = this.connection.createChannel({ name: 'inspector', confirm: false });
  }

  /** Resolves when connected, or rejects after `timeoutMs`. */
  async waitForConnect(timeoutMs = 10_000): Promise<void> {
    await withTimeout(this.publisher.waitForConnect(), timeoutMs, 'RabbitMQ not reachable');
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  async publish(topic: string, message: unknown, options: PublishOptions): Promise<void> {
    this.checkOpen();
    checkPublish(topic, options);
    const content = encodeMessage(topic, message);
    await this.declare(topic);
    try {
      await this.publisher.sendToQueue(topic, content, {
        persistent: true,
        messageId: options.messageId,
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000),
      });
    } catch (error) {
      throw new BusError(`publish to ${topic} not confirmed: ${errorText(error)}`, { cause: error });
    }
  }

  async consume(topic: string, handler: BusHandler, options: ConsumeOptions): Promise<BusConsumer> {
    this.checkOpen();
    checkConsume(topic, options);
    const consumer = new RabbitMqConsumer(
      this.connection,
      topic,
      handler,
      options.prefetch,
      this.logger,
      () => this.consumers.delete(consumer),
    );
    this.consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  async health(topic: string): Promise<TopicHealth> {
    checkTopic(topic);
    if (this.closed) return { topic, consumers: 0, ready: 0, healthy: false, reason: 'bus closed' };
    if (!this.connection.isConnected()) {
      return { topic, consumers: 0, ready: 0, healthy: false, reason: 'not connected to RabbitMQ' };
    }
    try {
      // assertQueue with our own arguments is idempotent and, unlike checkQueue, does not close the channel when
      // the queue does not exist yet.
      const queue = await withTimeout(
        this.inspector.assertQueue(topic, QUEUE_OPTIONS),
        this.publishTimeoutMs,
        'queue status timed out',
      );
      const healthy = queue.consumerCount > 0;
      return {
        topic,
        consumers: queue.consumerCount,
        ready: queue.messageCount,
        healthy,
        ...(healthy ? {} : { reason: 'no consumer' }),
      };
    } catch (error) {
      return { topic, consumers: 0, ready: 0, healthy: false, reason: errorText(error) };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    await this.connection.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new BusError('bus closed');
  }

  /** Declares the topic's queue once per process and again on every reconnect (addSetup runs per channel). */
  private declare(topic: string): Promise<void> {
    let declared = this.declared.get(topic);
    if (declared === undefined) {
      declared = withTimeout(
        this.publisher.addSetup(async (channel: Channel) => {
          await channel.assertQueue(topic, QUEUE_OPTIONS);
        }),
        this.publishTimeoutMs,
        `declaring queue ${topic} timed out`,
      ).catch((error: unknown) => {
        this.declared.delete(topic);
        throw new BusError(`publish to ${topic}: ${errorText(error)}`, { cause: error });
      });
      this.declared.set(topic, declared);
    }
    return declared;
  }
}

/** One consumer on its own channel, so that its prefetch is its own and closing it returns only its messages. */
class RabbitMqConsumer implements BusConsumer {
  private readonly channel: ChannelWrapper;
  private readonly inFlight = new Set<Promise<void>>();
  private consumerTag: string | undefined;
  private active = true;
  private aborted = false;

  constructor(
    connection: AmqpConnectionManager,
    private readonly topic: string,
    private readonly handler: BusHandler,
    prefetch: number,
    private readonly logger: Logger,
    private readonly onClosed: () => void,
  ) {
    this.channel = connection.createChannel({
      name: `consumer:${topic}`,
      confirm: false,
      setup: async (channel: Channel) => {
        await channel.assertQueue(topic, QUEUE_OPTIONS);
        await channel.prefetch(prefetch, false);
        const { consumerTag } = await channel.consume(topic, (message) => this.onMessage(channel, message), {
          noAck: false,
        });
        this.consumerTag = consumerTag;
      },
    });
  }

  async start(): Promise<void> {
    await this.channel.waitForConnect();
  }

  async close(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    const tag = this.consumerTag;
    if (tag !== undefined) await this.channel.cancel(tag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    await this.channel.close();
    this.onClosed();
  }

  async abort(): Promise<void> {
    this.active = false;
    this.aborted = true;
    // Closing the channel returns every unacknowledged message to the queue (AMQP 0-9-1 §4.2.6 / basic.recover).
    await this.channel.close();
    this.onClosed();
  }

  private onMessage(channel: Channel, message: ConsumeMessage | null): void {
    // null: the broker cancelled the consumer (queue deleted); the channel wrapper re-runs setup on reconnect.
    if (message === null) return;
    const messageId = typeof message.properties.messageId === 'string' ? message.properties.messageId : '';
    let body: unknown;
    try {
      body = JSON.parse(message.content.toString()) as unknown;
    } catch {
      this.logger.error(`${this.topic} ${messageId}: not JSON, dropped`);
      this.settle(channel, message, 'drop');
      return;
    }
    const delivery = { topic: this.topic, messageId, body, redelivered: message.fields.redelivered };
    let handling: Promise<void>;
    try {
      handling = this.handler(delivery);
    } catch (error) {
      handling = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const settled = handling.then(
      () => this.settle(channel, message, 'ack'),
      (error: unknown) => {
        this.logger.warn(`${this.topic} ${messageId}: handler failed, requeued: ${errorText(error)}`);
        this.settle(channel, message, 'requeue');
      },
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  private settle(channel: Channel, message: ConsumeMessage, how: 'ack' | 'requeue' | 'drop'): void {
    if (this.aborted) return;
    try {
      if (how === 'ack') channel.ack(message);
      else channel.nack(message, false, how === 'requeue');
    } catch (error) {
      // The channel died with the message unacknowledged: the broker redelivers it.
      this.logger.warn(`${this.topic}: could not settle a message on a closed channel: ${errorText(error)}`);
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BusError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
