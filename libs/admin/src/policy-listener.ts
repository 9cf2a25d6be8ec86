export { TENANT_POLICY_CHANNEL } from '@app/routing';

/**
 * Told after the admin API changed what a bound tenant may do (a credential's limits, its revocation, the tenant's
 * status), so that the next submit is checked with it. The admin API also sends Postgres
 * `NOTIFY tenant_policy_changed, 'credential:<id>' | 'tenant:<id>'` for SMPP gateways in other processes.
 */
export interface TenantPolicyListener {
  credentialChanged(credentialId: string): Promise<void>;
  tenantChanged(tenantId: string): Promise<void>;
}

export const TENANT_POLICY_LISTENER = Symbol('TENANT_POLICY_LISTENER');
