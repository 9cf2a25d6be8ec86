/**
 * Groups the calls made within one turn of the event loop into a single call of `run` (one multi-row statement
 * instead of one round trip each). `run` returns one result per input, in order. When a batch fails, each of its
 * items is retried alone, so one bad row fails only its own caller.
 */
export class MicroBatcher<I, O> {
  private queue: Array<{ input: I; resolve: (output: O) => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly run: (inputs: readonly I[]) => Promise<readonly O[]>,
    private readonly maxBatch = 500,
  ) {}

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    void this.run(batch.map((item) => item.input)).then(
      (outputs) => batch.forEach((item, index) => item.resolve(outputs[index])),
      (error: unknown) => {
        if (batch.length === 1) return batch[0].reject(error);
        for (const item of batch) {
          this.run([item.input]).then(
            (outputs) => item.resolve(outputs[0]),
            (itemError: unknown) => item.reject(itemError),
          );
        }
      },
    );
  }
}
