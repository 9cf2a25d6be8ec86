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
import { MessageEntity } from './message.entity';
import { ProviderEntity } from './provider.entity';

export const ATTEMPT_STATUSES = [
  'pending',
  'sent',
  'accepted',
  'rejected',
  'indeterminate',
  'resubmitted',
  'given_up',
] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/**
 * One submit_sm of a message to a provider. Written before the PDU goes out (`pending`), updated when the answer
 * arrives; an attempt whose session was lost before the answer is `indeterminate` until the connector's policy
 * resubmits it or gives it up, exactly once.
 */
@Entity('attempts')
@Check(
  'CHK_attempts_status',
  `"status" IN ('pending', 'sent', 'accepted', 'rejected', 'indeterminate', 'resubmitted', 'given_up')`,
)
@Index('IDX_attempts_message', ['message_id'])
@Index('UQ_attempts_provider_message', ['provider_id', 'provider_message_key'], {
  unique: true,
  where: `"provider_message_key" IS NOT NULL`,
})
@Index('IDX_attempts_open', ['provider_id', 'status'], {
  where: `"status" IN ('pending', 'sent', 'indeterminate')`,
})
export class AttemptEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  message_id!: string;

  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'FK_attempts_message' })
  message?: MessageEntity;

  @Column({ type: 'text' })
  provider_id!: string;

  @ManyToOne(() => ProviderEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'FK_attempts_provider' })
  provider?: ProviderEntity;

  /** 1 for the first submit of the message to any provider; resubmits and reroutes count on. */
  @Column({ type: 'integer' })
  attempt_no!: number;

  @Column({ type: 'text' })
  status!: AttemptStatus;

  /** submit_sm_resp command_status; null until answered. */
  @Column({ type: 'bigint', nullable: true })
  command_status!: string | null;

  /** The provider's message id exactly as received in submit_sm_resp. */
  @Column({ type: 'text', nullable: true })
  provider_message_id!: string | null;

  /** The id normalised for correlation with receipts (normaliseMessageId of the provider's profile). */
  @Column({ type: 'text', nullable: true })
  provider_message_key!: string | null;

  /** The engine action the answer was classified as (OK, RETRY, REROUTE, FAIL, THROTTLE, SESSION, LOST). */
  @Column({ type: 'text', nullable: true })
  classification!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sent_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  answered_at!: Date | null;
}
