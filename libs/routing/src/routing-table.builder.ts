import { setImmediate as nextTurn } from 'node:timers/promises';
import { DigitTrie, DigitTrieBuilder } from './digit-trie';
import { RoutingDataError } from './errors';
import { MAX_RATE_MICROS } from './micro-units';
import { validateRoutePlan, type RoutePlanDefinition } from './route-plan';
import { DEFAULT_OWNER, RoutingTable, type Epoch } from './routing-table';
import {
  PRICE_PREFIX_LENGTH,
  PRICE_RECORD_BIGINTS,
  PRICE_RECORD_BYTES,
  PRICE_RECORD_WORDS,
  RATE_COST_FLOAT,
  RATE_MCC,
  RATE_MNC,
  RATE_NETWORK,
  RATE_KEY,
  RATE_RECORD_BIGINTS,
  RATE_RECORD_BYTES,
  RATE_RECORD_WORDS,
  rateKey,
  RecordBuffer,
  MAX_COUNTRY_CODES,
  MAX_DECK_SLOTS,
  type SealedRecords,
} from './tariff-records';

export interface RateDeckInfo {
  readonly id: string;
  readonly providerId: string;
  readonly version: number;
  /** ISO 4217; costs are micro-units of it. */
  readonly currency: string;
  readonly effectiveFrom: Date;
}

export interface PricePlanInfo {
  readonly id: string;
  /** null: the default plan. */
  readonly tenantId: string | null;
  readonly version: number;
  readonly currency: string;
  readonly effectiveFrom: Date;
}

export interface RateEntryDetails {
  /** ISO 3166-1 alpha-2. */
  readonly country?: string | null;
  readonly mcc?: string | null;
  readonly mnc?: string | null;
  readonly network?: string | null;
}

const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;

/**
 * Collects rate decks, price plans and route plans, then builds an immutable RoutingTable. Entries are added one
 * at a time (the repository streams them from Postgres), so a deck never needs to exist as an array of objects.
 * Load every version that is in force now or later: the table switches between them by time.
 */
export class RoutingTableBuilder {
  private readonly providerIds: string[] = [];
  private readonly providerSlots = new Map<string, number>();
  private readonly currencies: string[] = [];
  private readonly currencySlots = new Map<string, number>();
  private readonly strings: (string | null)[] = [null];
  private readonly countries: (string | null)[] = [null];
  private readonly countrySlots = new Map<string | null, number>();
  private readonly stringSlots = new Map<string, number>();

  private readonly deckIds: string[] = [];
  private readonly deckProvider: number[] = [];
  private readonly deckVersion: number[] = [];
  private readonly deckCurrency: number[] = [];
  private readonly deckEffectiveFrom: number[] = [];
  private readonly deckVersionKeys = new Set<string>();
  private readonly deckTrie = new DigitTrieBuilder(MAX_DECK_SLOTS - 1);

  private readonly rates = new RecordBuffer(RATE_RECORD_BYTES);

  private readonly planIds: string[] = [];
  private readonly planTenant: (string | null)[] = [];
  private readonly planVersion: number[] = [];
  private readonly planCurrency: number[] = [];
  private readonly planEffectiveFrom: number[] = [];
  private readonly planVersionKeys = new Set<string>();
  private readonly planTries: DigitTrieBuilder[] = [];

  private readonly prices = new RecordBuffer(PRICE_RECORD_BYTES);

  private routePlans: readonly RoutePlanDefinition[] = [];
  private built = false;

  /** Registers a deck version and returns its slot for addRateEntry. */
  addRateDeck(info: RateDeckInfo): number {
    this.assertOpen();
    if (this.deckIds.length >= MAX_DECK_SLOTS) {
      throw new RoutingDataError(`more than ${MAX_DECK_SLOTS} rate decks`);
    }
    assertVersion('rate deck', info.id, info.version, info.currency, info.effectiveFrom);
    const key = `${info.providerId}\u0000${info.version}`;
    if (this.deckVersionKeys.has(key)) {
      throw new RoutingDataError(
        `provider ${info.providerId} has two rate decks with version ${info.version}`,
      );
    }
    this.deckVersionKeys.add(key);
    this.deckIds.push(info.id);
    this.deckProvider.push(intern(info.providerId, this.providerIds, this.providerSlots));
    this.deckVersion.push(info.version);
    this.deckCurrency.push(intern(info.currency, this.currencies, this.currencySlots));
    this.deckEffectiveFrom.push(info.effectiveFrom.getTime());
    return this.deckIds.length - 1;
  }

  addRateEntry(deck: number, prefix: string, costPerSegment: bigint, details: RateEntryDetails = {}): void {
    this.assertOpen();
    if (deck < 0 || deck >= this.deckIds.length || !Number.isInteger(deck)) {
      throw new RoutingDataError(`unknown rate deck slot ${deck}`);
    }
    assertMoney(costPerSegment, `cost of prefix ${prefix} in rate deck ${this.deckIds[deck]}`);
    const country = details.country ?? null;
    if (country !== null && !COUNTRY.test(country)) {
      throw new RoutingDataError(`country '${country}' of prefix ${prefix} is not ISO 3166-1 alpha-2`);
    }
    if (!this.deckTrie.insert(prefix, deck, this.rates.count)) {
      throw new RoutingDataError(`rate deck ${this.deckIds[deck]} has prefix ${prefix} twice`);
    }
    const entry = this.rates.append();
    const words = entry * RATE_RECORD_WORDS;
    this.rates.bigints[entry * RATE_RECORD_BIGINTS] = costPerSegment;
    this.rates.words[words + RATE_KEY] = rateKey(prefix.length, this.internCountry(country), deck);
    this.rates.words[words + RATE_MCC] = this.internString(details.mcc ?? null);
    this.rates.words[words + RATE_MNC] = this.internString(details.mnc ?? null);
    this.rates.words[words + RATE_NETWORK] = this.internString(details.network ?? null);
    this.rates.floats[entry * RATE_RECORD_BIGINTS + RATE_COST_FLOAT] = Number(costPerSegment);
  }

  /** Registers a price plan version and returns its slot for addPriceEntry. */
  addPricePlan(info: PricePlanInfo): number {
    this.assertOpen();
    assertVersion('price plan', info.id, info.version, info.currency, info.effectiveFrom);
    const key = `${info.tenantId ?? DEFAULT_OWNER}\u0000${info.version}`;
    if (this.planVersionKeys.has(key)) {
      throw new RoutingDataError(
        `${ownerName(info.tenantId)} has two price plans with version ${info.version}`,
      );
    }
    this.planVersionKeys.add(key);
    this.planIds.push(info.id);
    this.planTenant.push(info.tenantId);
    this.planVersion.push(info.version);
    this.planCurrency.push(intern(info.currency, this.currencies, this.currencySlots));
    this.planEffectiveFrom.push(info.effectiveFrom.getTime());
    this.planTries.push(new DigitTrieBuilder(0));
    return this.planIds.length - 1;
  }

  addPriceEntry(plan: number, prefix: string, pricePerSegment: bigint): void {
    this.assertOpen();
    if (plan < 0 || plan >= this.planIds.length || !Number.isInteger(plan)) {
      throw new RoutingDataError(`unknown price plan slot ${plan}`);
    }
    assertMoney(pricePerSegment, `price of prefix ${prefix} in price plan ${this.planIds[plan]}`);
    if (!this.planTries[plan].insert(prefix, 0, this.prices.count)) {
      throw new RoutingDataError(`price plan ${this.planIds[plan]} has prefix ${prefix} twice`);
    }
    const entry = this.prices.append();
    this.prices.bigints[entry * PRICE_RECORD_BIGINTS] = pricePerSegment;
    this.prices.words[entry * PRICE_RECORD_WORDS + PRICE_PREFIX_LENGTH] = prefix.length;
  }

  /** Validates and sets the route plans (replacing earlier ones). */
  setRoutePlans(plans: readonly RoutePlanDefinition[]): this {
    this.assertOpen();
    const ids = new Set<string>();
    this.routePlans = plans.map((plan) => {
      if (ids.has(plan.id)) throw new RoutingDataError(`route plan ${plan.id} given twice`);
      ids.add(plan.id);
      return validateRoutePlan(plan);
    });
    return this;
  }

  /** Builds the table in one go (blocks the event loop for the whole build: use in tests and tools). */
  build(): RoutingTable {
    const steps = this.buildSteps();
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
    }
  }

  /**
   * Builds the table in slices, giving the event loop a turn between slices, so that traffic keeps being routed
   * on the current table while the next one is built.
   */
  async buildInBackground(): Promise<RoutingTable> {
    const steps = this.buildSteps();
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
      await nextTurn();
    }
  }

  private *buildSteps(): Generator<void, RoutingTable, void> {
    this.assertOpen();
    this.built = true;
    const deckTrie = yield* this.deckTrie.buildSteps();
    const planTries: DigitTrie[] = [];
    const planPrices: SealedRecords[] = [];
    for (const builder of this.planTries) {
      const trie = yield* builder.buildSteps();
      planTries.push(trie);
      planPrices.push(yield* this.prices.gather(trie.pairValue));
      yield;
    }
    const rateEntries = this.rates.count;
    const pairRates = yield* this.rates.gather(deckTrie.pairValue);
    yield;
    return new RoutingTable(
      {
        providerIds: this.providerIds,
        currencies: this.currencies,
        strings: this.strings,
        countries: this.countries,
        deckIds: this.deckIds,
        deckProvider: Int32Array.from(this.deckProvider),
        deckVersion: Int32Array.from(this.deckVersion),
        deckCurrency: Int32Array.from(this.deckCurrency),
        deckEffectiveFrom: Float64Array.from(this.deckEffectiveFrom),
        rateEntries,
        deckTrie,
        pairRates,
        planIds: this.planIds,
        planTenant: this.planTenant,
        planVersion: Int32Array.from(this.planVersion),
        planCurrency: Int32Array.from(this.planCurrency),
        planEffectiveFrom: Float64Array.from(this.planEffectiveFrom),
        planTries,
        priceEntries: this.prices.count,
        planPrices,
        epochs: this.epochs(),
      },
      this.routePlans,
    );
  }

  /**
   * One epoch per distinct effective time: per provider the deck, per owner the price plan, with the latest
   * effective_from at or before that time (the higher version when two share it).
   */
  private epochs(): Epoch[] {
    const times = [...new Set([...this.deckEffectiveFrom, ...this.planEffectiveFrom])].sort((a, b) => a - b);
    return times.map((from) => {
      const deckOfProvider = latestInForce(this.deckProvider, this.deckEffectiveFrom, this.deckVersion, from);
      const activeDeck = new Uint8Array(this.deckIds.length);
      for (const deck of deckOfProvider.values()) activeDeck[deck] = 1;
      const owners = this.planTenant.map((tenant) => tenant ?? DEFAULT_OWNER);
      const planOfOwner = latestInForce(owners, this.planEffectiveFrom, this.planVersion, from);
      return { from, activeDeck, pricePlanByOwner: planOfOwner };
    });
  }

  private internCountry(country: string | null): number {
    if (country === null) return 0;
    const slot = intern(country, this.countries, this.countrySlots);
    if (slot > MAX_COUNTRY_CODES) throw new RoutingDataError(`more than ${MAX_COUNTRY_CODES} country codes`);
    return slot;
  }

  private internString(value: string | null): number {
    return value === null ? 0 : intern(value, this.strings, this.stringSlots);
  }

  private assertOpen(): void {
    if (this.built) throw new RoutingDataError('RoutingTableBuilder: already built');
  }
}

/** For each owner, the slot with the latest effective time <= `at` (ties: higher version). */
function latestInForce<Owner>(
  owner: readonly Owner[],
  effectiveFrom: readonly number[],
  version: readonly number[],
  at: number,
): Map<Owner, number> {
  const chosen = new Map<Owner, number>();
  owner.forEach((key, slot) => {
    if (effectiveFrom[slot] > at) return;
    const current = chosen.get(key);
    if (
      current === undefined ||
      effectiveFrom[slot] > effectiveFrom[current] ||
      (effectiveFrom[slot] === effectiveFrom[current] && version[slot] > version[current])
    ) {
      chosen.set(key, slot);
    }
  });
  return chosen;
}

function intern<T>(value: T, values: T[], slots: Map<T, number>): number {
  let slot = slots.get(value);
  if (slot === undefined) {
    slot = values.length;
    values.push(value);
    slots.set(value, slot);
  }
  return slot;
}

function assertVersion(
  kind: string,
  id: string,
  version: number,
  currency: string,
  effectiveFrom: Date,
): void {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new RoutingDataError(`${kind} ${id}: version must be a positive integer`);
  }
  if (!CURRENCY.test(currency))
    throw new RoutingDataError(`${kind} ${id}: currency '${currency}' is not ISO 4217`);
  if (Number.isNaN(effectiveFrom.getTime()))
    throw new RoutingDataError(`${kind} ${id}: invalid effective time`);
}

function assertMoney(value: bigint, what: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_RATE_MICROS) {
    throw new RoutingDataError(`${what} must be a bigint of micro-units in 0..${MAX_RATE_MICROS}`);
  }
}

function ownerName(tenantId: string | null): string {
  return tenantId === null ? 'the default owner' : `tenant ${tenantId}`;
}
