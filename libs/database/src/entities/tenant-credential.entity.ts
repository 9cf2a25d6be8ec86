import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';

export const CREDENTIAL_STATUSES = ['active', 'disabled', 'revoked'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export const BIND_TYPES = ['transmitter', 'receiver', 'transceiver'] as const;
export type BindType = (typeof BIND_TYPES)[number];

/** scrypt parameters stored with each hash so that they can be raised later without invalidating old hashes. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keylen: number;
}

/**
 * One SMPP login of a tenant. `system_id` is at most 15 characters (SMPP 3.4 §4.1.1: C-Octet String of 16 with its
 * NUL). The password is stored as a scrypt hash with its own salt and parameters, never in clear.
 */
@Entity('tenant_credentials')
@Unique('UQ_tenant_credentials_system_id', ['system_id'])
@Check('CHK_tenant_credentials_status', `"status" IN ('active', 'disabled', 'revoked')`)
@Check('CHK_tenant_credentials_system_id', `char_length("system_id") BETWEEN 1 AND 15`)
@Check('CHK_tenant_credentials_max_binds', `"max_binds" >= 1`)
@Check('CHK_tenant_credentials_tps', `"tps_limit" >= 1`)
@Index('IDX_tenant_credentials_tenant', ['tenant_id'])
export class TenantCredentialEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  tenant_id!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_tenant_credentials_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  system_id!: string;

  @Column({ type: 'bytea' })
  password_hash!: Buffer;

  @Column({ type: 'bytea' })
  password_salt!: Buffer;

  @Column({ type: 'jsonb' })
  password_params!: ScryptParams;

  /** SMPP 3.4 limits password to 8 characters; a credential may allow longer ones (many clients send them). */
  @Column({ type: 'boolean', default: false })
  allow_long_password!: boolean;

  /** CIDR blocks (IPv4 or IPv6) allowed to bind; empty means any address. */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  allowed_ips!: string[];

  @Column({ type: 'integer', default: 4 })
  max_binds!: number;

  @Column({ type: 'text', array: true, default: () => `'{transmitter,receiver,transceiver}'` })
  allowed_bind_types!: BindType[];

  /** Messages (submit PDUs) per second over all binds of the tenant's credential. */
  @Column({ type: 'integer', default: 100 })
  tps_limit!: number;

  /** Source address patterns: exact strings, or with `*` as a wildcard for any run of characters; empty = any. */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  allowed_sources!: string[];

  /** Destination digit prefixes (E.164 without '+'); empty = any. */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  allowed_destination_prefixes!: string[];

  @Column({ type: 'text', default: 'active' })
  status!: CredentialStatus;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
