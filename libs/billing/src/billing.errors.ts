import type { LedgerEntryKind, ReservationStatus } from '@app/database';

/**
 * Why a billing operation did not happen. Batch operations report these per item; single operations throw the
 * matching `BillingError`.
 */
export type BillingFailureCode =
  | 'INVALID_REQUEST'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_INACTIVE'
  | 'CURRENCY_MISMATCH'
  | 'INSUFFICIENT_FUNDS'
  | 'IDEMPOTENCY_CONFLICT'
  | 'RESERVATION_NOT_FOUND'
  | 'ALREADY_RESOLVED';

export abstract class BillingError extends Error {
  abstract readonly code: BillingFailureCode;
}

/** Malformed input (negative amount, bad segment count, empty key...): a bug in the caller, never retried. */
export class InvalidBillingRequestError extends BillingError {
  readonly code = 'INVALID_REQUEST';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidBillingRequestError';
  }
}

export class AccountNotFoundError extends BillingError {
  readonly code = 'ACCOUNT_NOT_FOUND';
  constructor(readonly accountId: string) {
    super(`account ${accountId} does not exist`);
    this.name = 'AccountNotFoundError';
  }
}

/** Reservations need an `active` account; top-ups, adjustments and resolutions do not. */
export class AccountInactiveError extends BillingError {
  readonly code = 'ACCOUNT_INACTIVE';
  constructor(
    readonly accountId: string,
    readonly status: string,
  ) {
    super(`account ${accountId} is ${status}, not active`);
    this.name = 'AccountInactiveError';
  }
}

export class CurrencyMismatchError extends BillingError {
  readonly code = 'CURRENCY_MISMATCH';
  constructor(
    readonly accountId: string,
    readonly accountCurrency: string,
    readonly requestCurrency: string,
  ) {
    super(`account ${accountId} is in ${accountCurrency}, the request is in ${requestCurrency}`);
    this.name = 'CurrencyMismatchError';
  }
}

export class InsufficientFundsError extends BillingError {
  readonly code = 'INSUFFICIENT_FUNDS';
  constructor(
    readonly accountId: string,
    readonly requested: bigint,
  ) {
    super(`account ${accountId} has not enough available money for ${requested} micro-units`);
    this.name = 'InsufficientFundsError';
  }
}

/** The idempotency key was already used for a different operation, account or amount. */
export class IdempotencyConflictError extends BillingError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(
    readonly idempotencyKey: string,
    readonly detail: string,
  ) {
    super(`idempotency key ${JSON.stringify(idempotencyKey)} was already used: ${detail}`);
    this.name = 'IdempotencyConflictError';
  }
}

export class ReservationNotFoundError extends BillingError {
  readonly code = 'RESERVATION_NOT_FOUND';
  constructor(readonly reservationId: string) {
    super(`reservation ${reservationId} does not exist`);
    this.name = 'ReservationNotFoundError';
  }
}

/** The reservation was resolved before, by a different resolution (post after void, void after expiry...). */
export class ReservationAlreadyResolvedError extends BillingError {
  readonly code = 'ALREADY_RESOLVED';
  constructor(
    readonly reservationId: string,
    readonly status: ReservationStatus,
    readonly attempted: Extract<LedgerEntryKind, 'post' | 'void' | 'expire'>,
  ) {
    super(`reservation ${reservationId} is already ${status}; cannot ${attempted} it`);
    this.name = 'ReservationAlreadyResolvedError';
  }
}
