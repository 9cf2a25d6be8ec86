import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../bigint.transformer';
import { PricePlanEntity } from './price-plan.entity';

/** One destination prefix of a price plan: what the tenant pays per segment. */
@Entity('price_plan_entries')
@Check('CHK_price_plan_entries_prefix', `"prefix" ~ '^[0-9]{1,15}$'`)
@Check('CHK_price_plan_entries_price', `"price_per_segment" >= 0`)
export class PricePlanEntryEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_price_plan_entries' })
  plan_id!: string;

  @ManyToOne(() => PricePlanEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'FK_price_plan_entries_plan' })
  plan?: PricePlanEntity;

  /** Destination prefix, E.164 digits without `+`. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_price_plan_entries' })
  prefix!: string;

  /** Micro-units (10^-6) of the plan's currency. */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  price_per_segment!: bigint;
}
