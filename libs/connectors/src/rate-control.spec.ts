import { AdaptiveRate, ConnectorConfigError, TokenBucket } from './rate-control';
import { decideIndeterminate, parseIndeterminatePolicy } from './indeterminate-policy';

function fakeClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('lets a burst through, then one token per 1/rate seconds', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 3, clock.now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(100);
    clock.advance(99);
    expect(bucket.take()).toBeGreaterThan(0);
    clock.advance(1);
    expect(bucket.take()).toBe(0);
  });

  it('never stores more than the burst', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(100, 2, clock.now);
    clock.advance(60_000);
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBeGreaterThan(0);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0, 1, Date.now)).toThrow(ConnectorConfigError);
    expect(() => new TokenBucket(Number.NaN, 1, Date.now)).toThrow(ConnectorConfigError);
  });
});

describe('AdaptiveRate', () => {
  it('halves on throttling, once per interval, and recovers additively', () => {
    const clock = fakeClock();
    const rate = new AdaptiveRate({ maxTps: 100, recoveryIntervalMs: 1_000 }, clock.now);
    expect(rate.tps).toBe(100);
    expect(rate.throttled()).toBe(50);
    expect(rate.throttled()).toBe(50);
    clock.advance(1_000);
    expect(rate.tps).toBe(60);
    expect(rate.throttled()).toBe(30);
    clock.advance(10_000);
    expect(rate.tps).toBe(100);
  });

  it('never goes below minTps', () => {
    const clock = fakeClock();
    const rate = new AdaptiveRate({ maxTps: 4, minTps: 1, recoveryIntervalMs: 10 }, clock.now);
    for (let i = 0; i < 10; i++) {
      rate.throttled();
      clock.advance(10);
    }
    expect(rate.throttled()).toBeGreaterThanOrEqual(1);
  });
});

describe('indeterminate policy', () => {
  it('resubmits at most k times, then gives up', () => {
    const policy = parseIndeterminatePolicy('resubmit:2');
    expect([0, 1, 2, 3].map((n) => decideIndeterminate(policy, n))).toEqual([
      'resubmit',
      'resubmit',
      'give-up',
      'give-up',
    ]);
  });

  it('gives up at once under give-up', () => {
    expect(decideIndeterminate(parseIndeterminatePolicy('give-up'), 0)).toBe('give-up');
  });

  it('refuses anything else with a typed error', () => {
    expect(() => parseIndeterminatePolicy('resubmit')).toThrow(ConnectorConfigError);
    expect(() => parseIndeterminatePolicy('maybe')).toThrow(ConnectorConfigError);
  });
});
