import fc from 'fast-check';
import { InvalidBillingRequestError } from './billing.errors';
import { MAX_SEGMENTS, rateMessage } from './rating';

describe('rateMessage', () => {
  it('is segments × price per segment, in integers', () => {
    expect(rateMessage(1, 3_750n)).toBe(3_750n);
    expect(rateMessage(3, 3_750n)).toBe(11_250n);
    expect(rateMessage(MAX_SEGMENTS, 0n)).toBe(0n);
  });

  it('is exact for any segment count and price (no float rounding)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_SEGMENTS }),
        fc.bigInt({ min: 0n, max: 2n ** 53n + 7n }),
        (n, price) => {
          const amount = rateMessage(n, price);
          expect(amount / BigInt(n)).toBe(price);
          expect(amount % BigInt(n)).toBe(0n);
        },
      ),
    );
  });

  it.each([0, -1, 1.5, MAX_SEGMENTS + 1, Number.NaN])('refuses %p segments', (segments) => {
    expect(() => rateMessage(segments, 1n)).toThrow(InvalidBillingRequestError);
  });

  it('refuses a negative price', () => {
    expect(() => rateMessage(1, -1n)).toThrow(InvalidBillingRequestError);
  });
});
