// Public surface of libs/gateway: the ESME-facing SMPP server.
export {
  BindAuthenticator,
  CREDENTIALS_REFUSED,
  type BindRefusal,
  type BindVerdict,
} from './auth/bind-authenticator';
export { ClusterBinds, type ClusterBindsOptions } from './auth/cluster-binds';
export { InvalidCidrError, IpAllowList, validateCidrs } from './auth/ip-allow-list';
export { DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword, type PasswordHash } from './auth/password-hash';
export { TenantPolicy } from './auth/tenant-policy';
export {
  AcceptService,
  type AcceptOptions,
  type AcceptResult,
  type RoutePlanner,
  type SubmitContext,
  type TenantAccount,
} from './accept/accept-service';
export { AcceptWriter, sendTopic, type PreparedMessage, type WriteOutcome } from './accept/accept-writer';
export { GatewayStatus } from './accept/gateway-status';
export { CommitQueueFullError, GroupCommitter, type GroupCommitterOptions } from './accept/group-committer';
export { isMessageId, newMessageId } from './accept/message-id';
export {
  validateSubmit,
  type SubmitCheck,
  type SubmitLimits,
  type ValidSubmit,
} from './accept/submit-validation';
export { TpsLimiter } from './accept/tps-limiter';
export { TENANT_DELIVERY, type TenantDeliveryPort } from './messages/delivery-port';
export {
  GATEWAY_ERR_NONE,
  MessageQueries,
  type QueryAnswer,
  type UpstreamCanceller,
} from './messages/message-queries';
export { MessageScheduler, type MessageSchedulerOptions } from './messages/message-scheduler';
export {
  Gateway,
  GatewayConfigError,
  gatewaySettingsFromConfig,
  type GatewayDependencies,
  type GatewaySettings,
} from './server/gateway';
export { SERVER_SYSTEM_ID, SmppGatewayServer, type SmppServerOptions } from './server/smpp-gateway-server';
export {
  CredentialError,
  CredentialService,
  type CreatedCredential,
  type CreatedTenant,
  type CredentialSettings,
  type NewTenant,
} from './tenants/credential.service';
export { GatewayModule, type GatewayModuleOptions } from './gateway.module';
export * from './delivery';
