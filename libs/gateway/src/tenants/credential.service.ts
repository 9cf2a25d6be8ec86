import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { BIND_TYPES, TenantCredentialEntity, TenantEntity, type BindType } from '@app/database';
import { LedgerRepository, type AccountSnapshot } from '@app/billing';
import { hashPassword } from '../auth/password-hash';
import { validateCidrs } from '../auth/ip-allow-list';

export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialError';
  }
}

/** SMPP 3.4 §4.1.1: system_id is at most 15 characters; password at most 8 unless the credential allows more. */
const MAX_SYSTEM_ID = 15;
const MAX_PASSWORD = 8;
/** The codec's long-password limit (65 octets with the NUL). */
const MAX_LONG_PASSWORD = 64;

export interface CredentialSettings {
  readonly systemId: string;
  readonly password: string;
  readonly allowLongPassword?: boolean;
  readonly allowedIps?: readonly string[];
  readonly maxBinds?: number;
  readonly allowedBindTypes?: readonly BindType[];
  readonly tpsLimit?: number;
  readonly allowedSources?: readonly string[];
  readonly allowedDestinationPrefixes?: readonly string[];
}

export interface CreatedCredential {
  readonly id: string;
  readonly tenantId: string;
  readonly systemId: string;
}

export interface NewTenant {
  readonly name: string;
  readonly currency: string;
  /** Opening balance in micro-units; 0 for none. */
  readonly balance: bigint;
  readonly creditLimit?: bigint;
  readonly credential: CredentialSettings;
}

export interface CreatedTenant {
  readonly tenantId: string;
  readonly credential: CreatedCredential;
  readonly account: AccountSnapshot;
}

function checkSettings(settings: CredentialSettings): void {
  const { systemId, password } = settings;
  if (!/^[\x21-\x7e]{1,15}$/.test(systemId)) {
    throw new CredentialError(`system_id must be 1-${MAX_SYSTEM_ID} printable ASCII characters`);
  }
  const maxPassword = settings.allowLongPassword === true ? MAX_LONG_PASSWORD : MAX_PASSWORD;
  if (!/^[\x20-\x7e]+$/.test(password) || password.length > maxPassword) {
    throw new CredentialError(
      `password must be 1-${maxPassword} printable ASCII characters` +
        (settings.allowLongPassword === true ? '' : ' (set allowLongPassword for longer ones)'),
    );
  }
  try {
    validateCidrs(settings.allowedIps ?? []);
  } catch (error) {
    throw new CredentialError(error instanceof Error ? error.message : String(error));
  }
  for (const type of settings.allowedBindTypes ?? []) {
    if (!BIND_TYPES.includes(type)) throw new CredentialError(`unknown bind type '${String(type)}'`);
  }
  for (const prefix of settings.allowedDestinationPrefixes ?? []) {
    if (!/^\d{1,15}$/.test(prefix))
      throw new CredentialError(`destination prefix '${prefix}' is not 1-15 digits`);
  }
  for (const [name, value] of [
    ['maxBinds', settings.maxBinds],
    ['tpsLimit', settings.tpsLimit],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
      throw new CredentialError(`${name} must be a positive integer, got ${value}`);
    }
  }
}

/** Creates tenants with their SMPP credentials and account; rotates and revokes credentials. */
export class CredentialService {
  private readonly ledger: LedgerRepository;

  constructor(private readonly dataSource: DataSource) {
    this.ledger = new LedgerRepository(dataSource);
  }

  async createTenant(request: NewTenant): Promise<CreatedTenant> {
    checkSettings(request.credential);
    if (request.balance < 0n) throw new CredentialError('balance must not be negative');
    return this.dataSource.transaction(async (tx) => {
      const tenant = await tx.getRepository(TenantEntity).save({ name: request.name });
      const credential = await this.insertCredential(tx, tenant.id, request.credential);
      const account = await this.ledger.openAccount(tx, {
        tenantId: tenant.id,
        currency: request.currency,
        ...(request.creditLimit === undefined ? {} : { creditLimit: request.creditLimit }),
      });
      if (request.balance > 0n) {
        await this.ledger.topUp(tx, {
          accountId: account.id,
          currency: account.currency,
          amount: request.balance,
          idempotencyKey: `opening:${tenant.id}`,
        });
      }
      return {
        tenantId: tenant.id,
        credential,
        account: await this.ledger.getAccount(tx, account.id),
      };
    });
  }

  async createCredential(tenantId: string, settings: CredentialSettings): Promise<CreatedCredential> {
    checkSettings(settings);
    return this.dataSource.transaction((tx) => this.insertCredential(tx, tenantId, settings));
  }

  /** Replaces the password (new salt, current parameters). Existing binds stay; new binds need the new password. */
  async rotatePassword(systemId: string, password: string, allowLongPassword?: boolean): Promise<void> {
    const current = await this.dataSource
      .getRepository(TenantCredentialEntity)
      .findOneBy({ system_id: systemId });
    if (current === null) throw new CredentialError(`no credential '${systemId}'`);
    const allowLong = allowLongPassword ?? current.allow_long_password;
    checkSettings({ systemId, password, allowLongPassword: allowLong });
    const hashed = await hashPassword(password);
    await this.dataSource.getRepository(TenantCredentialEntity).update(
      { id: current.id },
      {
        password_hash: hashed.hash,
        password_salt: hashed.salt,
        password_params: hashed.params,
        allow_long_password: allowLong,
      },
    );
  }

  async revoke(systemId: string): Promise<void> {
    const result = await this.dataSource
      .getRepository(TenantCredentialEntity)
      .update({ system_id: systemId }, { status: 'revoked', revoked_at: new Date() });
    if (result.affected !== 1) throw new CredentialError(`no credential '${systemId}'`);
  }

  private async insertCredential(
    tx: EntityManager,
    tenantId: string,
    settings: CredentialSettings,
  ): Promise<CreatedCredential> {
    const taken = await tx.getRepository(TenantCredentialEntity).existsBy({ system_id: settings.systemId });
    if (taken) throw new CredentialError(`system_id '${settings.systemId}' is taken`);
    const hashed = await hashPassword(settings.password);
    const id = randomUUID();
    await tx.getRepository(TenantCredentialEntity).insert({
      id,
      tenant_id: tenantId,
      system_id: settings.systemId,
      password_hash: hashed.hash,
      password_salt: hashed.salt,
      password_params: hashed.params,
      allow_long_password: settings.allowLongPassword ?? false,
      allowed_ips: [...(settings.allowedIps ?? [])],
      max_binds: settings.maxBinds ?? 4,
      allowed_bind_types: [...(settings.allowedBindTypes ?? BIND_TYPES)],
      tps_limit: settings.tpsLimit ?? 100,
      allowed_sources: [...(settings.allowedSources ?? [])],
      allowed_destination_prefixes: [...(settings.allowedDestinationPrefixes ?? [])],
    });
    return { id, tenantId, systemId: settings.systemId };
  }
}
