import type { AcceptedAttempt } from './connector.repository';

/**
 * This connector's own accepted attempts by normalised provider id, so that a receipt for a message it sent is
 * correlated without a database read. Two kinds of entry:
 * - landing: the submit_sm_resp arrived and its attempt is being stored. A receipt for it waits for that write (the
 *   response has landed; only the row is missing) instead of being parked in the database.
 * - stored: the accepted attempt as the database holds it (the key → message link never changes).
 * A miss proves nothing (another instance of the connector may have sent it, or the entry was evicted): the caller
 * then reads the database. Bounded: the oldest stored entries are dropped beyond `capacity`.
 */
export class AcceptedAttempts {
  private readonly stored = new Map<string, AcceptedAttempt>();
  private readonly landing = new Map<string, Promise<AcceptedAttempt | undefined>>();

  constructor(private readonly capacity = 100_000) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
  }

  get size(): number {
    return this.stored.size + this.landing.size;
  }

  /**
   * The accepted attempt of `key`: at once when stored, a promise while its row is being written (undefined when the
   * write failed), undefined when this connector does not know the key.
   */
  get(key: string): AcceptedAttempt | Promise<AcceptedAttempt | undefined> | undefined {
    return this.stored.get(key) ?? this.landing.get(key);
  }

  /** The response for `key` landed; `write` stores its attempt and resolves to it once committed. */
  land(key: string, write: Promise<AcceptedAttempt>): void {
    const settled = write.then(
      (attempt) => {
        if (this.landing.get(key) === settled) this.landing.delete(key);
        this.remember(key, attempt);
        return attempt;
      },
      () => {
        if (this.landing.get(key) === settled) this.landing.delete(key);
        return undefined;
      },
    );
    this.landing.set(key, settled);
  }

  remember(key: string, attempt: AcceptedAttempt): void {
    this.stored.delete(key);
    this.stored.set(key, attempt);
    if (this.stored.size > this.capacity) {
      const oldest = this.stored.keys().next();
      if (oldest.done !== true) this.stored.delete(oldest.value);
    }
  }

  /** After a final receipt: later ones (duplicates) are rare and read the database. */
  forget(key: string): void {
    this.stored.delete(key);
  }
}
