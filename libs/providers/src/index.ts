// Public surface of libs/providers: one profile per provider as data, plus small pure hooks.
// Nothing here may import Nest, TypeORM or sockets.
export { decide, type ActionDecision, type ProviderAction } from './action';
export { endpointsFor, reconnectDelays, registerProviderTlvs } from './connection';
export { mergeState, type MergeOutcome, type TrackedState } from './dlr/merge-state';
export { decodeNetworkErrorCode, type NetworkErrorCode } from './dlr/network-error-code';
export {
  parseDeliver,
  type DeliverSmInput,
  type DlrProviderError,
  type InboundDeliver,
  type InboundDlr,
  type InboundMo,
  type MoMessageType,
  type UserMessageReference,
} from './dlr/parse-deliver';
export {
  createErrorTable,
  EMPTY_ERROR_TABLE,
  type ProviderErrorEntry,
  type ProviderErrorRange,
  type ProviderErrorTable,
} from './dlr/provider-error-table';
export { DLR_ERR_DESCRIPTIONS, DlrErr, type DlrCategory } from './dlr/taxonomy';
export { ProviderInputError, type ProviderInputErrorCode } from './errors';
export {
  numberLookupBind,
  numberLookupSubmit,
  NumberLookupTlv,
  parseNumberLookup,
  type NetworkInfo,
  type NumberLookupResult,
} from './infobip/number-lookup';
export type { MessageBody, MessageSource, OutboundMessage, PhoneNumber } from './message';
export { normaliseMessageId, submitRespMessageId } from './message-id';
export type * from './profile';
export * from './profiles';
export {
  classifyBindResp,
  classifySubmitResp,
  nextBindPlan,
  type BindClassification,
  type StatusClassification,
} from './status/classify-status';
export { internationalDigits, type SmppAddress } from './submit/address';
export type { ShapeSubmitOptions } from './submit/options';
export {
  shapeSubmit,
  type ShapedSubmit,
  type SubmitExpired,
  type SubmitHeld,
  type SubmitRerouted,
  type SubmitShaped,
} from './submit/shape-submit';
