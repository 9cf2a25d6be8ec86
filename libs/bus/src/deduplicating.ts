import type { BusHandler, Delivery } from './bus';

/** Where a consumer remembers the message ids it has finished. */
export interface ProcessedMessages {
  has(messageId: string): Promise<boolean>;
  add(messageId: string): Promise<void>;
}

/**
 * The most recent `capacity` ids in memory. Enough for redeliveries within one process; a consumer whose effects
 * must be exactly-once across restarts keeps its ids where it keeps its state (a unique key in the same
 * transaction) and implements `ProcessedMessages` on that.
 */
export class RecentMessageIds implements ProcessedMessages {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 100_000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  has(messageId: string): Promise<boolean> {
    return Promise.resolve(this.ids.has(messageId));
  }

  add(messageId: string): Promise<void> {
    this.ids.delete(messageId);
    this.ids.add(messageId);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (oldest.done !== true) this.ids.delete(oldest.value);
    }
    return Promise.resolve();
  }
}

/**
 * Wraps a handler so that each message id is handled to completion once: a copy of a finished message is
 * acknowledged without calling `handler` (`onDuplicate` is told), and a copy arriving while the first is still in
 * this process's hands waits for it.
 */
export function deduplicating(
  handler: BusHandler,
  processed: ProcessedMessages,
  onDuplicate?: (delivery: Delivery) => void,
): BusHandler {
  const inFlight = new Map<string, Promise<void>>();
  return (delivery) => {
    const id = delivery.messageId;
    // Copies of one id are chained synchronously, before any await, so that two copies never run side by side.
    const previous = inFlight.get(id) ?? Promise.resolve();
    const handling = previous
      .catch(() => undefined)
      .then(async () => {
        if (await processed.has(id)) {
          onDuplicate?.(delivery);
          return;
        }
        await handler(delivery);
        await processed.add(id);
      });
    inFlight.set(id, handling);
    return handling.finally(() => {
      if (inFlight.get(id) === handling) inFlight.delete(id);
    });
  };
}
