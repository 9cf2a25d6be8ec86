import { RoutePlanValidationError } from './errors';

export const ROUTE_STRATEGY_KINDS = ['least_cost', 'priority', 'weighted'] as const;
export type RouteStrategyKind = (typeof ROUTE_STRATEGY_KINDS)[number];

export interface ProviderWeight {
  readonly providerId: string;
  /** Integer percent, 1..100; the weights of a plan sum to 100. */
  readonly percent: number;
}

export type RouteStrategy =
  | { readonly kind: 'least_cost' }
  | { readonly kind: 'priority'; readonly providers: readonly string[] }
  | { readonly kind: 'weighted'; readonly weights: readonly ProviderWeight[] };

/** A time-of-day window in UTC, `from` inclusive, `to` exclusive; `from` > `to` wraps past midnight. */
export interface TimeWindow {
  /** `HH:MM`, 00:00..23:59. */
  readonly from: string;
  /** `HH:MM`, 00:00..24:00. */
  readonly to: string;
  /** ISO weekdays (1 = Monday .. 7 = Sunday) of the current UTC instant; absent means every day. */
  readonly weekdays?: readonly number[];
}

/** Every filter present must match for the plan to apply. Patterns are JavaScript regular expressions (unicode). */
export interface RouteFilters {
  /** Tested against the source address / sender id; a message without one does not match. */
  readonly sourcePattern?: string;
  /** The destination must start with one of these. */
  readonly destinationPrefixes?: readonly string[];
  /** ISO 3166-1 alpha-2 codes; the destination's country comes from the rate decks (see README). */
  readonly countries?: readonly string[];
  /** Tested against the decoded message text; a message without text does not match. */
  readonly contentPattern?: string;
  readonly timeWindow?: TimeWindow;
}

export interface RoutePlanDefinition {
  readonly id: string;
  /** null: the default plan, used for every tenant after the tenant's own plans. */
  readonly tenantId: string | null;
  /** Destination prefix the plan applies to; '' applies to every destination. */
  readonly prefix: string;
  /** Order among plans of the same owner and prefix length, lower first. */
  readonly rank: number;
  readonly strategy: RouteStrategy;
  /** When not empty, only these providers may be used. */
  readonly allowProviders: readonly string[];
  readonly denyProviders: readonly string[];
  readonly filters: RouteFilters;
  /** Whether a provider may be used when its cost exceeds the tenant's price. */
  readonly allowBelowCost: boolean;
}

/** A route plan as stored (`route_plans` row): the strategy name plus jsonb columns not yet validated. */
export interface StoredRoutePlan {
  readonly id: string;
  readonly tenantId: string | null;
  readonly prefix: string;
  readonly rank: number;
  readonly strategy: string;
  /** priority: provider ids in order; weighted: `{ providerId, percent }` objects; least_cost: []. */
  readonly providers: unknown;
  readonly allowProviders: unknown;
  readonly denyProviders: unknown;
  readonly filters: unknown;
  readonly allowBelowCost: boolean;
}

const PREFIX = /^[0-9]{0,15}$/;
const FILTER_PREFIX = /^[0-9]{1,15}$/;
const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const COUNTRY = /^[A-Z]{2}$/;
const CLOCK_TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$/;
const FILTER_KEYS = new Set([
  'sourcePattern',
  'destinationPrefixes',
  'countries',
  'contentPattern',
  'timeWindow',
]);
const MAX_PATTERN_LENGTH = 500;

/** Validates a stored route plan; throws RoutePlanValidationError listing every problem. */
export function parseRoutePlan(stored: StoredRoutePlan): RoutePlanDefinition {
  const problems: string[] = [];
  if (typeof stored.prefix !== 'string' || !PREFIX.test(stored.prefix)) {
    problems.push(`prefix must be 0 to 15 digits, got ${JSON.stringify(stored.prefix)}`);
  }
  if (!Number.isSafeInteger(stored.rank))
    problems.push(`rank must be an integer, got ${String(stored.rank)}`);
  const strategy = parseStrategy(stored.strategy, stored.providers, problems);
  const allowProviders = parseProviderList('allowProviders', stored.allowProviders, problems);
  const denyProviders = parseProviderList('denyProviders', stored.denyProviders, problems);
  for (const id of allowProviders) {
    if (denyProviders.includes(id)) problems.push(`provider ${id} is both allowed and denied`);
  }
  const filters = parseFilters(stored.filters, problems);
  if (typeof stored.allowBelowCost !== 'boolean') problems.push('allowBelowCost must be a boolean');
  if (problems.length > 0 || strategy === undefined) throw new RoutePlanValidationError(stored.id, problems);
  return {
    id: stored.id,
    tenantId: stored.tenantId,
    prefix: stored.prefix,
    rank: stored.rank,
    strategy,
    allowProviders,
    denyProviders,
    filters,
    allowBelowCost: stored.allowBelowCost,
  };
}

/** The stored form of a definition (what goes into the `route_plans` jsonb columns). */
export function toStoredRoutePlan(plan: RoutePlanDefinition): StoredRoutePlan {
  const strategy = plan.strategy;
  return {
    id: plan.id,
    tenantId: plan.tenantId,
    prefix: plan.prefix,
    rank: plan.rank,
    strategy: strategy.kind,
    providers:
      strategy.kind === 'priority'
        ? [...strategy.providers]
        : strategy.kind === 'weighted'
          ? strategy.weights.map((weight) => ({ providerId: weight.providerId, percent: weight.percent }))
          : [],
    allowProviders: [...plan.allowProviders],
    denyProviders: [...plan.denyProviders],
    filters: plan.filters,
    allowBelowCost: plan.allowBelowCost,
  };
}

/** Checks a definition built in code by the same rules as a stored one. */
export function validateRoutePlan(plan: RoutePlanDefinition): RoutePlanDefinition {
  return parseRoutePlan(toStoredRoutePlan(plan));
}

function parseStrategy(kind: string, providers: unknown, problems: string[]): RouteStrategy | undefined {
  switch (kind) {
    case 'least_cost':
      if (!Array.isArray(providers) || providers.length > 0) {
        problems.push('least_cost takes no provider list (use allowProviders/denyProviders)');
      }
      return { kind };
    case 'priority': {
      const list = parseProviderList('providers', providers, problems);
      if (list.length === 0) problems.push('priority needs at least one provider');
      return { kind, providers: list };
    }
    case 'weighted':
      return { kind, weights: parseWeights(providers, problems) };
    default:
      problems.push(
        `strategy must be one of ${ROUTE_STRATEGY_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
      );
      return undefined;
  }
}

function parseWeights(value: unknown, problems: string[]): ProviderWeight[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push('weighted needs a non-empty array of { providerId, percent }');
    return [];
  }
  const weights: ProviderWeight[] = [];
  let total = 0;
  for (const item of value as unknown[]) {
    const weight = item as Partial<Record<'providerId' | 'percent', unknown>> | null;
    const providerId = typeof weight === 'object' && weight !== null ? weight.providerId : undefined;
    const percent = typeof weight === 'object' && weight !== null ? weight.percent : undefined;
    if (typeof providerId !== 'string' || !PROVIDER_ID.test(providerId)) {
      problems.push(`weighted entry ${JSON.stringify(item)} needs a valid providerId`);
      continue;
    }
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 1 || percent > 100) {
      problems.push(
        `weight of ${providerId} must be an integer percent 1..100, got ${JSON.stringify(percent)}`,
      );
      continue;
    }
    if (weights.some((existing) => existing.providerId === providerId)) {
      problems.push(`provider ${providerId} is weighted twice`);
      continue;
    }
    weights.push({ providerId, percent });
    total += percent;
  }
  if (weights.length === value.length && total !== 100)
    problems.push(`weights must sum to 100, got ${total}`);
  return weights;
}

function parseProviderList(field: string, value: unknown, problems: string[]): string[] {
  if (!Array.isArray(value)) {
    problems.push(`${field} must be an array of provider ids`);
    return [];
  }
  const ids: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || !PROVIDER_ID.test(item)) {
      problems.push(`${field} has an invalid provider id ${JSON.stringify(item)}`);
    } else if (ids.includes(item)) {
      problems.push(`${field} lists ${item} twice`);
    } else {
      ids.push(item);
    }
  }
  return ids;
}

function parseFilters(value: unknown, problems: string[]): RouteFilters {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('filters must be an object');
    return {};
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!FILTER_KEYS.has(key)) problems.push(`unknown filter ${key}`);
  }
  const filters: {
    sourcePattern?: string;
    destinationPrefixes?: string[];
    countries?: string[];
    contentPattern?: string;
    timeWindow?: TimeWindow;
  } = {};
  if (raw.sourcePattern !== undefined)
    filters.sourcePattern = parsePattern('sourcePattern', raw.sourcePattern, problems);
  if (raw.contentPattern !== undefined) {
    filters.contentPattern = parsePattern('contentPattern', raw.contentPattern, problems);
  }
  if (raw.destinationPrefixes !== undefined) {
    filters.destinationPrefixes = parseStringList(
      'destinationPrefixes',
      raw.destinationPrefixes,
      FILTER_PREFIX,
      problems,
    );
  }
  if (raw.countries !== undefined) {
    filters.countries = parseStringList('countries', raw.countries, COUNTRY, problems);
  }
  if (raw.timeWindow !== undefined) filters.timeWindow = parseTimeWindow(raw.timeWindow, problems);
  return filters;
}

function parsePattern(field: string, value: unknown, problems: string[]): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATTERN_LENGTH) {
    problems.push(`${field} must be a regular expression of 1 to ${MAX_PATTERN_LENGTH} characters`);
    return '';
  }
  try {
    new RegExp(value, 'u');
  } catch (error) {
    problems.push(`${field} is not a valid regular expression: ${(error as Error).message}`);
  }
  return value;
}

function parseStringList(field: string, value: unknown, format: RegExp, problems: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${field} must be a non-empty array`);
    return [];
  }
  const items: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || !format.test(item))
      problems.push(`${field} has an invalid entry ${JSON.stringify(item)}`);
    else items.push(item);
  }
  return items;
}

function parseTimeWindow(value: unknown, problems: string[]): TimeWindow {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const from = raw.from;
  const to = raw.to;
  if (typeof from !== 'string' || !CLOCK_TIME.test(from) || from === '24:00') {
    problems.push(`timeWindow.from must be HH:MM (00:00..23:59), got ${JSON.stringify(from)}`);
  }
  if (typeof to !== 'string' || !CLOCK_TIME.test(to)) {
    problems.push(`timeWindow.to must be HH:MM (00:00..24:00), got ${JSON.stringify(to)}`);
  }
  if (typeof from === 'string' && from === to) problems.push('timeWindow.from and timeWindow.to must differ');
  const window: { from: string; to: string; weekdays?: number[] } = { from: String(from), to: String(to) };
  if (raw.weekdays !== undefined) {
    const weekdays = raw.weekdays;
    if (
      !Array.isArray(weekdays) ||
      weekdays.length === 0 ||
      !weekdays.every((day) => Number.isInteger(day) && (day as number) >= 1 && (day as number) <= 7)
    ) {
      problems.push('timeWindow.weekdays must be a non-empty array of ISO weekdays 1 (Monday) .. 7 (Sunday)');
    } else {
      window.weekdays = weekdays as number[];
    }
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'from' && key !== 'to' && key !== 'weekdays')
      problems.push(`unknown timeWindow field ${key}`);
  }
  return window;
}

/** A route plan's filters, ready to evaluate. */
export interface CompiledFilters {
  readonly source: RegExp | undefined;
  readonly content: RegExp | undefined;
  readonly destinationPrefixes: readonly string[] | undefined;
  readonly countries: ReadonlySet<string> | undefined;
  /** Minutes of the UTC day, `to` exclusive. */
  readonly window: { readonly from: number; readonly to: number; readonly weekdays: number } | undefined;
}

export function compileFilters(filters: RouteFilters): CompiledFilters {
  const window = filters.timeWindow;
  return {
    source: filters.sourcePattern === undefined ? undefined : new RegExp(filters.sourcePattern, 'u'),
    content: filters.contentPattern === undefined ? undefined : new RegExp(filters.contentPattern, 'u'),
    destinationPrefixes: filters.destinationPrefixes,
    countries: filters.countries === undefined ? undefined : new Set(filters.countries),
    window:
      window === undefined
        ? undefined
        : {
            from: minuteOfDay(window.from),
            to: minuteOfDay(window.to),
            weekdays: (window.weekdays ?? [1, 2, 3, 4, 5, 6, 7]).reduce((mask, day) => mask | (1 << day), 0),
          },
  };
}

function minuteOfDay(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

const MS_PER_MINUTE = 60_000;
const MINUTES_PER_DAY = 1440;

/** Whether `nowMs` (UTC) falls in the window. */
export function inTimeWindow(window: NonNullable<CompiledFilters['window']>, nowMs: number): boolean {
  const minute = Math.floor(nowMs / MS_PER_MINUTE) % MINUTES_PER_DAY;
  const utcDay = new Date(nowMs).getUTCDay();
  const isoWeekday = utcDay === 0 ? 7 : utcDay;
  if ((window.weekdays & (1 << isoWeekday)) === 0) return false;
  return window.from < window.to
    ? minute >= window.from && minute < window.to
    : minute >= window.from || minute < window.to;
}
