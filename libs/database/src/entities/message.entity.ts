import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';

export const MESSAGE_STATUSES = [
  'accepted',
  'scheduled',
  'queued',
  'sent',
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'deleted',
  'unknown',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** A tenant TLV kept with the message as received: tag and value octets in hex. */
export interface StoredTlv {
  readonly tag: number;
  readonly hex: string;
}

/**
 * One message part accepted from a tenant over SMPP. `id` is our message id (random, the string the tenant sees in
 * submit_sm_resp and in its DLR); all parts of one long message share `group_id` (equal to `id` for a single part).
 */
/** A provider's error code as it was received (see MessageEntity.provider_error). */
export interface ProviderErrorRecord {
  readonly raw: string;
  readonly code: string;
  readonly source: 'err' | 'network_error_code';
}

@Entity('messages')
@Check(
  'CHK_messages_status',
  `"status" IN ('accepted', 'scheduled', 'queued', 'sent', 'delivered', 'undeliverable', 'expired', 'rejected', 'deleted', 'unknown')`,
)
@Check('CHK_messages_parts', `"part_no" >= 1 AND "part_no" <= "part_total"`)
// Every index costs each accepted row an insert on the hot path: the ones only some rows need are partial.
@Index('IDX_messages_tenant_submitted', ['tenant_id', 'submitted_at'])
@Index('IDX_messages_group', ['group_id'], { where: `"part_total" > 1` })
@Index('IDX_messages_pending_expiry', ['expires_at'], {
  where: `"status" IN ('accepted', 'scheduled', 'queued')`,
})
@Index('IDX_messages_scheduled', ['schedule_at'], { where: `"status" = 'scheduled'` })
@Index('IDX_messages_provider_message', ['provider_id', 'provider_message_id'], {
  where: `"provider_message_id" IS NOT NULL`,
})
export class MessageEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'uuid' })
  tenant_id!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_messages_tenant' })
  tenant?: TenantEntity;

  /** The credential (bind) that submitted it. */
  @Column({ type: 'text' })
  system_id!: string;

  @Column({ type: 'text' })
  group_id!: string;

  @Column({ type: 'integer', default: 1 })
  part_no!: number;

  @Column({ type: 'integer', default: 1 })
  part_total!: number;

  @Column({ type: 'text' })
  status!: MessageStatus;

  @Column({ type: 'boolean', default: false })
  final!: boolean;

  @Column({ type: 'text' })
  source_addr!: string;

  @Column({ type: 'smallint' })
  source_addr_ton!: number;

  @Column({ type: 'smallint' })
  source_addr_npi!: number;

  @Column({ type: 'text' })
  destination_addr!: string;

  @Column({ type: 'smallint' })
  dest_addr_ton!: number;

  @Column({ type: 'smallint' })
  dest_addr_npi!: number;

  @Column({ type: 'smallint' })
  esm_class!: number;

  @Column({ type: 'smallint' })
  protocol_id!: number;

  @Column({ type: 'smallint' })
  priority_flag!: number;

  @Column({ type: 'smallint' })
  registered_delivery!: number;

  @Column({ type: 'smallint' })
  data_coding!: number;

  /** The part's octets as received (short_message or message_payload, UDH included). */
  @Column({ type: 'bytea' })
  short_message!: Buffer;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  tlvs!: StoredTlv[];

  @Column({ type: 'integer', nullable: true })
  user_message_reference!: number | null;

  /** First 20 characters of the decoded text for the DLR `text:` field; '' for binary. */
  @Column({ type: 'text', default: '' })
  dlr_text!: string;

  /** Segments billed for this row. */
  @Column({ type: 'integer' })
  segments!: number;

  @Column({ type: 'timestamptz', nullable: true })
  schedule_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  expires_at!: Date | null;

  /** The planned attempts (routing plan), in order. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  route!: unknown;

  @Column({ type: 'uuid', nullable: true })
  reservation_id!: string | null;

  @Column({ type: 'text', nullable: true })
  provider_id!: string | null;

  @Column({ type: 'text', nullable: true })
  provider_message_id!: string | null;

  /** Our normalised three-digit err. */
  @Column({ type: 'text', nullable: true })
  error_code!: string | null;

  @Column({ type: 'bytea', nullable: true })
  network_error_code!: Buffer | null;

  /**
   * The provider's own error code of the last receipt, verbatim beside our normalised `error_code`: `raw` exactly as
   * received (GatewayAPI `err:126`), `code` as the provider writes it (`0x107E`), `source` where it was read.
   */
  @Column({ type: 'jsonb', nullable: true })
  provider_error!: ProviderErrorRecord | null;

  @Column({ type: 'timestamptz' })
  submitted_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  done_at!: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
