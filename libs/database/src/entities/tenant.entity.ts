import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const TENANT_STATUSES = ['active', 'suspended', 'closed'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/**
 * How a tenant gets the receipts of a long message (parts sharing a group_id): one per part, or one aggregated
 * receipt for the whole message once its last part is final (README "DLRs and MO to tenants").
 */
export const MULTIPART_RECEIPT_MODES = ['per_part', 'aggregated'] as const;
export type MultipartReceiptMode = (typeof MULTIPART_RECEIPT_MODES)[number];

/** A customer of the operator: binds over SMPP, owns one billing account, may have its own price and route plans. */
@Entity('tenants')
@Check('CHK_tenants_status', `"status" IN ('active', 'suspended', 'closed')`)
@Check('CHK_tenants_multipart_receipts', `"multipart_receipts" IN ('per_part', 'aggregated')`)
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text', default: 'active' })
  status!: TenantStatus;

  @Column({ type: 'text', default: 'per_part' })
  multipart_receipts!: MultipartReceiptMode;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
