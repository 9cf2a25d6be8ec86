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
} from 'typeorm';
import { bigintTransformer } from '../bigint.transformer';
import { AccountEntity } from './account.entity';
import { ProviderEntity } from './provider.entity';

export const RESERVATION_STATUSES = ['pending', 'posted', 'voided', 'expired'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/**
 * Money held for one message between submit and its final outcome. `amount` (the tenant's price) is frozen at
 * reservation time; `cost` is what the provider charges us, recorded per message for margin reports.
 * Resolved exactly once: pending -> posted | voided | expired.
 */
@Entity('reservations')
@Unique('UQ_reservations_idempotency_key', ['idempotency_key'])
@Check('CHK_reservations_status', `"status" IN ('pending', 'posted', 'voided', 'expired')`)
@Check('CHK_reservations_amount', `"amount" >= 0`)
@Check('CHK_reservations_cost', `"cost" >= 0`)
@Check('CHK_reservations_segments', `"segments" >= 1`)
@Check('CHK_reservations_resolved_at', `("status" = 'pending') = ("resolved_at" IS NULL)`)
@Index('IDX_reservations_pending_expiry', ['expires_at'], { where: `"status" = 'pending'` })
@Index('IDX_reservations_account_created', ['account_id', 'created_at'])
export class ReservationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  account_id!: string;

  // Checked at commit: the check's FOR KEY SHARE lock then finds the account row already locked by the same
  // transaction's balance update, instead of joining other writers' locks in a multixact (which deadlocked
  // concurrent batch reservations rolled back to a savepoint).
  @ManyToOne(() => AccountEntity, { onDelete: 'RESTRICT', deferrable: 'INITIALLY DEFERRED' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'FK_reservations_account' })
  account?: AccountEntity;

  @Column({ type: 'text' })
  idempotency_key!: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  amount!: bigint;

  @Column({ type: 'integer' })
  segments!: number;

  @Column({ type: 'text', default: 'pending' })
  status!: ReservationStatus;

  /** The message this reservation pays for (our message id), when known. */
  @Column({ type: 'text', nullable: true })
  message_ref!: string | null;

  @Column({ type: 'text', nullable: true })
  provider_id!: string | null;

  @ManyToOne(() => ProviderEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'FK_reservations_provider' })
  provider?: ProviderEntity;

  @Column({ type: 'bigint', nullable: true, transformer: bigintTransformer })
  cost!: bigint | null;

  @Column({ type: 'text', nullable: true })
  destination_prefix!: string | null;

  @Column({ type: 'text', nullable: true })
  country!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolved_at!: Date | null;
}
