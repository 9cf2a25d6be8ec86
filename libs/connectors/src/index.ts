// Public surface of libs/connectors: the runtime shared by the four connector apps.
export {
  attachAll,
  attachNumberLookup,
  connectorSettings,
  startConnectorApp,
  type ConnectorAttachment,
  type ConnectorSettings,
} from './connector-app';
export {
  ConnectorRuntime,
  ConnectorStoppedError,
  ConnectorUnavailableError,
  type BillingPort,
  type ConnectorCounters,
  type ConnectorOptions,
  type DeliveryPort,
} from './connector-runtime';
export { ConnectorRepository } from './connector.repository';
export {
  decideIndeterminate,
  parseIndeterminatePolicy,
  type IndeterminateDecision,
  type IndeterminatePolicy,
} from './indeterminate-policy';
export {
  AdaptiveRate,
  ConnectorConfigError,
  TokenBucket,
  type AdaptiveRateOptions,
  type Clock,
} from './rate-control';
export { NumberLookupService, type NumberLookupOptions, type StoredNumberLookup } from './number-lookup';
export type { AttemptOutcome, SendMessage } from './send-message';
export {
  SessionStatusReporter,
  type ReportedRuntime,
  type SessionStatusReporterOptions,
} from './session-status-reporter';
