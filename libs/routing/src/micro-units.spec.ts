import fc from 'fast-check';
import { formatMicros, MAX_RATE_MICROS, parseDecimalMicros } from './micro-units';

describe('parseDecimalMicros', () => {
  it.each([
    ['0.00375', 3750n],
    ['0', 0n],
    ['12', 12_000_000n],
    ['1.5', 1_500_000n],
    ['0.000001', 1n],
    ['007.10', 7_100_000n],
    ['0.0037500', 3750n],
    ['999999.999999', MAX_RATE_MICROS],
  ])('converts %s exactly', (text, micros) => {
    expect(parseDecimalMicros(text)).toEqual({ ok: true, micros });
  });

  it.each([
    ['', 'empty'],
    ['-0.01', 'negative'],
    ['abc', 'not_a_number'],
    ['1e-3', 'not_a_number'],
    ['.5', 'not_a_number'],
    ['1.', 'not_a_number'],
    ['1,5', 'not_a_number'],
    ['+1', 'not_a_number'],
    [' 1', 'not_a_number'],
    ['0.0000001', 'too_many_decimals'],
    ['0.00375001', 'too_many_decimals'],
    ['1000000', 'too_large'],
  ])('rejects %j as %s', (text, problem) => {
    expect(parseDecimalMicros(text)).toEqual({ ok: false, problem });
  });

  it('round-trips every amount through formatMicros', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_RATE_MICROS }), (micros) => {
        expect(parseDecimalMicros(formatMicros(micros))).toEqual({ ok: true, micros });
      }),
    );
  });

  it('formats negative amounts and whole units', () => {
    expect(formatMicros(-3750n)).toBe('-0.00375');
    expect(formatMicros(2_000_000n)).toBe('2');
  });
});
