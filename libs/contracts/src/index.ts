export {
  ContractValidationError,
  parseContract,
  type ContractClass,
  type ContractViolation,
} from './parse-contract';
export { MICRO_UNITS_PATTERN, PROVIDER_ID_PATTERN, SmppAddressContract, TlvContract } from './common';
export { PlannedAttemptContract, SendMessage } from './send-message.contract';
export { ATTEMPT_OUTCOME_KINDS, AttemptOutcome, type AttemptOutcomeKind } from './attempt-outcome.contract';
export { DLR_EVENT_STATES, DlrEvent, type DlrEventState } from './dlr-event.contract';
export { MoEvent } from './mo-event.contract';
export { PROVIDER_HEALTH_STATES, ProviderHealth, type ProviderHealthState } from './provider-health.contract';
