import type { OutboundMessage } from '@app/providers';

/**
 * One message handed to a connector by routing (issue 6 moves this type to libs/contracts and feeds it from the
 * outbox relay). `message.id` is our message id, the one the tenant knows, equal on every attempt.
 */
export interface SendMessage {
  readonly tenantId: string;
  readonly message: OutboundMessage;
  /** The billing reservation to post or void once the outcome is known; none for unbilled traffic. */
  readonly reservationId?: string | null;
  /** 1-based position of this provider in the message's route plan. */
  readonly routeAttempt: number;
  /** The plan's provider ids, in order (for logs and for the caller's next attempt). */
  readonly plan?: readonly string[];
}

export type AttemptOutcome =
  /** The provider accepted every part; the message is 'sent' and waits for its receipt. */
  | { readonly kind: 'accepted'; readonly providerMessageIds: readonly string[]; readonly attempts: number }
  /** Give the message to the next provider of the plan, with the same message id. */
  | { readonly kind: 'reroute'; readonly reroute: true; readonly reason: string; readonly attempts: number }
  /** The message ended here: rejected (reservation voided, DLR queued to the tenant). */
  | {
      readonly kind: 'failed';
      readonly reason: string;
      readonly commandStatus?: number;
      readonly attempts: number;
    }
  /** The provider may hold the message but never said so; the policy gave it up as UNKNOWN. */
  | { readonly kind: 'unknown'; readonly reason: string; readonly attempts: number }
  /** Not sent yet: the provider cannot schedule, so the engine holds it until `holdUntil`. */
  | { readonly kind: 'held'; readonly holdUntil: Date; readonly attempts: 0 };
