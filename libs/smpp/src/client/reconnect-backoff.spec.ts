import {
  DEFAULT_RECONNECT_BACKOFF,
  ReconnectBackoffConfigError,
  reconnectDelayMs,
  resolveReconnectBackoff,
} from './reconnect-backoff';

describe('reconnectDelayMs', () => {
  const noJitter = resolveReconnectBackoff({ jitter: 0 });

  it("follows Mobile Text Alerts' schedule: 1, 2, 4, 8, 16, 32, 60, 60 s", () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => reconnectDelayMs(n, noJitter));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('stays at the cap however many attempts failed', () => {
    expect(reconnectDelayMs(1_000_000, noJitter)).toBe(60_000);
  });

  it('only shortens a delay by at most the jitter fraction, so the cap holds', () => {
    const options = resolveReconnectBackoff({ jitter: 0.2 });
    expect(reconnectDelayMs(0, options, () => 0)).toBe(1_000);
    expect(reconnectDelayMs(0, options, () => 0.5)).toBe(900);
    expect(reconnectDelayMs(10, options, () => 0.999999)).toBe(48_000);
    for (const r of [0, 0.25, 0.5, 0.75, 0.999]) {
      const delay = reconnectDelayMs(20, options, () => r);
      expect(delay).toBeGreaterThanOrEqual(48_000);
      expect(delay).toBeLessThanOrEqual(60_000);
    }
  });

  it('supports a fixed delay (multiplier 1), e.g. GatewayAPI 30 s', () => {
    const fixed = resolveReconnectBackoff({
      initialDelayMs: 30_000,
      maxDelayMs: 30_000,
      multiplier: 1,
      jitter: 0,
    });
    expect([0, 1, 50].map((n) => reconnectDelayMs(n, fixed))).toEqual([30_000, 30_000, 30_000]);
  });

  it('defaults to 1 s doubling to 60 s with 20 % jitter', () => {
    expect(resolveReconnectBackoff()).toEqual(DEFAULT_RECONNECT_BACKOFF);
    expect(DEFAULT_RECONNECT_BACKOFF).toEqual({
      initialDelayMs: 1_000,
      maxDelayMs: 60_000,
      multiplier: 2,
      jitter: 0.2,
    });
  });

  it.each([
    [{ initialDelayMs: -1 }],
    [{ maxDelayMs: 10, initialDelayMs: 100 }],
    [{ multiplier: 0.5 }],
    [{ jitter: 1 }],
    [{ jitter: Number.NaN }],
  ])('rejects %j', (options) => {
    expect(() => resolveReconnectBackoff(options)).toThrow(ReconnectBackoffConfigError);
  });
});
