import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { ProviderEntity } from './provider.entity';
import { TariffVersionColumns } from './tariff-version.columns';

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
export class RateDeckEntity extends TariffVersionColumns {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_rate_decks_provider_id')
  @Column({ type: 'text' })
  provider_id!: string;

  @ManyToOne(() => ProviderEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'FK_rate_decks_provider' })
  provider?: ProviderEntity;
}
