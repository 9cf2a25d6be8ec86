export { BoundedLabel, OTHER_LABEL, statLabel, statusLabel, type StatLabel } from './metrics/labels';
export {
  METRIC_DEFINITIONS,
  METRIC_NAMES,
  type MetricDefinition,
  type MetricName,
} from './metrics/metric-definitions';
export { readDatabaseSnapshot, type DatabaseSnapshot, type SqlQueryable } from './metrics/database-snapshot';
export { ScrapeCache, type ScrapeResult } from './metrics/scrape-cache';
export {
  SmscMetrics,
  type OrphanDlrReason,
  type QueueDepth,
  type ScrapeSourceOptions,
  type SmscMetricsOptions,
  type SubmitCommand,
  type TenantDeliveryKindLabel,
  type ThrottlingSide,
  type WindowSample,
  type WindowSide,
} from './metrics/smsc-metrics';
export { currentCorrelationId, withCorrelation, type LogContext } from './logging/correlation';
export {
  ALL_LOG_LEVELS,
  createAppLogger,
  JsonLogger,
  PrettyLogger,
  type AppLoggerSettings,
  type JsonLoggerOptions,
  type JsonLogLine,
} from './logging/json-logger';
export { isSecretKey, redact, redactString, REDACTED, type RedactOptions } from './logging/redact';
export { ObservabilityController, type ReadyBody } from './http/observability.controller';
export { ObservabilityModule, type ObservabilityModuleOptions } from './http/observability.module';
export {
  busConsumersCheck,
  providerBindsCheck,
  ReadinessCheckError,
  ReadinessRegistry,
  type ProviderBindState,
  type ReadinessCheck,
  type ReadinessReport,
  type ReadinessStatus,
  type TopicHealthLike,
} from './http/readiness';
