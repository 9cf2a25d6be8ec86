import type { AccountStatus } from '@app/database';
import type { EntityManager, QueryRunner } from 'typeorm';
import type { BillingError, BillingFailureCode } from './billing.errors';

/**
 * The caller's transaction. Every ledger operation runs its statements on it, so that the SMPP accept path can write
 * the message, its reservation and the outbox row in one transaction. A bare `dataSource.manager` also works: each
 * operation is then atomic on its own.
 */
export type BillingTx = EntityManager | QueryRunner;

export interface OpenAccountRequest {
  readonly tenantId: string;
  /** ISO 4217, upper case. */
  readonly currency: string;
  /** 0 (default): prepaid. N: postpaid, the balance may go down to -N. */
  readonly creditLimit?: bigint;
  readonly lowBalanceThreshold?: bigint;
}

export interface AccountSnapshot {
  readonly id: string;
  readonly tenantId: string;
  readonly currency: string;
  readonly status: AccountStatus;
  readonly balance: bigint;
  readonly reserved: bigint;
  readonly creditLimit: bigint;
  /** balance - reserved + creditLimit: what new reservations may still take. */
  readonly available: bigint;
  readonly lowBalanceThreshold: bigint;
}

export interface TopUpRequest {
  readonly accountId: string;
  /** Must equal the account's currency (a guard against crediting EUR micro-units to a USD account). */
  readonly currency: string;
  /** Micro-units, > 0. */
  readonly amount: bigint;
  readonly idempotencyKey: string;
}

export interface AdjustRequest {
  readonly accountId: string;
  readonly currency: string;
  /** Signed micro-units, ≠ 0. A debit is refused when it would take available money below 0. */
  readonly amount: bigint;
  /** Why the operator made it; stored on the entry. */
  readonly reason: string;
  readonly idempotencyKey: string;
}

/** A ledger entry that was written, or found written by an earlier call with the same key (`replayed`). */
export interface EntryReceipt {
  readonly entryId: string;
  readonly accountId: string;
  readonly amount: bigint;
  readonly replayed: boolean;
}

export interface ReserveRequest {
  /** Unique per message (for example our message id); a retry with the same key is a no-op. */
  readonly idempotencyKey: string;
  readonly accountId: string;
  /** Currency of the price plan the price comes from; must equal the account's. */
  readonly currency: string;
  readonly segments: number;
  /** The tenant's price per segment, micro-units; amount = segments × price, frozen here. */
  readonly pricePerSegment: bigint;
  /** The message this pays for, when already known. */
  readonly messageRef?: string | null;
  /** The planned provider and its cost per segment (micro-units); `post` may replace them after a failover. */
  readonly providerId?: string | null;
  readonly costPerSegment?: bigint | null;
  readonly destinationPrefix?: string | null;
  readonly country?: string | null;
  /** When an unresolved reservation is voided by the sweeper; default: now + the repository's reservation TTL. */
  readonly expiresAt?: Date;
}

export interface ReservationReceipt {
  readonly reservationId: string;
  readonly accountId: string;
  readonly amount: bigint;
  readonly replayed: boolean;
}

export interface PostRequest {
  readonly reservationId: string;
  /** The provider that accepted the message and its cost per segment, when they differ from the reserved ones. */
  readonly providerId?: string;
  readonly costPerSegment?: bigint;
}

export interface VoidRequest {
  readonly reservationId: string;
}

export interface ResolutionReceipt {
  readonly reservationId: string;
  readonly accountId: string;
  readonly amount: bigint;
  readonly replayed: boolean;
}

export type BillingFailure = {
  readonly ok: false;
  readonly reason: BillingFailureCode;
  readonly error: BillingError;
};

/** Per-item result of a batch operation, in input order. */
export type BatchResult<T> = ({ readonly ok: true } & T) | BillingFailure;

export interface SweepResult {
  /** Reservations this call expired (status `expired`, one `expire` entry each). */
  readonly expired: readonly {
    readonly reservationId: string;
    readonly accountId: string;
    readonly amount: bigint;
  }[];
}

export interface MarginQuery {
  /** Reservations created in [from, to). */
  readonly from: Date;
  readonly to: Date;
  readonly tenantId?: string;
  readonly providerId?: string;
  /** Only destinations whose recorded prefix starts with this. */
  readonly destinationPrefix?: string;
}

/** Posted (charged) messages of one tenant, provider and destination prefix. Money in the account's currency. */
export interface MarginRow {
  readonly tenantId: string;
  readonly currency: string;
  readonly providerId: string | null;
  readonly destinationPrefix: string | null;
  readonly messages: number;
  readonly segments: number;
  readonly revenue: bigint;
  readonly cost: bigint;
  readonly margin: bigint;
  /** Posted messages with no recorded cost (counted in revenue, not in cost). */
  readonly messagesWithoutCost: number;
}
