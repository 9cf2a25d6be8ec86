/** A monotonic millisecond clock; injectable so rate decisions can be tested without waiting. */
export type Clock = () => number;

export class ConnectorConfigError extends Error {
  override readonly name = 'ConnectorConfigError';
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConnectorConfigError(`${name} must be a positive number, got ${value}`);
  }
  return value;
}

/**
 * Token bucket: `rate` tokens per second, at most `burst` stored. `take()` returns 0 when a token was taken,
 * otherwise how many milliseconds until one will be available (nothing is taken then).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private rateValue: number;

  constructor(
    rate: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.rateValue = positive('rate', rate);
    positive('burst', burst);
    this.tokens = burst;
    this.last = clock();
  }

  get rate(): number {
    return this.rateValue;
  }

  setRate(rate: number): void {
    this.refill();
    this.rateValue = positive('rate', rate);
  }

  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.rateValue);
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rateValue) / 1000);
  }
}

export interface AdaptiveRateOptions {
  /** The configured ceiling (the provider's contracted TPS). */
  maxTps: number;
  /** Never slow below this. Default 1. */
  minTps?: number;
  /** Multiplicative decrease on a throttling answer. Default 0.5. */
  decreaseFactor?: number;
  /** Additive increase per `recoveryIntervalMs` without throttling, as a fraction of maxTps. Default 0.1. */
  increaseFraction?: number;
  /** Default 1 000 ms. */
  recoveryIntervalMs?: number;
}

/**
 * AIMD: every ESME_RTHROTTLED or queue-full answer halves the rate (at most once per recovery interval, so a burst
 * of answers to one window counts once); each quiet interval adds a tenth of the ceiling back.
 */
export class AdaptiveRate {
  private current: number;
  private lastChange: number;
  private lastDecrease = Number.NEGATIVE_INFINITY;
  private readonly minTps: number;
  private readonly decrease: number;
  private readonly step: number;
  private readonly interval: number;

  constructor(
    private readonly options: AdaptiveRateOptions,
    private readonly clock: Clock,
  ) {
    positive('maxTps', options.maxTps);
    this.minTps = Math.min(options.maxTps, positive('minTps', options.minTps ?? 1));
    this.decrease = options.decreaseFactor ?? 0.5;
    if (!(this.decrease > 0 && this.decrease < 1)) {
      throw new ConnectorConfigError(`decreaseFactor must be in (0, 1), got ${this.decrease}`);
    }
    this.step = options.maxTps * positive('increaseFraction', options.increaseFraction ?? 0.1);
    this.interval = positive('recoveryIntervalMs', options.recoveryIntervalMs ?? 1_000);
    this.current = options.maxTps;
    this.lastChange = clock();
  }

  /** The rate to send at now (recovering first if quiet intervals have passed). */
  get tps(): number {
    const now = this.clock();
    const quiet = Math.floor((now - this.lastChange) / this.interval);
    if (quiet > 0 && this.current < this.options.maxTps) {
      this.current = Math.min(this.options.maxTps, this.current + quiet * this.step);
      this.lastChange += quiet * this.interval;
    }
    return this.current;
  }

  /** A throttling answer: slow down. Returns the new rate. */
  throttled(): number {
    const now = this.clock();
    const rate = this.tps;
    if (now - this.lastDecrease < this.interval) return rate;
    this.current = Math.max(this.minTps, rate * this.decrease);
    this.lastChange = now;
    this.lastDecrease = now;
    return this.current;
  }
}
