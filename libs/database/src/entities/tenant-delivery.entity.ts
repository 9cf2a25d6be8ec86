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
import { MessageEntity, type StoredTlv } from './message.entity';
import { TenantEntity } from './tenant.entity';

export const TENANT_DELIVERY_KINDS = ['dlr', 'mo'] as const;
export type TenantDeliveryKind = (typeof TENANT_DELIVERY_KINDS)[number];

export const TENANT_DELIVERY_STATUSES = ['pending', 'delivered', 'expired'] as const;
export type TenantDeliveryStatus = (typeof TENANT_DELIVERY_STATUSES)[number];

/**
 * The deliver_sm to send, as its fields (not its encoded bytes): readable and queryable in SQL, and free of the
 * sequence number, which each attempt assigns anew. Octets are lowercase hex.
 */
export interface StoredDeliverSm {
  readonly service_type: string;
  readonly source_addr_ton: number;
  readonly source_addr_npi: number;
  readonly source_addr: string;
  readonly dest_addr_ton: number;
  readonly dest_addr_npi: number;
  readonly destination_addr: string;
  readonly esm_class: number;
  readonly protocol_id: number;
  readonly priority_flag: number;
  readonly registered_delivery: number;
  readonly data_coding: number;
  readonly short_message: string;
  readonly tlvs: readonly StoredTlv[];
}

/**
 * One DLR or MO waiting for (or done with) delivery to a tenant. A row stays `pending` until the tenant answers
 * deliver_sm_resp ESME_ROK (`delivered`) or its retention passes (`expired`). At most one final DLR per message.
 */
@Entity('tenant_deliveries')
@Check('CHK_tenant_deliveries_kind', `"kind" IN ('dlr', 'mo')`)
@Check('CHK_tenant_deliveries_status', `"status" IN ('pending', 'delivered', 'expired')`)
@Check('CHK_tenant_deliveries_message', `("kind" = 'dlr') = ("message_id" IS NOT NULL)`)
@Check('CHK_tenant_deliveries_final', `"kind" = 'dlr' OR NOT "final"`)
@Check('CHK_tenant_deliveries_delivered_at', `("status" = 'delivered') = ("delivered_at" IS NOT NULL)`)
@Index('IDX_tenant_deliveries_pending', ['tenant_id', 'id'], { where: `"status" = 'pending'` })
@Index('IDX_tenant_deliveries_expiry', ['expires_at'], { where: `"status" = 'pending'` })
@Index('UQ_tenant_deliveries_final_dlr', ['message_id'], { unique: true, where: `"final"` })
export class TenantDeliveryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  tenant_id!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_tenant_deliveries_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  kind!: TenantDeliveryKind;

  /** The message a DLR reports on; null for MO. */
  @Column({ type: 'text', nullable: true })
  message_id!: string | null;

  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'FK_tenant_deliveries_message' })
  message?: MessageEntity;

  /** A final receipt (esm_class 0x04), as opposed to an intermediate one (0x20). */
  @Column({ type: 'boolean', default: false })
  final!: boolean;

  @Column({ type: 'jsonb' })
  pdu!: StoredDeliverSm;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  next_attempt_at!: Date;

  @Column({ type: 'text', default: 'pending' })
  status!: TenantDeliveryStatus;

  @Column({ type: 'text', nullable: true })
  last_error!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  delivered_at!: Date | null;
}
