import { Logger } from '@nestjs/common';
import { TENANT_POLICY_CHANNEL, type ExtraChannel } from '@app/routing';

/** What the channel drives: `SmppGatewayServer.refreshBinds` of @app/gateway fits. */
export interface BindRefresher {
  refreshBinds(target?: { credentialId?: string; tenantId?: string }): Promise<number>;
}

const PAYLOAD = /^(credential|tenant):([0-9a-f-]{36})$/i;

/**
 * `NOTIFY tenant_policy_changed, 'credential:<id>' | 'tenant:<id>'` → the gateway recompiles the policy of the
 * sessions bound with that credential (or any credential of that tenant), so the next submit is checked with it.
 * An unknown payload, or notifications missed while the LISTEN connection was down, refresh every bound session.
 */
export function tenantPolicyChannel(gateway: BindRefresher): Record<string, ExtraChannel> {
  const logger = new Logger('TenantPolicy');
  const refresh = (target: { credentialId?: string; tenantId?: string }): void => {
    gateway
      .refreshBinds(target)
      .catch((error: unknown) =>
        logger.error(`policy refresh failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  };
  return {
    [TENANT_POLICY_CHANNEL]: {
      notified: (payload) => {
        const match = PAYLOAD.exec(payload);
        if (match === null) {
          logger.warn(
            `unknown ${TENANT_POLICY_CHANNEL} payload ${JSON.stringify(payload)}: refreshing every bind`,
          );
          refresh({});
          return;
        }
        refresh(
          match[1].toLowerCase() === 'credential' ? { credentialId: match[2] } : { tenantId: match[2] },
        );
      },
      missed: () => refresh({}),
    },
  };
}
