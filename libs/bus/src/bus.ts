/** A message as a consumer receives it. `body` is the decoded JSON; validate it with `parseContract`. */
export interface Delivery {
  readonly topic: string;
  /** The id given at publish; redeliveries and republished copies carry the same id. */
  readonly messageId: string;
  readonly body: unknown;
  /** True when this copy was delivered before and not acknowledged (handler rejected, consumer died). */
  readonly redelivered: boolean;
}

/** Resolve: the message is acknowledged and gone. Reject: it is returned to the queue and delivered again. */
export type BusHandler = (delivery: Delivery) => Promise<void>;

export interface PublishOptions {
  /** Deduplication key of the message (for example our message id and attempt number). */
  readonly messageId: string;
}

export interface ConsumeOptions {
  /** Unacknowledged messages this consumer may hold at once (a connector's window). */
  readonly prefetch: number;
}

export interface BusConsumer {
  /** Stops taking messages and waits for the handlers in flight; their results are still acknowledged. */
  close(): Promise<void>;
  /**
   * Stops at once, as a crash would: messages in flight are returned to the queue for another consumer, and what
   * their handlers later decide is ignored.
   */
  abort(): Promise<void>;
}

export interface TopicHealth {
  readonly topic: string;
  /** Consumers attached to the topic's queue (across processes for RabbitMQ). */
  readonly consumers: number;
  /** Messages waiting, not yet delivered. */
  readonly ready: number;
  /** False when nothing consumes the topic or the transport is not connected. */
  readonly healthy: boolean;
  readonly reason?: string;
}

/**
 * The message bus between processes (RabbitMQ) or inside one (in-process). Each topic is one durable queue, read
 * by competing consumers; delivery is at least once, so consumers deduplicate by `messageId`
 * (see `deduplicating`).
 */
export interface Bus {
  /** Resolves once the message is safe: confirmed by the broker (RabbitMQ) or queued (in-process). */
  publish(topic: string, message: unknown, options: PublishOptions): Promise<void>;
  /** Nothing is acknowledged before `handler` resolves; never auto-ack. */
  consume(topic: string, handler: BusHandler, options: ConsumeOptions): Promise<BusConsumer>;
  health(topic: string): Promise<TopicHealth>;
  close(): Promise<void>;
}

/** A publish or consume that the bus refused: bad arguments, a closed bus or an unconfirmed publish. */
export class BusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BusError';
  }
}

const TOPIC_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

export function checkTopic(topic: string): void {
  if (!TOPIC_PATTERN.test(topic)) throw new BusError(`invalid topic ${JSON.stringify(topic)}`);
}

export function checkPublish(topic: string, options: PublishOptions): void {
  checkTopic(topic);
  if (
    typeof options.messageId !== 'string' ||
    options.messageId.length === 0 ||
    options.messageId.length > 255
  ) {
    throw new BusError(`publish to ${topic}: messageId must be a non-empty string of at most 255 characters`);
  }
}

export function checkConsume(topic: string, options: ConsumeOptions): void {
  checkTopic(topic);
  if (!Number.isInteger(options.prefetch) || options.prefetch < 1 || options.prefetch > 65_535) {
    throw new BusError(
      `consume ${topic}: prefetch must be an integer 1-65535, got ${String(options.prefetch)}`,
    );
  }
}

/** Messages cross the bus as JSON text, in both adapters, so that both hand consumers the same values. */
export function encodeMessage(topic: string, message: unknown): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(message);
  } catch (error) {
    throw new BusError(`publish to ${topic}: message is not serialisable as JSON`, { cause: error });
  }
  if (text === undefined) throw new BusError(`publish to ${topic}: message is not serialisable as JSON`);
  return Buffer.from(text);
}
