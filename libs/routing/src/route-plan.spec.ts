import { RoutePlanValidationError } from './errors';
import {
  compileFilters,
  inTimeWindow,
  parseRoutePlan,
  toStoredRoutePlan,
  type StoredRoutePlan,
} from './route-plan';

const stored = (overrides: Partial<StoredRoutePlan> = {}): StoredRoutePlan => ({
  id: 'plan-1',
  tenantId: null,
  prefix: '44',
  rank: 0,
  strategy: 'least_cost',
  providers: [],
  allowProviders: [],
  denyProviders: [],
  filters: {},
  allowBelowCost: false,
  ...overrides,
});

function problemsOf(overrides: Partial<StoredRoutePlan>): readonly string[] {
  try {
    parseRoutePlan(stored(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(RoutePlanValidationError);
    return (error as RoutePlanValidationError).problems;
  }
  throw new Error('expected the plan to be rejected');
}

describe('parseRoutePlan', () => {
  it('accepts each strategy and round-trips through the stored form', () => {
    const plans = [
      stored(),
      stored({ strategy: 'priority', providers: ['infobip', 'gatewayapi-eu'] }),
      stored({
        strategy: 'weighted',
        providers: [
          { providerId: 'infobip', percent: 60 },
          { providerId: 'labsmobile', percent: 40 },
        ],
        allowProviders: ['infobip', 'labsmobile'],
        denyProviders: ['mta'],
        allowBelowCost: true,
        filters: {
          sourcePattern: '^BANK',
          contentPattern: 'OTP',
          destinationPrefixes: ['4477'],
          countries: ['GB'],
          timeWindow: { from: '08:00', to: '24:00', weekdays: [1, 2, 3, 4, 5] },
        },
      }),
    ];
    for (const plan of plans) expect(toStoredRoutePlan(parseRoutePlan(plan))).toEqual(plan);
  });

  it.each<[string, Partial<StoredRoutePlan>, string]>([
    ['a bad prefix', { prefix: '+44' }, 'prefix must be 0 to 15 digits'],
    ['an unknown strategy', { strategy: 'cheapest' }, 'strategy must be one of'],
    ['a provider list on least_cost', { providers: ['infobip'] }, 'least_cost takes no provider list'],
    [
      'an empty priority list',
      { strategy: 'priority', providers: [] },
      'priority needs at least one provider',
    ],
    ['a duplicate provider', { strategy: 'priority', providers: ['a', 'a'] }, 'providers lists a twice'],
    ['a bad provider id', { strategy: 'priority', providers: ['Bad Id'] }, 'invalid provider id'],
    [
      'weights not summing to 100',
      { strategy: 'weighted', providers: [{ providerId: 'a', percent: 50 }] },
      'sum to 100',
    ],
    [
      'a fractional weight',
      { strategy: 'weighted', providers: [{ providerId: 'a', percent: 99.5 }] },
      'integer percent',
    ],
    ['a weighted string list', { strategy: 'weighted', providers: ['a'] }, 'needs a valid providerId'],
    ['allowed and denied', { allowProviders: ['a'], denyProviders: ['a'] }, 'both allowed and denied'],
    ['filters that are not an object', { filters: [] }, 'filters must be an object'],
    ['an unknown filter', { filters: { sender: 'x' } }, 'unknown filter sender'],
    ['an invalid pattern', { filters: { sourcePattern: '(' } }, 'not a valid regular expression'],
    ['a bad country', { filters: { countries: ['GBR'] } }, 'countries has an invalid entry'],
    ['a bad destination prefix', { filters: { destinationPrefixes: [] } }, 'must be a non-empty array'],
    [
      'a bad clock time',
      { filters: { timeWindow: { from: '8:00', to: '10:00' } } },
      'timeWindow.from must be HH:MM',
    ],
    ['an empty window', { filters: { timeWindow: { from: '10:00', to: '10:00' } } }, 'must differ'],
    [
      'a bad weekday',
      { filters: { timeWindow: { from: '10:00', to: '11:00', weekdays: [0] } } },
      'ISO weekdays',
    ],
    ['a fractional rank', { rank: 1.5 }, 'rank must be an integer'],
  ])('rejects %s', (_name, overrides, problem) => {
    expect(problemsOf(overrides).join('\n')).toContain(problem);
  });

  it('lists every problem at once', () => {
    expect(
      problemsOf({ prefix: 'x', strategy: 'priority', providers: [], filters: { nope: 1 } }),
    ).toHaveLength(3);
  });
});

describe('inTimeWindow', () => {
  const window = (from: string, to: string, weekdays?: number[]) =>
    compileFilters({ timeWindow: { from, to, weekdays } }).window!;

  it('includes from and excludes to', () => {
    expect(inTimeWindow(window('08:00', '20:00'), Date.parse('2025-01-06T08:00:00Z'))).toBe(true);
    expect(inTimeWindow(window('08:00', '20:00'), Date.parse('2025-01-06T19:59:59Z'))).toBe(true);
    expect(inTimeWindow(window('08:00', '20:00'), Date.parse('2025-01-06T20:00:00Z'))).toBe(false);
    expect(inTimeWindow(window('08:00', '24:00'), Date.parse('2025-01-06T23:59:59Z'))).toBe(true);
  });

  it('reads weekdays as ISO days of the UTC instant (Sunday = 7)', () => {
    const sundayOnly = window('00:00', '24:00', [7]);
    expect(inTimeWindow(sundayOnly, Date.parse('2025-01-05T12:00:00Z'))).toBe(true);
    expect(inTimeWindow(sundayOnly, Date.parse('2025-01-06T00:00:00Z'))).toBe(false);
  });
});
