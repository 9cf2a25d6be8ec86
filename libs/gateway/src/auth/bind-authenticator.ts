import type { DataSource } from 'typeorm';
import { TenantCredentialEntity } from '@app/database';
import { CommandStatus, type BindRequest, type BindType } from '@app/smpp';
import { BindFailureLockout } from './bind-failure-lockout';
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
  readonly now?: () => number;
}

/**
 * Decides binds against tenant_credentials. Concurrent binds are counted per credential in this process (each
 * server instance enforces max_binds on its own sessions; with N instances a credential may hold up to N times
 * max_binds).
 */
export class BindAuthenticator {
  private readonly lockout: BindFailureLockout;
  private readonly bindsInUse = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    options: BindAuthenticatorOptions,
  ) {
    this.lockout = new BindFailureLockout({
      maxFailures: options.lockoutFailures,
      windowMs: options.lockoutMs,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  async authenticate(request: BindRequest, remoteAddress: string | undefined): Promise<BindVerdict> {
    const { system_id: systemId, password } = request.pdu;
    const ip = remoteAddress ?? '';
    if (this.lockout.isLocked(ip, systemId)) {
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
      this.lockout.recordFailure(ip, systemId);
      return { ok: false, status: CREDENTIALS_REFUSED, refusal: 'credentials' };
    }
    this.lockout.recordSuccess(ip, systemId);
    return this.admit(new TenantPolicy(row), row.allowed_ips, request.bindType, remoteAddress);
  }

  /** Binds of this credential currently held in this process. */
  bindsOf(credentialId: string): number {
    return this.bindsInUse.get(credentialId) ?? 0;
  }

  private admit(
    policy: TenantPolicy,
    allowedIps: readonly string[],
    bindType: BindType,
    remoteAddress: string | undefined,
  ): BindVerdict {
    if (!new IpAllowList(allowedIps).allows(remoteAddress)) {
      return { ok: false, status: CommandStatus.ESME_RBINDFAIL, refusal: 'ip_not_allowed' };
    }
    if (!policy.bindTypes.has(bindType)) {
      return { ok: false, status: CommandStatus.ESME_RBINDFAIL, refusal: 'bind_type_not_allowed' };
    }
    const inUse = this.bindsOf(policy.credentialId);
    if (inUse >= policy.maxBinds) {
      return { ok: false, status: CommandStatus.ESME_RBINDFAIL, refusal: 'too_many_binds' };
    }
    this.bindsInUse.set(policy.credentialId, inUse + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const left = this.bindsOf(policy.credentialId) - 1;
      if (left > 0) this.bindsInUse.set(policy.credentialId, left);
      else this.bindsInUse.delete(policy.credentialId);
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
