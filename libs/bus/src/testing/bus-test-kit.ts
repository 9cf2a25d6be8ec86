import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { loadConfig } from '@app/config';

/** RabbitMQ the tests use (`.ci/run` starts the machine's broker). */
export function rabbitMqUrl(): string {
  return loadConfig().rabbitmqUrl ?? 'amqp://guest:guest@127.0.0.1:5672';
}

export function uniqueTopic(prefix: string): string {
  return `test.${prefix}.${randomUUID()}`;
}

/** Polls `condition` every 10 ms until it holds; fails after `limitMs` (a bound, not a timing assertion). */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  limitMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export async function deleteQueues(topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const connection = await connect(rabbitMqUrl());
  try {
    const channel = await connection.createChannel();
    for (const topic of topics) await channel.deleteQueue(topic);
    await channel.close();
  } finally {
    await connection.close();
  }
}
