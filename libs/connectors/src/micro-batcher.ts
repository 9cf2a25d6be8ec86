export interface MicroBatcherOptions {
  /** Most inputs in one call of `run`. Default 500. */
  readonly maxBatch?: number;
  /**
   * Calls of `run` in progress at once. While that many are running, new inputs wait and go out together when one
   * finishes (group commit: the busier the database, the larger the batches). Default unlimited.
   */
  readonly concurrency?: number;
}

interface Pending<I, O> {
  readonly input: I;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Groups the calls made within one turn of the event loop, and those made while earlier batches are still running,
 * into a single call of `run` (one multi-row statement instead of one round trip each). `run` returns one result per
 * input, in order. When a batch fails, each of its items is retried alone, so one bad row fails only its own caller.
 */
export class MicroBatcher<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private scheduled = false;
  private running = 0;
  private readonly maxBatch: number;
  private readonly concurrency: number;

  constructor(
    private readonly run: (inputs: readonly I[]) => Promise<readonly O[]>,
    options: MicroBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
    if (!(this.maxBatch >= 1) || !(this.concurrency >= 1)) {
      throw new RangeError(`MicroBatcher needs maxBatch and concurrency of at least 1`);
    }
  }

  /** Inputs waiting for a batch (not yet handed to `run`). */
  get waiting(): number {
    return this.queue.length;
  }

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.running >= this.concurrency) return;
    if (this.queue.length >= this.maxBatch) {
      this.flush();
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.running < this.concurrency) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.running++;
      void this.runBatch(batch).finally(() => {
        this.running--;
        this.schedule();
      });
    }
  }

  private async runBatch(batch: ReadonlyArray<Pending<I, O>>): Promise<void> {
    let outputs: readonly O[];
    try {
      outputs = await this.run(batch.map((item) => item.input));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      await Promise.all(
        batch.map((item) =>
          this.run([item.input]).then(
            (single) => item.resolve(single[0]),
            (itemError: unknown) => item.reject(itemError),
          ),
        ),
      );
      return;
    }
    batch.forEach((item, index) => item.resolve(outputs[index]));
  }
}
