import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { ApiKeyEntity, type ApiKeyRole } from '@app/database';
import type { AdminPrincipal } from './principal';

/** Printed once to the operator; `sk_` marks it as a secret for scanners, then 32 random bytes in base64url. */
const KEY_PREFIX = 'sk_';
const KEY_BYTES = 32;
/** A bootstrap key is chosen by a person: demand at least the entropy of a generated one in hex. */
export const MIN_BOOTSTRAP_KEY_LENGTH = 32;

export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: ApiKeyRole;
  readonly tenantId: string | null;
  /** The key itself: shown once, never stored. */
  readonly key: string;
}

/**
 * SHA-256 of the key. Keys are 256-bit random values, so a slow password hash adds nothing (there is no dictionary to
 * try) while a fast deterministic one lets every request find its key with one unique-index lookup.
 */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
}

@Injectable()
export class ApiKeyService {
  constructor(private readonly dataSource: DataSource) {}

  async create(role: ApiKeyRole, name: string, tenantId: string | null = null, key = generateApiKey()) {
    const row = await this.dataSource.getRepository(ApiKeyEntity).save({
      name,
      role,
      tenant_id: role === 'tenant' ? tenantId : null,
      key_hash: hashApiKey(key),
    });
    const created: CreatedApiKey = { id: row.id, name, role, tenantId: row.tenant_id, key };
    return created;
  }

  /** The principal of an unrevoked key, or undefined. */
  async authenticate(key: string): Promise<AdminPrincipal | undefined> {
    const hash = hashApiKey(key);
    const row = await this.dataSource
      .getRepository(ApiKeyEntity)
      .findOneBy({ key_hash: hash, revoked_at: IsNull() });
    if (row === null || !timingSafeEqual(row.key_hash, hash)) return undefined;
    return { keyId: row.id, role: row.role, tenantId: row.tenant_id };
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ApiKeyEntity)
      .update({ id, revoked_at: IsNull() }, { revoked_at: new Date() });
    return result.affected === 1;
  }

  async list(): Promise<ApiKeyEntity[]> {
    return this.dataSource.getRepository(ApiKeyEntity).find({ order: { created_at: 'ASC' } });
  }

  /**
   * Creates an admin key from `key` when no unrevoked admin key exists; returns its id, or undefined when one
   * already existed. Serialised by an advisory lock so two instances starting together create one.
   */
  async bootstrap(key: string): Promise<string | undefined> {
    if (key.length < MIN_BOOTSTRAP_KEY_LENGTH) {
      throw new RangeError(`ADMIN_BOOTSTRAP_KEY must be at least ${MIN_BOOTSTRAP_KEY_LENGTH} characters`);
    }
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('api_keys:bootstrap', 0))`);
      const repository = tx.getRepository(ApiKeyEntity);
      if (await repository.existsBy({ role: 'admin', revoked_at: IsNull() })) return undefined;
      const row = await repository.save({ name: 'bootstrap', role: 'admin', key_hash: hashApiKey(key) });
      return row.id;
    });
  }
}
