import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';

export const API_KEY_ROLES = ['admin', 'readonly', 'tenant'] as const;
/** admin: everything; readonly: every GET; tenant: its own tenant's balance, messages and CDRs. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * A key of the admin REST API. Only the SHA-256 of the key is stored: keys are 32 random bytes, so a fast hash is
 * enough (nothing to brute-force) and lets a request find its key by an index lookup.
 */
@Entity('api_keys')
@Check('CHK_api_keys_role', `"role" IN ('admin', 'readonly', 'tenant')`)
@Check('CHK_api_keys_tenant', `("role" = 'tenant') = ("tenant_id" IS NOT NULL)`)
@Index('UQ_api_keys_key_hash', ['key_hash'], { unique: true })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: ApiKeyRole;

  @Column({ type: 'uuid', nullable: true })
  tenant_id!: string | null;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_api_keys_tenant' })
  tenant?: TenantEntity | null;

  @Column({ type: 'bytea' })
  key_hash!: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;
}
