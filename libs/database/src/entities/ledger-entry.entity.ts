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
import { ReservationEntity } from './reservation.entity';

export const LEDGER_ENTRY_KINDS = ['topup', 'reserve', 'post', 'void', 'expire', 'adjust'] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

/**
 * One append-only ledger entry (a trigger rejects UPDATE and DELETE). Effect on the account, by kind:
 * topup +amount balance; adjust +amount balance (signed); reserve +amount reserved;
 * post -amount balance and -amount reserved; void and expire -amount reserved.
 */
@Entity('ledger_entries')
@Unique('UQ_ledger_entries_idempotency_key', ['idempotency_key'])
@Check('CHK_ledger_entries_kind', `"kind" IN ('topup', 'reserve', 'post', 'void', 'expire', 'adjust')`)
@Check(
  'CHK_ledger_entries_amount',
  `("kind" = 'topup' AND "amount" > 0) OR ("kind" = 'adjust' AND "amount" <> 0) OR ("kind" IN ('reserve', 'post', 'void', 'expire') AND "amount" >= 0)`,
)
@Check(
  'CHK_ledger_entries_reservation',
  `("kind" IN ('reserve', 'post', 'void', 'expire')) = ("reservation_id" IS NOT NULL)`,
)
@Check('CHK_ledger_entries_reason', `("kind" = 'adjust') = ("reason" IS NOT NULL)`)
@Index('IDX_ledger_entries_account', ['account_id', 'id'])
@Index('UQ_ledger_entries_reserve', ['reservation_id'], { unique: true, where: `"kind" = 'reserve'` })
@Index('UQ_ledger_entries_resolution', ['reservation_id'], {
  unique: true,
  where: `"kind" IN ('post', 'void', 'expire')`,
})
export class LedgerEntryEntity {
  /** bigserial; kept as a decimal string (ids are not money and are never added up). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  account_id!: string;

  // Checked at commit, as FK_reservations_account is (see ReservationEntity.account).
  @ManyToOne(() => AccountEntity, { onDelete: 'RESTRICT', deferrable: 'INITIALLY DEFERRED' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'FK_ledger_entries_account' })
  account?: AccountEntity;

  @Column({ type: 'text' })
  kind!: LedgerEntryKind;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  amount!: bigint;

  @Column({ type: 'text' })
  idempotency_key!: string;

  @Column({ type: 'uuid', nullable: true })
  reservation_id!: string | null;

  @ManyToOne(() => ReservationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reservation_id', foreignKeyConstraintName: 'FK_ledger_entries_reservation' })
  reservation?: ReservationEntity;

  /** Operator's reason; required for `adjust`, absent otherwise. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;
}
