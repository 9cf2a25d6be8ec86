import { AcceptedAttempts } from './accepted-attempts';
import type { AcceptedAttempt } from './connector.repository';

function attempt(n: number): AcceptedAttempt {
  return {
    attemptId: `a${n}`,
    messageId: `m${n}`,
    tenantId: 't',
    reservationId: null,
    answeredAt: new Date(0),
  };
}

describe('AcceptedAttempts', () => {
  it('answers a landing key with the stored attempt once its write commits, then at once', async () => {
    const cache = new AcceptedAttempts();
    let commit: (value: AcceptedAttempt) => void = () => undefined;
    cache.land('k1', new Promise<AcceptedAttempt>((resolve) => (commit = resolve)));
    const waiting = cache.get('k1');
    expect(waiting).toBeInstanceOf(Promise);
    commit(attempt(1));
    expect(await waiting).toEqual(attempt(1));
    expect(cache.get('k1')).toEqual(attempt(1));
    expect(cache.get('k2')).toBeUndefined();
  });

  it('answers undefined for a landing key whose write failed, and forgets it', async () => {
    const cache = new AcceptedAttempts();
    cache.land('k1', Promise.reject(new Error('write failed')));
    expect(await cache.get('k1')).toBeUndefined();
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the oldest stored entries beyond its capacity, and forgets on request', () => {
    const cache = new AcceptedAttempts(2);
    cache.remember('k1', attempt(1));
    cache.remember('k2', attempt(2));
    cache.remember('k3', attempt(3));
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k3')).toEqual(attempt(3));
    cache.forget('k3');
    expect(cache.get('k3')).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(() => new AcceptedAttempts(0)).toThrow(RangeError);
  });
});
