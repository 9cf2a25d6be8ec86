import { DigitTrie } from './digit-trie';
import { InvalidRoutingRequestError } from './errors';
import {
  PRICE_PREFIX_LENGTH,
  PRICE_RECORD_BIGINTS,
  PRICE_RECORD_WORDS,
  RATE_COST_FLOAT,
  RATE_MCC,
  RATE_MNC,
  RATE_NETWORK,
  RATE_KEY,
  RATE_RECORD_BIGINTS,
  RATE_RECORD_BYTES,
  RATE_RECORD_WORDS,
  RecordBuffer,
  keyCountry,
  keyDeck,
  keyPrefixLength,
  type SealedRecords,
} from './tariff-records';
import { compileFilters, inTimeWindow, type CompiledFilters, type RoutePlanDefinition } from './route-plan';
import type {
  ProviderHealthState,
  ProviderState,
  RouteAttempt,
  RoutingFailure,
  RoutingFailureReason,
  RoutingRequest,
  RoutingResult,
} from './types';

/** Owner key of the default price plan in an epoch's plan map (tenant ids are uuids, never empty). */
export const DEFAULT_OWNER = '';

const MAX_SEGMENTS = 255;

/** SEGMENT_COUNTS[n] === BigInt(n), to multiply frozen amounts without converting on every call. */
const SEGMENT_COUNTS: readonly bigint[] = Array.from({ length: MAX_SEGMENTS + 1 }, (_, count) =>
  BigInt(count),
);
const MAX_DESTINATION_DIGITS = 15;

/** What routing may do with a provider right now (values of ProviderStatusView.usability). */
const UNUSABLE = 0;
/** health `up`. */
const PREFERRED = 1;
/** health `degraded` or `unknown`: used only after every preferred provider. */
const FALLBACK = 2;

/** Which rate deck of each provider and which price plan of each owner apply from `from` (ms, UTC) on. */
export interface Epoch {
  readonly from: number;
  /** 1 for the deck slots in force. */
  readonly activeDeck: Uint8Array;
  /** Owner (tenant id, or DEFAULT_OWNER) to price plan slot. */
  readonly pricePlanByOwner: ReadonlyMap<string, number>;
}

/** Provider states resolved against one table's provider slots. */
export interface ProviderStatusView {
  readonly usability: Uint8Array;
  readonly health: readonly ProviderHealthState[];
}

/** The arrays a RoutingTableBuilder produces. Decks, entries and plans are addressed by slot (array index). */
export interface RoutingTableData {
  readonly providerIds: readonly string[];
  readonly currencies: readonly string[];
  /** Interned MCC / MNC / network strings; index 0 is null. */
  readonly strings: readonly (string | null)[];
  /** Interned country codes; index 0 is null. */
  readonly countries: readonly (string | null)[];
  readonly deckIds: readonly string[];
  readonly deckProvider: Int32Array;
  readonly deckVersion: Int32Array;
  readonly deckCurrency: Int32Array;
  readonly deckEffectiveFrom: Float64Array;
  /** Number of rate deck entries loaded. */
  readonly rateEntries: number;
  /** Columns are deck slots, values rate entry indexes (the builder lays pairRates out by them). */
  readonly deckTrie: DigitTrie;
  /**
   * The rate (tariff-records.ts: cost per segment, prefix length, interned strings) of each deck trie pair, in pair
   * order: the rates of every provider for one destination are adjacent in memory.
   */
  readonly pairRates: SealedRecords;
  readonly planIds: readonly string[];
  readonly planTenant: readonly (string | null)[];
  readonly planVersion: Int32Array;
  readonly planCurrency: Int32Array;
  readonly planEffectiveFrom: Float64Array;
  /** One trie per price plan (single column 0), values are price entry indexes. */
  readonly planTries: readonly DigitTrie[];
  readonly priceEntries: number;
  /**
   * Per price plan, the price (tariff-records.ts: price per segment in micro-units, prefix length) of each pair of
   * the plan's trie, in pair order.
   */
  readonly planPrices: readonly SealedRecords[];
  /** Sorted by `from`. */
  readonly epochs: readonly Epoch[];
}

export interface RoutingTableStats {
  readonly providers: number;
  readonly rateDecks: number;
  readonly rateEntries: number;
  readonly pricePlans: number;
  readonly priceEntries: number;
  readonly routePlans: number;
  readonly trieNodes: number;
  readonly triePairs: number;
  readonly epochs: number;
}

interface CompiledRoutePlan {
  readonly id: string;
  readonly prefix: string;
  readonly strategy: 'least_cost' | 'priority' | 'weighted';
  readonly allowBelowCost: boolean;
  /** Per provider slot: -1 when the plan excludes the provider, else its position in the plan's list (0 for LCR). */
  readonly position: Int32Array;
  /** Per provider slot: the weighted percent (weighted plans only). */
  readonly weight: Int32Array;
  readonly filters: CompiledFilters;
  readonly hasFilters: boolean;
}

type RoutePlanChoice = CompiledRoutePlan | 'NO_ROUTE' | 'FILTERED';

/**
 * An immutable routing table: rate decks, price plans and route plans, with every deck and plan version loaded
 * (current and future). `plan()` picks the versions in force at the given instant, so a version takes over exactly
 * at its effective time without a rebuild. Replaced as a whole (see Router.swapTable), never modified.
 *
 * Cost and price are compared only in one currency: a deck whose currency differs from the currency of the tenant's
 * price plan is not eligible for that tenant (no FX conversion).
 */
export class RoutingTable {
  private readonly tenantPlans: ReadonlyMap<string, readonly CompiledRoutePlan[]>;
  private readonly defaultPlans: readonly CompiledRoutePlan[];
  private readonly providerIdRank: Int32Array;
  private readonly noEpoch: Epoch;
  // Scratch space for one plan() call (plan() is synchronous, so calls never overlap).
  private readonly candidateDeck: Int32Array;
  private readonly candidatePair: Int32Array;
  private readonly candidateProvider: Int32Array;
  private readonly candidateOrder: Int32Array;

  constructor(
    private readonly data: RoutingTableData,
    readonly routePlans: readonly RoutePlanDefinition[],
  ) {
    const providerCount = data.providerIds.length;
    const byId = [...data.providerIds.keys()].sort((a, b) =>
      compareStrings(data.providerIds[a], data.providerIds[b]),
    );
    this.providerIdRank = new Int32Array(providerCount);
    byId.forEach((slot, rank) => (this.providerIdRank[slot] = rank));
    const slotOf = new Map(data.providerIds.map((id, slot) => [id, slot]));
    const compiled = [...routePlans]
      .sort((a, b) => b.prefix.length - a.prefix.length || a.rank - b.rank || compareStrings(a.id, b.id))
      .map((plan) => ({ tenantId: plan.tenantId, plan: compileRoutePlan(plan, slotOf, providerCount) }));
    const tenantPlans = new Map<string, CompiledRoutePlan[]>();
    for (const { tenantId, plan } of compiled) {
      if (tenantId === null) continue;
      const list = tenantPlans.get(tenantId) ?? [];
      list.push(plan);
      tenantPlans.set(tenantId, list);
    }
    this.tenantPlans = tenantPlans;
    this.defaultPlans = compiled.filter((entry) => entry.tenantId === null).map((entry) => entry.plan);
    this.noEpoch = {
      from: -Infinity,
      activeDeck: new Uint8Array(data.deckIds.length),
      pricePlanByOwner: new Map(),
    };
    const scratch = Math.max(1, providerCount);
    this.candidateDeck = new Int32Array(scratch);
    this.candidatePair = new Int32Array(scratch);
    this.candidateProvider = new Int32Array(scratch);
    this.candidateOrder = new Int32Array(scratch);
  }

  static empty(): RoutingTable {
    return new RoutingTable(
      {
        providerIds: [],
        currencies: [],
        strings: [null],
        countries: [null],
        deckIds: [],
        deckProvider: new Int32Array(0),
        deckVersion: new Int32Array(0),
        deckCurrency: new Int32Array(0),
        deckEffectiveFrom: new Float64Array(0),
        rateEntries: 0,
        deckTrie: DigitTrie.empty(),
        pairRates: new RecordBuffer(RATE_RECORD_BYTES).seal(),
        planIds: [],
        planTenant: [],
        planVersion: new Int32Array(0),
        planCurrency: new Int32Array(0),
        planEffectiveFrom: new Float64Array(0),
        planTries: [],
        priceEntries: 0,
        planPrices: [],
        epochs: [],
      },
      [],
    );
  }

  /** The same rate decks and price plans with other route plans (no rebuild of the tries). */
  withRoutePlans(routePlans: readonly RoutePlanDefinition[]): RoutingTable {
    return new RoutingTable(this.data, routePlans);
  }

  get providerIds(): readonly string[] {
    return this.data.providerIds;
  }

  get stats(): RoutingTableStats {
    const data = this.data;
    return {
      providers: data.providerIds.length,
      rateDecks: data.deckIds.length,
      rateEntries: data.rateEntries,
      pricePlans: data.planIds.length,
      priceEntries: data.priceEntries,
      routePlans: this.routePlans.length,
      trieNodes: data.deckTrie.nodeCount,
      triePairs: data.deckTrie.pairCount,
      epochs: data.epochs.length,
    };
  }

  /** Instants (ms, UTC) at which some deck or plan version takes effect, ascending. */
  get changeTimes(): readonly number[] {
    return this.data.epochs.map((epoch) => epoch.from);
  }

  /** Resolves provider states against this table's providers; a provider without a state is unusable. */
  resolveProviderStates(states: ReadonlyMap<string, ProviderState>): ProviderStatusView {
    const usability = new Uint8Array(this.data.providerIds.length);
    const health = this.data.providerIds.map((id, slot): ProviderHealthState => {
      const state = states.get(id);
      if (state === undefined) return 'down';
      usability[slot] =
        !state.enabled || state.health === 'down' ? UNUSABLE : state.health === 'up' ? PREFERRED : FALLBACK;
      return state.health;
    });
    return { usability, health };
  }

  /** The ordered attempts for `request` at `nowMs` (UTC), or why there are none. */
  plan(request: RoutingRequest, nowMs: number, providers: ProviderStatusView): RoutingResult {
    const segments = request.segments;
    if (!Number.isInteger(segments) || segments < 1 || segments > MAX_SEGMENTS) {
      throw new InvalidRoutingRequestError(`segments must be an integer 1..${MAX_SEGMENTS}, got ${segments}`);
    }
    const destination = normalizeDestination(request.destination);
    if (destination === undefined) {
      return failure('INVALID_DESTINATION', `destination must be 1 to 15 digits (optional +)`);
    }
    const data = this.data;
    const epoch = this.epochAt(nowMs);
    const planSlot =
      epoch.pricePlanByOwner.get(request.tenantId) ?? epoch.pricePlanByOwner.get(DEFAULT_OWNER) ?? -1;
    if (planSlot === -1) return failure('NO_PRICE', `no price plan for tenant ${request.tenantId}`);
    const priceTrie = data.planTries[planSlot];
    const priceNode = priceTrie.longestMatch(destination);
    if (priceNode === -1) {
      return failure('NO_PRICE', `price plan ${data.planIds[planSlot]} has no price for the destination`);
    }
    const prices = data.planPrices[planSlot];
    const priceEntry = priceTrie.pairBegin(priceNode);
    const pricePerSegmentBig = prices.bigints[priceEntry * PRICE_RECORD_BIGINTS];
    const pricePerSegment = Number(pricePerSegmentBig);
    const currency = data.planCurrency[planSlot];

    const deckTrie = data.deckTrie;
    const deckNode = deckTrie.longestMatch(destination);
    const routePlan = this.chooseRoutePlan(request, destination, nowMs, deckNode, epoch);
    if (routePlan === 'NO_ROUTE') return failure('NO_ROUTE', 'no route plan covers the destination');
    if (routePlan === 'FILTERED')
      return failure('FILTERED', 'every route plan for the destination was filtered out');

    const usability = providers.usability;
    const position = routePlan.position;
    let routable = 0;
    let usable = 0;
    let count = 0;
    if (deckNode !== -1) {
      const end = deckTrie.pairEnd(deckNode);
      const rateWords = data.pairRates.words;
      const rateFloats = data.pairRates.floats;
      for (let pair = deckTrie.pairBegin(deckNode); pair < end; pair++) {
        const deck = keyDeck(rateWords[pair * RATE_RECORD_WORDS + RATE_KEY]);
        if (epoch.activeDeck[deck] === 0) continue;
        const provider = data.deckProvider[deck];
        if (position[provider] === -1 || data.deckCurrency[deck] !== currency) continue;
        routable++;
        if (usability[provider] === UNUSABLE) continue;
        usable++;
        const cost = rateFloats[pair * RATE_RECORD_BIGINTS + RATE_COST_FLOAT];
        if (cost > pricePerSegment && !routePlan.allowBelowCost) continue;
        this.candidateDeck[count] = deck;
        this.candidatePair[count] = pair;
        this.candidateProvider[count] = provider;
        this.candidateOrder[count] = count;
        count++;
      }
    }
    if (count === 0) {
      if (routable === 0) {
        return failure(
          'NO_ROUTE',
          `no provider of route plan ${routePlan.id} has a rate for the destination`,
        );
      }
      if (usable === 0)
        return failure('NO_HEALTHY_PROVIDER', 'every provider for the destination is disabled or down');
      return failure('BELOW_COST', `every usable provider costs more than the price`);
    }
    this.orderCandidates(routePlan, count, usability, request.messageKey);

    const segmentsBig = SEGMENT_COUNTS[segments];
    // One segment (the common case) reuses the per-segment bigints instead of allocating products.
    const single = segments === 1;
    const priceBig = single ? pricePerSegmentBig : pricePerSegmentBig * segmentsBig;
    const currencyCode = data.currencies[currency];
    const pricePlanId = data.planIds[planSlot];
    const pricePlanVersion = data.planVersion[planSlot];
    const priceMatchedPrefix = destination.slice(
      0,
      prices.words[priceEntry * PRICE_RECORD_WORDS + PRICE_PREFIX_LENGTH],
    );
    const strings = data.strings;
    const rateCosts = data.pairRates.bigints;
    const rateWords = data.pairRates.words;
    const attempts: RouteAttempt[] = new Array<RouteAttempt>(count);
    for (let index = 0; index < count; index++) {
      const candidate = this.candidateOrder[index];
      const deck = this.candidateDeck[candidate];
      const pair = this.candidatePair[candidate];
      const provider = this.candidateProvider[candidate];
      const costPerSegment = rateCosts[pair * RATE_RECORD_BIGINTS];
      const words = pair * RATE_RECORD_WORDS;
      const key = rateWords[words + RATE_KEY];
      attempts[index] = {
        providerId: data.providerIds[provider],
        health: providers.health[provider],
        currency: currencyCode,
        costPerSegment,
        pricePerSegment: pricePerSegmentBig,
        cost: single ? costPerSegment : costPerSegment * segmentsBig,
        price: priceBig,
        deckId: data.deckIds[deck],
        deckVersion: data.deckVersion[deck],
        matchedPrefix: destination.slice(0, keyPrefixLength(key)),
        pricePlanId,
        pricePlanVersion,
        priceMatchedPrefix,
        country: data.countries[keyCountry(key)],
        mcc: strings[rateWords[words + RATE_MCC]],
        mnc: strings[rateWords[words + RATE_MNC]],
        network: strings[rateWords[words + RATE_NETWORK]],
      };
    }
    return {
      ok: true,
      destination,
      segments,
      routePlanId: routePlan.id,
      strategy: routePlan.strategy,
      attempts,
    };
  }

  /**
   * The core lookup alone (what plan() starts with): the deck trie node that holds every deck's longest match for
   * `digits` (ASCII digits), or -1. For benchmarks and diagnostics.
   */
  longestRateMatch(digits: string): number {
    return this.data.deckTrie.longestMatch(digits);
  }

  /** The epoch in force at `nowMs`: the last one that started at or before it. */
  epochAt(nowMs: number): Epoch {
    const epochs = this.data.epochs;
    for (let index = epochs.length - 1; index >= 0; index--) {
      if (epochs[index].from <= nowMs) return epochs[index];
    }
    return this.noEpoch;
  }

  private chooseRoutePlan(
    request: RoutingRequest,
    destination: string,
    nowMs: number,
    deckNode: number,
    epoch: Epoch,
  ): RoutePlanChoice {
    let covered = false;
    let country: string | null | undefined;
    const tenantPlans = this.tenantPlans.get(request.tenantId);
    for (let list = 0; list < 2; list++) {
      const plans = list === 0 ? tenantPlans : this.defaultPlans;
      if (plans === undefined) continue;
      for (const plan of plans) {
        if (!destination.startsWith(plan.prefix)) continue;
        covered = true;
        if (!plan.hasFilters) return plan;
        const filters = plan.filters;
        if (filters.countries !== undefined && country === undefined) {
          country = this.countryOf(deckNode, epoch);
        }
        if (filtersMatch(filters, request, destination, nowMs, country ?? null)) return plan;
      }
    }
    return covered ? 'FILTERED' : 'NO_ROUTE';
  }

  /** The country of the longest deck prefix in force that names one (ties: the first loaded deck). */
  private countryOf(deckNode: number, epoch: Epoch): string | null {
    if (deckNode === -1) return null;
    const data = this.data;
    const trie = data.deckTrie;
    let best = 0;
    let bestLength = -1;
    let bestDeck = -1;
    for (let pair = trie.pairBegin(deckNode); pair < trie.pairEnd(deckNode); pair++) {
      const key = data.pairRates.words[pair * RATE_RECORD_WORDS + RATE_KEY];
      const deck = keyDeck(key);
      const country = keyCountry(key);
      const length = keyPrefixLength(key);
      if (epoch.activeDeck[deck] === 0 || country === 0) continue;
      if (length > bestLength || (length === bestLength && deck < bestDeck)) {
        best = country;
        bestLength = length;
        bestDeck = deck;
      }
    }
    return data.countries[best];
  }

  /**
   * Sorts candidateOrder[0..count): preferred before fallback providers; within each, least_cost by cost then
   * provider id, priority and weighted by the plan's list. Weighted then moves its pick to the front.
   */
  private orderCandidates(
    plan: CompiledRoutePlan,
    count: number,
    usability: Uint8Array,
    messageKey: string,
  ): void {
    const order = this.candidateOrder;
    const provider = this.candidateProvider;
    const pair = this.candidatePair;
    const cost = this.data.pairRates.floats;
    const rank = this.providerIdRank;
    const position = plan.position;
    const leastCost = plan.strategy === 'least_cost';
    for (let index = 1; index < count; index++) {
      const current = order[index];
      const currentProvider = provider[current];
      let cursor = index - 1;
      while (cursor >= 0) {
        const other = order[cursor];
        const otherProvider = provider[other];
        let difference = usability[otherProvider] - usability[currentProvider];
        if (difference === 0) {
          difference = leastCost
            ? cost[pair[other] * RATE_RECORD_BIGINTS + RATE_COST_FLOAT] -
                cost[pair[current] * RATE_RECORD_BIGINTS + RATE_COST_FLOAT] ||
              rank[otherProvider] - rank[currentProvider]
            : position[otherProvider] - position[currentProvider];
        }
        if (difference <= 0) break;
        order[cursor + 1] = other;
        cursor--;
      }
      order[cursor + 1] = current;
    }
    if (plan.strategy !== 'weighted') return;
    const firstClass = usability[provider[order[0]]];
    let total = 0;
    let classEnd = 0;
    while (classEnd < count && usability[provider[order[classEnd]]] === firstClass) {
      total += plan.weight[provider[order[classEnd]]];
      classEnd++;
    }
    let point = Math.floor(hashMessageKey(messageKey) * total);
    let picked = 0;
    while (picked < classEnd - 1 && point >= plan.weight[provider[order[picked]]]) {
      point -= plan.weight[provider[order[picked]]];
      picked++;
    }
    const chosen = order[picked];
    for (let index = picked; index > 0; index--) order[index] = order[index - 1];
    order[0] = chosen;
  }
}

function compileRoutePlan(
  plan: RoutePlanDefinition,
  slotOf: ReadonlyMap<string, number>,
  providerCount: number,
): CompiledRoutePlan {
  const position = new Int32Array(providerCount);
  const weight = new Int32Array(providerCount);
  const strategy = plan.strategy;
  if (strategy.kind !== 'least_cost') {
    position.fill(-1);
    const listed =
      strategy.kind === 'priority' ? strategy.providers : strategy.weights.map((item) => item.providerId);
    listed.forEach((id, index) => {
      const slot = slotOf.get(id);
      if (slot === undefined) return;
      position[slot] = index;
      if (strategy.kind === 'weighted') weight[slot] = strategy.weights[index].percent;
    });
  }
  if (plan.allowProviders.length > 0) {
    const allowed = new Set(plan.allowProviders);
    slotOf.forEach((slot, id) => {
      if (!allowed.has(id)) position[slot] = -1;
    });
  }
  for (const id of plan.denyProviders) {
    const slot = slotOf.get(id);
    if (slot !== undefined) position[slot] = -1;
  }
  const filters = compileFilters(plan.filters);
  return {
    id: plan.id,
    prefix: plan.prefix,
    strategy: strategy.kind,
    allowBelowCost: plan.allowBelowCost,
    position,
    weight,
    filters,
    hasFilters: Object.values(filters).some((value) => value !== undefined),
  };
}

function filtersMatch(
  filters: CompiledFilters,
  request: RoutingRequest,
  destination: string,
  nowMs: number,
  country: string | null,
): boolean {
  if (
    filters.source !== undefined &&
    (request.source === undefined || !filters.source.test(request.source))
  ) {
    return false;
  }
  if (
    filters.content !== undefined &&
    (request.content === undefined || !filters.content.test(request.content))
  ) {
    return false;
  }
  if (
    filters.destinationPrefixes !== undefined &&
    !filters.destinationPrefixes.some((prefix) => destination.startsWith(prefix))
  ) {
    return false;
  }
  if (filters.countries !== undefined && (country === null || !filters.countries.has(country))) return false;
  if (filters.window !== undefined && !inTimeWindow(filters.window, nowMs)) return false;
  return true;
}

/** The destination as digits, without an optional leading `+`; undefined when it is not 1 to 15 digits. */
export function normalizeDestination(destination: string): string | undefined {
  const digits = destination.startsWith('+') ? destination.slice(1) : destination;
  if (digits.length === 0 || digits.length > MAX_DESTINATION_DIGITS) return undefined;
  for (let index = 0; index < digits.length; index++) {
    const code = digits.charCodeAt(index);
    if (code < 48 || code > 57) return undefined;
  }
  return digits;
}

/**
 * Maps a message key to [0, 1), the same for the same key on every process and version: FNV-1a over the UTF-16
 * code units, then the murmur3 finaliser so that keys differing in their last characters spread evenly.
 */
export function hashMessageKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

function failure(reason: RoutingFailureReason, detail: string): RoutingFailure {
  return { ok: false, reason, detail };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
