// Public surface of libs/pipeline: the data path from the accept path's outbox to the connectors and back.
export {
  Dispatcher,
  PLAN_EXHAUSTED_ERR,
  type DispatcherCounters,
  type DispatcherOptions,
  type MessageSender,
} from './dispatcher';
export { FINAL_DLR_TIMEOUT_ERR, FinalDlrSweeper, type FinalDlrSweeperOptions } from './final-dlr-sweeper';
export { outboundMessageOf, planOf, type SendableMessageRow } from './outbound-message';
export { PipelineRepository, SENDABLE_STATUSES, type OverdueMessage } from './pipeline.repository';
export {
  busFromConfig,
  DEFAULT_FINAL_DLR_TIMEOUT_MS,
  PipelineModule,
  type PipelineModuleOptions,
} from './pipeline.module';
export { RoutingLoader, type RoutingLoaderOptions } from './routing-loader';
export { tenantPolicyChannel, type BindRefresher } from './tenant-policy-channel';
export { parseSendRequest, PipelineInputError, type SendRequest } from './send-request';
export { attachDispatcher, PipelineConfigError } from './connector-dispatcher';
