import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../bigint.transformer';
import { RateDeckEntity } from './rate-deck.entity';

/** One destination prefix of a rate deck: what the provider charges per segment. */
@Entity('rate_deck_entries')
@Check('CHK_rate_deck_entries_prefix', `"prefix" ~ '^[0-9]{1,15}$'`)
@Check('CHK_rate_deck_entries_cost', `"cost_per_segment" >= 0`)
@Check('CHK_rate_deck_entries_country', `"country" ~ '^[A-Z]{2}$'`)
@Check('CHK_rate_deck_entries_mcc', `"mcc" ~ '^[0-9]{3}$'`)
@Check('CHK_rate_deck_entries_mnc', `"mnc" ~ '^[0-9]{2,3}$'`)
export class RateDeckEntryEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_rate_deck_entries' })
  deck_id!: string;

  @ManyToOne(() => RateDeckEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'deck_id', foreignKeyConstraintName: 'FK_rate_deck_entries_deck' })
  deck?: RateDeckEntity;

  /** Destination prefix, E.164 digits without `+`. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_rate_deck_entries' })
  prefix!: string;

  /** Micro-units (10^-6) of the deck's currency. */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  cost_per_segment!: bigint;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2, nullable: true })
  country!: string | null;

  @Column({ type: 'text', nullable: true })
  mcc!: string | null;

  @Column({ type: 'text', nullable: true })
  mnc!: string | null;

  @Column({ type: 'text', nullable: true })
  network!: string | null;
}
