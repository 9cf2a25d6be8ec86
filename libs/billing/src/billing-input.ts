import { InvalidBillingRequestError } from './billing.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_KEY_LENGTH = 256;
export const INT8_MAX = 2n ** 63n - 1n;

/*
 * Checks done before any SQL runs: a value Postgres would refuse (a malformed uuid, an int8 overflow) would abort
 * the caller's whole transaction, so bad input is turned into InvalidBillingRequestError here instead.
 */

export function requireUuid(value: string, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new InvalidBillingRequestError(`${field} must be a uuid, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

export function requireCurrency(value: string): string {
  if (typeof value !== 'string' || !CURRENCY.test(value)) {
    throw new InvalidBillingRequestError(
      `currency must be an ISO 4217 code such as EUR, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function requireKey(value: string, field = 'idempotencyKey'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) {
    throw new InvalidBillingRequestError(
      `${field} must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
    );
  }
  return value;
}

/** An int8-sized integer amount of micro-units, at least `min`, and not 0 when `nonZero`. */
export function requireAmount(value: bigint, field: string, min: bigint, nonZero = false): bigint {
  if (typeof value !== 'bigint' || value < min || value > INT8_MAX || (nonZero && value === 0n)) {
    throw new InvalidBillingRequestError(
      `${field} must be a bigint of micro-units from ${min} to ${INT8_MAX}${nonZero ? ', not 0' : ''}, got ${String(value)}`,
    );
  }
  return value;
}

export function requireText(value: string, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new InvalidBillingRequestError(`${field} must be a non-empty string`);
  }
  return value;
}

export function requireDate(value: Date, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidBillingRequestError(`${field} must be a valid Date`);
  }
  return value;
}

export function optionalDate(value: Date | undefined, field: string): Date | undefined {
  return value === undefined ? undefined : requireDate(value, field);
}
