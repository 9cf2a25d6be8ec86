export const PROVIDER_HEALTH_STATES = ['up', 'degraded', 'down', 'unknown'] as const;
/** As reported by a provider's connector; `unknown` until the first report. */
export type ProviderHealthState = (typeof PROVIDER_HEALTH_STATES)[number];

export interface ProviderState {
  readonly id: string;
  readonly enabled: boolean;
  readonly health: ProviderHealthState;
}

export interface RoutingRequest {
  readonly tenantId: string;
  /** E.164 number: 1 to 15 digits, an optional leading `+` is ignored. */
  readonly destination: string;
  /** Segments of the message (1..255); cost and price are per segment times this. */
  readonly segments: number;
  /** Weighted split key: every part of one message must carry the same key (the message id, say). */
  readonly messageKey: string;
  /** Source address or alphanumeric sender id, for source filters. */
  readonly source?: string;
  /** Decoded message text, for content filters. */
  readonly content?: string;
}

/** One provider to try, in order. Money is integer micro-units of `currency`, frozen when planned. */
export interface RouteAttempt {
  readonly providerId: string;
  readonly health: ProviderHealthState;
  readonly currency: string;
  readonly costPerSegment: bigint;
  readonly pricePerSegment: bigint;
  /** costPerSegment × segments. */
  readonly cost: bigint;
  /** pricePerSegment × segments. */
  readonly price: bigint;
  readonly deckId: string;
  readonly deckVersion: number;
  /** The rate deck prefix that matched (longest match in this provider's deck). */
  readonly matchedPrefix: string;
  readonly pricePlanId: string;
  readonly pricePlanVersion: number;
  /** The price plan prefix that matched. */
  readonly priceMatchedPrefix: string;
  /** ISO 3166-1 alpha-2, MCC, MNC and network name of the matched deck entry, when the deck gives them. */
  readonly country: string | null;
  readonly mcc: string | null;
  readonly mnc: string | null;
  readonly network: string | null;
}

export const ROUTING_FAILURE_REASONS = [
  /** The destination is not 1 to 15 digits. */
  'INVALID_DESTINATION',
  /** The tenant's price plan (its own, else the default) has no price for the destination, or there is no plan. */
  'NO_PRICE',
  /** No route plan covers the destination, or no allowed provider has a rate for it in the price's currency. */
  'NO_ROUTE',
  /** Route plans cover the destination but every one was excluded by its filters. */
  'FILTERED',
  /** Providers can carry the destination but every one is disabled or down. */
  'NO_HEALTHY_PROVIDER',
  /** Every usable provider costs more than the tenant's price, and the route plan does not allow that. */
  'BELOW_COST',
] as const;
export type RoutingFailureReason = (typeof ROUTING_FAILURE_REASONS)[number];

export interface RoutingFailure {
  readonly ok: false;
  readonly reason: RoutingFailureReason;
  readonly detail: string;
}

export interface RoutingPlan {
  readonly ok: true;
  /** The destination as routed (digits only). */
  readonly destination: string;
  readonly segments: number;
  readonly routePlanId: string;
  readonly strategy: 'least_cost' | 'priority' | 'weighted';
  /** At least one attempt; the first is the provider to use, the others are failover in order. */
  readonly attempts: readonly RouteAttempt[];
}

export type RoutingResult = RoutingPlan | RoutingFailure;
