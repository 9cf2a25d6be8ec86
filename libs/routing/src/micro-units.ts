/** Money in this library is integer micro-units: 1 unit = 10^-6 of the currency's major unit (0.00375 EUR = 3750). */
export const MICROS_PER_UNIT = 1_000_000n;

/**
 * Largest rate or price accepted per segment: 999,999.999999 major units. Kept well below 2^53 / 255 so that the
 * routing table can hold rates as exact doubles and multiply them by up to 255 segments without rounding.
 */
export const MAX_RATE_MICROS = 999_999_999_999n;

export type DecimalProblem = 'empty' | 'negative' | 'not_a_number' | 'too_many_decimals' | 'too_large';

export type DecimalParseResult =
  { readonly ok: true; readonly micros: bigint } | { readonly ok: false; readonly problem: DecimalProblem };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Converts a decimal string in major units (`0.00375`, `12`, `1.5`) to micro-units exactly, by string arithmetic.
 * More than six decimals are accepted only when the extra digits are zeros (`0.0037500`), since nothing is lost.
 */
export function parseDecimalMicros(text: string): DecimalParseResult {
  if (text.length === 0) return { ok: false, problem: 'empty' };
  if (text.startsWith('-')) return { ok: false, problem: 'negative' };
  const match = DECIMAL.exec(text);
  if (match === null) return { ok: false, problem: 'not_a_number' };
  const integerDigits = match[1].replace(/^0+(?=\d)/, '');
  const fraction = match[2] ?? '';
  if (fraction.length > 6 && !/^0*$/.test(fraction.slice(6)))
    return { ok: false, problem: 'too_many_decimals' };
  if (integerDigits.length > 6) return { ok: false, problem: 'too_large' };
  const micros = BigInt(integerDigits) * MICROS_PER_UNIT + BigInt(fraction.slice(0, 6).padEnd(6, '0'));
  return { ok: true, micros };
}

/** Formats micro-units as a decimal string in major units without trailing zeros (3750n -> '0.00375'). */
export function formatMicros(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const magnitude = micros < 0n ? -micros : micros;
  const fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(6, '0').replace(/0+$/, '');
  const integer = (magnitude / MICROS_PER_UNIT).toString();
  return fraction.length === 0 ? `${sign}${integer}` : `${sign}${integer}.${fraction}`;
}
