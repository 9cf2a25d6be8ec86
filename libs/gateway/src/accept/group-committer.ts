export class CommitQueueFullError extends Error {
  constructor(limit: number) {
    super(`more than ${limit} submits are waiting for a commit`);
    this.name = 'CommitQueueFullError';
  }
}

export interface GroupCommitterOptions {
  /** How long the first item of a batch waits for company before the batch is written. */
  readonly windowMs: number;
  /** A batch is written as soon as it has this many items. */
  readonly maxBatch: number;
  /** Items waiting (not yet in a running flush) beyond which submit() refuses at once. */
  readonly maxWaiting: number;
  /** Flushes running at once (each holds one database connection). */
  readonly maxConcurrentFlushes: number;
}

interface Waiting<I, R> {
  readonly item: I;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted within `windowMs` of each other (or until `maxBatch` of them) go to one `flush`
 * call, which must return one result per item in input order. While every flush slot is busy, items accumulate and
 * the next flush takes them together, so batches grow with the load.
 */
export class GroupCommitter<I, R> {
  private waiting: Waiting<I, R>[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private windowElapsed = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly options: GroupCommitterOptions,
    private readonly flush: (items: I[]) => Promise<R[]>,
  ) {}

  get waitingCount(): number {
    return this.waiting.length;
  }

  get runningFlushes(): number {
    return this.running;
  }

  submit(item: I): Promise<R> {
    if (this.waiting.length >= this.options.maxWaiting) {
      return Promise.reject(new CommitQueueFullError(this.options.maxWaiting));
    }
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.options.maxBatch) this.pump();
      else if (this.timer === undefined && !this.windowElapsed) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.windowElapsed = true;
          this.pump();
        }, this.options.windowMs);
      }
    });
  }

  /** Resolves when nothing waits and no flush runs. */
  whenIdle(): Promise<void> {
    if (this.waiting.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (
      this.running < this.options.maxConcurrentFlushes &&
      this.waiting.length > 0 &&
      (this.windowElapsed || this.waiting.length >= this.options.maxBatch)
    ) {
      const batch = this.waiting.slice(0, this.options.maxBatch);
      this.waiting = this.waiting.slice(batch.length);
      if (this.waiting.length === 0) {
        this.windowElapsed = false;
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = undefined;
      }
      this.running++;
      void this.run(batch);
    }
  }

  private async run(batch: Waiting<I, R>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((entry) => entry.item));
      if (results.length !== batch.length) {
        throw new Error(`flush returned ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((entry, index) => entry.resolve(results[index]));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.running--;
      // Whatever arrived during the flush has waited at least as long as the flush took: write it now.
      if (this.waiting.length > 0) this.windowElapsed = true;
      this.pump();
      if (this.waiting.length === 0 && this.running === 0) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
      }
    }
  }
}
