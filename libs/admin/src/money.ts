import { MICROS_PER_UNIT } from '@app/routing';

/** A decimal amount in major units: optional sign, at most 15 integer digits and 6 decimals ("12.50", "-0.000375"). */
export const MONEY_PATTERN = /^-?\d{1,15}(\.\d{1,6})?$/;

/** Converts a validated decimal string in major units to micro-units exactly (string arithmetic, no floats). */
export function moneyToMicros(text: string): bigint {
  if (!MONEY_PATTERN.test(text))
    throw new RangeError(`'${text}' is not a decimal amount with at most 6 decimals`);
  const negative = text.startsWith('-');
  const [integer, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const micros = BigInt(integer) * MICROS_PER_UNIT + BigInt(fraction.padEnd(6, '0'));
  return negative ? -micros : micros;
}

/** Formats micro-units as a decimal string in major units with at least 2 decimals ("12.50", "0.000375"). */
export function microsToMoney(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const magnitude = micros < 0n ? -micros : micros;
  const fraction = (magnitude % MICROS_PER_UNIT)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${sign}${magnitude / MICROS_PER_UNIT}.${fraction}`;
}
