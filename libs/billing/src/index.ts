export {
  AccountInactiveError,
  AccountNotFoundError,
  BillingError,
  CurrencyMismatchError,
  IdempotencyConflictError,
  InsufficientFundsError,
  InvalidBillingRequestError,
  ReservationAlreadyResolvedError,
  ReservationNotFoundError,
  type BillingFailureCode,
} from './billing.errors';
export { LEDGER_EFFECTS, replayLedger, type AccountTotals } from './ledger-effects';
export { LedgerRepository, type LedgerRepositoryOptions } from './ledger.repository';
export type {
  AccountSnapshot,
  AdjustRequest,
  BatchResult,
  BillingFailure,
  BillingTx,
  EntryReceipt,
  MarginQuery,
  MarginRow,
  OpenAccountRequest,
  PostRequest,
  ReservationReceipt,
  ReserveRequest,
  ResolutionReceipt,
  SweepResult,
  TopUpRequest,
  VoidRequest,
} from './ledger.types';
export { marginReport } from './margin-report';
export { MAX_SEGMENTS, rateMessage } from './rating';
export {
  describeExpired,
  ReservationSweeper,
  type ExpiredReservation,
  type ReservationSweeperOptions,
  type SweeperLogger,
} from './reservation-sweeper';
export {
  formatReconciliation,
  reconcile,
  type ReconcileOptions,
  type ReconciliationDifference,
  type ReconciliationReport,
} from './reconciliation';
export {
  DEFAULT_REFUND_POLICY,
  settle,
  type FinalOutcome,
  type ProviderFinalState,
  type RefundPolicy,
  type Settlement,
  type UnsentReason,
} from './settlement-policy';
