import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TENANT_POLICY_CHANNEL, TENANT_POLICY_LISTENER, type TenantPolicyListener } from '../policy-listener';

/** Publishes tenant policy changes to the in-process gateway (when mounted with one) and to other processes. */
@Injectable()
export class PolicyChanges {
  private readonly logger = new Logger('AdminPolicy');

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(TENANT_POLICY_LISTENER) private readonly listener?: TenantPolicyListener,
  ) {}

  /** Resolves once the local gateway's bound sessions use the new policy; a failure there is logged. */
  async publish(what: 'credential' | 'tenant', id: string): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [TENANT_POLICY_CHANNEL, `${what}:${id}`]);
    if (this.listener === undefined) return;
    try {
      await (what === 'credential' ? this.listener.credentialChanged(id) : this.listener.tenantChanged(id));
    } catch (error) {
      this.logger.error(`policy refresh failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
