import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Work to publish, written in the same transaction as the state it announces (transactional outbox). The relay
 * (issue 6) publishes unpublished rows in id order and stamps `published_at`.
 */
@Entity('outbox')
@Index('IDX_outbox_unpublished', ['id'], { where: `"published_at" IS NULL` })
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** For example `send.<provider>`. */
  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'text', nullable: true })
  message_id!: string | null;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  published_at!: Date | null;
}
