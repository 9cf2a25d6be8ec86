import type { DataSource } from 'typeorm';
import { TenantCredentialEntity } from '@app/database';
import { CommandStatus, type BindRequest, type BindType } from '@app/smpp';
import { ClusterBinds } from './cluster-binds';
import { IpAllowList } from './ip-allow-list';
import { verifyAgainstDummy, verifyPassword } from './password-hash';
import { TenantPolicy } from './tenant-policy';

/** SMPP 3.4 §4.1.1: password is a C-Octet String of at most 9 octets, i.e. 8 characters. */
const SMPP34_MAX_PASSWORD_LENGTH = 8;

/**
 * The one answer for an unknown system_id, a wrong password, a disabled or revoked credential, a suspended
 * tenant and a locked-out (IP, system_id): nothing tells these apart, so accounts cannot be enumerated.
 */
export const CREDENTIALS_REFUSED = CommandStatus.ESME_RINVPASWD;

export type BindRefusal =
  'credentials' | 'locked_out' | 'ip_not_allowed' | 'bind_type_not_allowed' | 'too_many_binds';

export type BindVerdict =
  | { readonly ok: true; readonly policy: TenantPolicy; readonly release: () => void }
  | { readonly ok: false; readonly status: number; readonly refusal: BindRefusal };

export interface BindAuthenticatorOptions {
  readonly lockoutFailures: number;
  readonly lockoutMs: number;
  /** How long a bind counts towards max_binds without its instance renewing it (see ClusterBinds). */
  readonly bindLeaseMs: number;
  readonly instanceId?: string;
}

/**
 * Decides binds against tenant_credentials. max_binds and the lockout of repeated failures are counted in Postgres
 * (ClusterBinds), so they hold across every server instance sharing the database; this process also keeps its own
 * count of the binds it holds per credential.
 */
export class BindAuthenticator {
  readonly cluster: ClusterBinds;
  private readonly bindsInUse = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    options: BindAuthenticatorOptions,
  ) {
    this.cluster = new ClusterBinds(dataSource, {
      leaseMs: options.bindLeaseMs,
      lockoutFailures: options.lockoutFailures,
      lockoutMs: options.lockoutMs,
      ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
    });
  }

  start(): void {
    this.cluster.start();
  }

  /** Gives up every bind slot this instance holds (the sessions are closed by the server). */
  stop(): Promise<void> {
    return this.cluster.stop();
  }

  async authenticate(request: BindRequest, remoteAddress: string | undefined): Promise<BindVerdict> {
    const { system_id: systemId, password } = request.pdu;
    const ip = remoteAddress ?? '';
    if (await this.cluster.isLockedOut(ip, systemId)) {
      await verifyAgainstDummy(password);
      return { ok: false, status: CREDENTIALS_REFUSED, refusal: 'locked_out' };
    }
    const row = await this.findUsable(systemId);
    const lengthAllowed = password.length <= SMPP34_MAX_PASSWORD_LENGTH || row?.allow_long_password === true;
    const verified =
      row !== undefined && lengthAllowed
        ? await verifyPassword(password, {
            hash: row.password_hash,
            salt: row.password_salt,
            params: row.password_params,
          })
        : await verifyAgainstDummy(password);
    if (!verified || row === undefined) {
      await this.cluster.recordFailure(ip, systemId);
      return { ok: false, status: CREDENTIALS_REFUSED, refusal: 'credentials' };
    }
    await this.cluster.recordSuccess(ip, systemId);
    return this.admit(new TenantPolicy(row), row.allowed_ips, request.bindType, remoteAddress);
  }

  /** Binds of this credential currently held in this process. */
  bindsOf(credentialId: string): number {
    return this.bindsInUse.get(credentialId) ?? 0;
  }

  private async admit(
    policy: TenantPolicy,
    allowedIps: readonly string[],
    bindType: BindType,
    remoteAddress: string | undefined,
  ): Promise<BindVerdict> {
    if (!new IpAllowList(allowedIps).allows(remoteAddress)) {
      return { ok: false, status: CommandStatus.ESME_RBINDFAIL, refusal: 'ip_not_allowed' };
    }
    if (!policy.bindTypes.has(bindType)) {
      return { ok: false, status: CommandStatus.ESME_RBINDFAIL, refusal: 'bind_type_not_allowed' };
    }
    const slot = await this.cluster.acquire({
      credentialId: policy.credentialId,
      maxBinds: policy.maxBinds,
      bindType,
      remoteIp: remoteAddress,
    });
    if (slot === undefined) {
      return { ok: false, status: CommandStatus.ESME_RBINDFAIL, refusal: 'too_many_binds' };
    }
    this.bindsInUse.set(policy.credentialId, this.bindsOf(policy.credentialId) + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const left = this.bindsOf(policy.credentialId) - 1;
      if (left > 0) this.bindsInUse.set(policy.credentialId, left);
      else this.bindsInUse.delete(policy.credentialId);
      void this.cluster.release(slot);
    };
    return { ok: true, policy, release };
  }

  /** The active credential of an active tenant, or undefined. */
  private async findUsable(systemId: string): Promise<TenantCredentialEntity | undefined> {
    if (systemId.length === 0 || systemId.length > 15) return undefined;
    const row = await this.dataSource
      .getRepository(TenantCredentialEntity)
      .createQueryBuilder('c')
      .innerJoin('tenants', 't', 't.id = c.tenant_id')
      .where('c.system_id = :systemId', { systemId })
      .andWhere(`c.status = 'active'`)
      .andWhere('c.revoked_at IS NULL')
      .andWhere(`t.status = 'active'`)
      .getOne();
    return row ?? undefined;
  }
}
