export { AdminModule, type AdminModuleOptions } from './admin.module';
export { ApiKeyGuard, TenantScoped } from './auth/api-key.guard';
export { ApiKeyService, generateApiKey, hashApiKey, type CreatedApiKey } from './auth/api-key.service';
export type { AdminPrincipal } from './auth/principal';
export { createAdminDocument, serveAdminDocs } from './docs';
export { microsToMoney, moneyToMicros } from './money';
export { ProviderSessionView, ProviderView } from './resources/operations';
export {
  refresherListener,
  ROUTING_CHANGED_CHANNEL,
  ROUTING_CHANGE_LISTENER,
  type RoutingChangeListener,
} from './routing-listener';
export { TENANT_POLICY_CHANNEL, TENANT_POLICY_LISTENER, type TenantPolicyListener } from './policy-listener';
