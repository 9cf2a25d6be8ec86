import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written inside `withCorrelation` carries. */
export interface LogContext {
  /** Our message id (messages.id): the same from the submit to the final DLR reaching the tenant. */
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/**
 * Runs `work` with `correlationId` attached to every log line written by it and by everything it awaits or
 * schedules (timers, promises, socket callbacks created inside). Work that crosses a queue (bus, database row)
 * loses the async context: the consumer calls `withCorrelation` again with the message id it read.
 */
export function withCorrelation<T>(correlationId: string, work: () => T): T {
  return storage.run({ correlationId }, work);
}

/** The correlation id of the current async context, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}
