import { Logger } from '@nestjs/common';
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

interface QueuedMessage {
  readonly messageId: string;
  readonly content: Buffer;
  redelivered: boolean;
}

interface LocalConsumer {
  readonly handler: BusHandler;
  readonly prefetch: number;
  readonly inFlight: Set<QueuedMessage>;
  /** False once closed or aborted: takes no more messages. */
  active: boolean;
  /** True once aborted: handler results are ignored, the messages were already requeued. */
  aborted: boolean;
  idle?: () => void;
}

interface LocalQueue {
  readonly ready: QueuedMessage[];
  readonly consumers: LocalConsumer[];
  nextConsumer: number;
  dispatchScheduled: boolean;
}

/**
 * The bus inside one process (the all-in-one app): same contract as RabbitMQ, without durability of its own — the
 * outbox rows are the durable copy, and they are marked published once `publish` resolves, i.e. once queued here.
 * Messages are JSON-encoded on publish like on the wire, so consumers see the same values with either bus.
 */
export class InProcessBus implements Bus {
  private readonly logger = new Logger('InProcessBus');
  private readonly queues = new Map<string, LocalQueue>();
  private closed = false;

  publish(topic: string, message: unknown, options: PublishOptions): Promise<void> {
    try {
      this.checkOpen();
      checkPublish(topic, options);
      const content = encodeMessage(topic, message);
      const queue = this.queue(topic);
      queue.ready.push({ messageId: options.messageId, content, redelivered: false });
      this.scheduleDispatch(queue, topic);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new BusError(String(error)));
    }
  }

  consume(topic: string, handler: BusHandler, options: ConsumeOptions): Promise<BusConsumer> {
    try {
      this.checkOpen();
      checkConsume(topic, options);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new BusError(String(error)));
    }
    const queue = this.queue(topic);
    const consumer: LocalConsumer = {
      handler,
      prefetch: options.prefetch,
      inFlight: new Set(),
      active: true,
      aborted: false,
    };
    queue.consumers.push(consumer);
    this.scheduleDispatch(queue, topic);
    const detach = (): void => {
      consumer.active = false;
      const index = queue.consumers.indexOf(consumer);
      if (index >= 0) queue.consumers.splice(index, 1);
    };
    return Promise.resolve({
      close: async () => {
        detach();
        if (consumer.inFlight.size > 0) await new Promise<void>((resolve) => (consumer.idle = resolve));
      },
      abort: () => {
        detach();
        consumer.aborted = true;
        const returned = [...consumer.inFlight];
        consumer.inFlight.clear();
        for (const message of returned) message.redelivered = true;
        queue.ready.unshift(...returned);
        this.scheduleDispatch(queue, topic);
        return Promise.resolve();
      },
    });
  }

  health(topic: string): Promise<TopicHealth> {
    checkTopic(topic);
    const queue = this.queues.get(topic);
    const consumers = queue?.consumers.length ?? 0;
    const ready = queue?.ready.length ?? 0;
    if (this.closed)
      return Promise.resolve({ topic, consumers, ready, healthy: false, reason: 'bus closed' });
    if (consumers === 0)
      return Promise.resolve({ topic, consumers, ready, healthy: false, reason: 'no consumer' });
    return Promise.resolve({ topic, consumers, ready, healthy: true });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private checkOpen(): void {
    if (this.closed) throw new BusError('bus closed');
  }

  private queue(topic: string): LocalQueue {
    let queue = this.queues.get(topic);
    if (queue === undefined) {
      queue = { ready: [], consumers: [], nextConsumer: 0, dispatchScheduled: false };
      this.queues.set(topic, queue);
    }
    return queue;
  }

  /** Dispatch runs on a later turn, so that a rejected message is not redelivered inside its own handler's stack. */
  private scheduleDispatch(queue: LocalQueue, topic: string): void {
    if (queue.dispatchScheduled) return;
    queue.dispatchScheduled = true;
    setImmediate(() => {
      queue.dispatchScheduled = false;
      this.dispatch(queue, topic);
    });
  }

  private dispatch(queue: LocalQueue, topic: string): void {
    while (queue.ready.length > 0 && !this.closed) {
      const consumer = this.nextWithCapacity(queue);
      if (consumer === undefined) return;
      const message = queue.ready.shift() as QueuedMessage;
      consumer.inFlight.add(message);
      this.deliver(queue, topic, consumer, message);
    }
  }

  /** Round robin over the consumers that still have room in their prefetch window. */
  private nextWithCapacity(queue: LocalQueue): LocalConsumer | undefined {
    const count = queue.consumers.length;
    for (let step = 0; step < count; step += 1) {
      const consumer = queue.consumers[(queue.nextConsumer + step) % count];
      if (consumer.active && consumer.inFlight.size < consumer.prefetch) {
        queue.nextConsumer = (queue.nextConsumer + step + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }

  private deliver(queue: LocalQueue, topic: string, consumer: LocalConsumer, message: QueuedMessage): void {
    let body: unknown;
    try {
      body = JSON.parse(message.content.toString()) as unknown;
    } catch {
      body = undefined;
    }
    const settle = (requeue: boolean): void => {
      if (consumer.aborted || !consumer.inFlight.delete(message)) return;
      if (requeue) {
        message.redelivered = true;
        queue.ready.push(message);
      }
      if (consumer.inFlight.size === 0) consumer.idle?.();
      this.scheduleDispatch(queue, topic);
    };
    const delivery = { topic, messageId: message.messageId, body, redelivered: message.redelivered };
    let handling: Promise<void>;
    try {
      handling = consumer.handler(delivery);
    } catch (error) {
      handling = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    handling.then(
      () => settle(false),
      (error: unknown) => {
        this.logger.warn(`${topic} ${message.messageId}: handler failed, requeued: ${String(error)}`);
        settle(true);
      },
    );
  }
}
