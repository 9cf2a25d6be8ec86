import fc from 'fast-check';
import { formatMoney, InvalidMoneyError, parseMoney } from './money';

describe('money (micro-units)', () => {
  it.each([
    ['0.00375', 3_750n],
    ['1', 1_000_000n],
    ['12.5', 12_500_000n],
    ['-0.000001', -1n],
    [' 0.1 ', 100_000n],
    ['9223372036854.775807', 9_223_372_036_854_775_807n],
  ])('parses %j as %s', (text, micros) => {
    expect(parseMoney(text)).toBe(micros);
  });

  it.each(['', '.5', '1.', '1.0000001', '1e3', '0x10', '1,5', '--1', 'NaN', '+1'])('rejects %j', (text) => {
    expect(() => parseMoney(text)).toThrow(InvalidMoneyError);
  });

  it('formats with six decimals', () => {
    expect(formatMoney(3_750n)).toBe('0.003750');
    expect(formatMoney(-1_500_000n)).toBe('-1.500000');
    expect(formatMoney(0n)).toBe('0.000000');
  });

  it('round-trips every amount exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }), (micros) => {
        expect(parseMoney(formatMoney(micros))).toBe(micros);
      }),
    );
  });
});
