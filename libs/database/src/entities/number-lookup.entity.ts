import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An Infobip Number Lookup (HLR) request and, once answered, its parsed result. */
@Entity('number_lookups')
@Check('CHK_number_lookups_status', `"status" IN ('pending', 'found', 'not_found', 'failed')`)
@Index('IDX_number_lookups_msisdn', ['msisdn', 'requested_at'])
@Index('IDX_number_lookups_provider_message', ['provider_id', 'provider_message_key'])
export class NumberLookupEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  provider_id!: string;

  /** International digits without '+'. */
  @Column({ type: 'text' })
  msisdn!: string;

  @Column({ type: 'text' })
  status!: 'pending' | 'found' | 'not_found' | 'failed';

  @Column({ type: 'text', nullable: true })
  provider_message_key!: string | null;

  @Column({ type: 'text', nullable: true })
  mcc!: string | null;

  @Column({ type: 'text', nullable: true })
  mnc!: string | null;

  @Column({ type: 'text', nullable: true })
  network!: string | null;

  @Column({ type: 'boolean', nullable: true })
  ported!: boolean | null;

  @Column({ type: 'boolean', nullable: true })
  roaming!: boolean | null;

  /** Our three-digit err of the answer. */
  @Column({ type: 'text', nullable: true })
  error_code!: string | null;

  /** Everything parsed from the answer (networks, IMSI, serving HLR, text fields). */
  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  @Column({ type: 'timestamptz' })
  requested_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  answered_at!: Date | null;
}
