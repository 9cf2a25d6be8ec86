/** Micro-units per major currency unit: every amount in billing is an integer count of 10^-6 of the currency. */
export const MICROS_PER_UNIT = 1_000_000n;

const DECIMAL_MONEY = /^(-)?(\d+)(?:\.(\d{1,6}))?$/;

/** Thrown for a money value that is not a plain decimal with at most 6 fractional digits. */
export class InvalidMoneyError extends Error {
  constructor(readonly input: string) {
    super(
      `invalid money amount ${JSON.stringify(input)}: expected a decimal with at most 6 fractional digits`,
    );
    this.name = 'InvalidMoneyError';
  }
}

/** Parses a decimal amount in major units ("0.00375") into micro-units (3750n), exactly, without floats. */
export function parseMoney(text: string): bigint {
  const match = DECIMAL_MONEY.exec(text.trim());
  if (match === null) throw new InvalidMoneyError(text);
  const [, sign, whole, fraction = ''] = match;
  const micros = BigInt(whole) * MICROS_PER_UNIT + BigInt(fraction.padEnd(6, '0'));
  return sign === '-' ? -micros : micros;
}

/** Formats micro-units as a decimal in major units with 6 fractional digits: 3750n -> "0.003750". */
export function formatMoney(micros: bigint): string {
  const negative = micros < 0n;
  const magnitude = negative ? -micros : micros;
  const whole = magnitude / MICROS_PER_UNIT;
  const fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}
