/** The outcome of one read of a collect-on-scrape source. */
export type ScrapeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/**
 * Reads a source at most once per `ttlMs`, however many gauges and scrapers ask: concurrent callers share the read
 * in flight, and a failure is remembered for the same time so that a database that is down is not hammered.
 */
export class ScrapeCache<T> {
  private cached: { readonly at: number; readonly result: ScrapeResult<T> } | undefined;
  private inFlight: Promise<ScrapeResult<T>> | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isFinite(ttlMs) || ttlMs < 0)
      throw new RangeError(`ttlMs must be a non-negative number, got ${ttlMs}`);
  }

  read(): Promise<ScrapeResult<T>> {
    if (this.cached !== undefined && this.now() - this.cached.at < this.ttlMs)
      return Promise.resolve(this.cached.result);
    this.inFlight ??= this.load()
      .then(
        (value): ScrapeResult<T> => ({ ok: true, value }),
        (error: unknown): ScrapeResult<T> => ({
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .then((result) => {
        this.cached = { at: this.now(), result };
        this.inFlight = undefined;
        return result;
      });
    return this.inFlight;
  }
}
