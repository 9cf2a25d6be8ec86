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
import { ProviderEntity } from './provider.entity';

export const TARIFF_STATUSES = ['loading', 'ready'] as const;
/** `loading` while a CSV import writes its rows (never visible to routing); `ready` once committed whole. */
export type TariffStatus = (typeof TARIFF_STATUSES)[number];

/**
 * One version of a provider's supplier rate deck (the buy side). A version replaces the provider's previous one at
 * `effective_from`. One currency per deck.
 */
@Entity('rate_decks')
@Unique('UQ_rate_decks_provider_version', ['provider_id', 'version'])
@Check('CHK_rate_decks_version', `"version" > 0`)
@Check('CHK_rate_decks_currency', `"currency" ~ '^[A-Z]{3}$'`)
@Check('CHK_rate_decks_status', `"status" IN ('loading', 'ready')`)
@Check('CHK_rate_decks_row_count', `"row_count" >= 0`)
export class RateDeckEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_rate_decks_provider_id')
  @Column({ type: 'text' })
  provider_id!: string;

  @ManyToOne(() => ProviderEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'FK_rate_decks_provider' })
  provider?: ProviderEntity;

  @Column({ type: 'integer' })
  version!: number;

  /** ISO 4217 code; costs are integer micro-units (10^-6) of it. */
  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'timestamptz' })
  effective_from!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'integer', default: 0 })
  row_count!: number;

  @Column({ type: 'text', default: 'loading' })
  status!: TariffStatus;
}
