interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets keyed by credential: `limit` messages per second over every bind of the credential in this process,
 * with a burst of one second's worth. Each server instance enforces its own share.
 */
export class TpsLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one token; false when the credential is over its limit. */
  tryTake(key: string, limit: number): boolean {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: limit, updatedMs: now };
      this.buckets.set(key, bucket);
    } else {
      const elapsed = Math.max(0, now - bucket.updatedMs);
      bucket.tokens = Math.min(limit, bucket.tokens + (elapsed * limit) / 1000);
      bucket.updatedMs = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets a credential's bucket (its last bind closed). */
  forget(key: string): void {
    this.buckets.delete(key);
  }
}
