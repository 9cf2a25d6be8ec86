import fc from 'fast-check';
import { microsToMoney, moneyToMicros } from './money';

describe('money', () => {
  it('converts decimal strings to micro-units exactly', () => {
    expect(moneyToMicros('12.50')).toBe(12_500_000n);
    expect(moneyToMicros('0.000375')).toBe(375n);
    expect(moneyToMicros('-3')).toBe(-3_000_000n);
    expect(moneyToMicros('999999999999999.999999')).toBe(999_999_999_999_999_999_999n);
  });

  it('refuses what is not an exact amount', () => {
    for (const bad of ['', '1.', '.5', '1.0000001', '1e3', '+1', '1,5', ' 1']) {
      expect(() => moneyToMicros(bad)).toThrow(RangeError);
    }
  });

  it('formats with at least two decimals', () => {
    expect(microsToMoney(12_500_000n)).toBe('12.50');
    expect(microsToMoney(375n)).toBe('0.000375');
    expect(microsToMoney(-1_000_000n)).toBe('-1.00');
    expect(microsToMoney(1_230_000n)).toBe('1.23');
    expect(microsToMoney(1_234_000n)).toBe('1.234');
  });

  it('round-trips every amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (micros) => {
        expect(moneyToMicros(microsToMoney(micros))).toBe(micros);
      }),
    );
  });
});
