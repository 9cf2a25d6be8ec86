export { DigitTrie, DigitTrieBuilder } from './digit-trie';
export {
  InvalidRoutingRequestError,
  RoutePlanValidationError,
  RoutingDataError,
  TariffImportError,
  type CsvRowError,
} from './errors';
export { formatMicros, MAX_RATE_MICROS, MICROS_PER_UNIT, parseDecimalMicros } from './micro-units';
export type { DecimalParseResult, DecimalProblem } from './micro-units';
export {
  parseRoutePlan,
  ROUTE_STRATEGY_KINDS,
  toStoredRoutePlan,
  validateRoutePlan,
  type ProviderWeight,
  type RouteFilters,
  type RoutePlanDefinition,
  type RouteStrategy,
  type RouteStrategyKind,
  type StoredRoutePlan,
  type TimeWindow,
} from './route-plan';
export { Router, type RouterOptions } from './router';
export { hashMessageKey, normalizeDestination, RoutingTable, type RoutingTableStats } from './routing-table';
export {
  RoutingTableBuilder,
  type PricePlanInfo,
  type RateDeckInfo,
  type RateEntryDetails,
} from './routing-table.builder';
export * from './types';
export { RoutingRepository } from './routing.repository';
export { RoutingTableRefresher } from './routing-table.refresher';
export {
  ROUTING_CHANGED_CHANNEL,
  RoutingAutoRefresh,
  TENANT_POLICY_CHANNEL,
  type AutoRefreshLogger,
  type NotificationClient,
  type ExtraChannel,
  type RoutingAutoRefreshOptions,
} from './routing-auto-refresh';
export {
  TariffCsvReader,
  type PricePlanCsvRow,
  type RateDeckCsvRow,
  type TariffCsvOptions,
} from './tariff-csv';
export {
  TariffImportRepository,
  type PricePlanImportOptions,
  type RateDeckImportOptions,
  type TariffImportResult,
} from './tariff-import.repository';
