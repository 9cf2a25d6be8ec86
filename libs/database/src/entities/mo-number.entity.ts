import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from './tenant.entity';

/**
 * Which tenant receives mobile-originated messages sent to a number: `exact` matches the whole destination,
 * `prefix` every destination starting with these digits (the longest matching prefix wins, an exact match first).
 */
@Entity('mo_numbers')
@Check('CHK_mo_numbers_match', `"match" IN ('exact', 'prefix')`)
@Check('CHK_mo_numbers_number', `"number" ~ '^[0-9]{1,20}$'`)
export class MoNumberEntity {
  /** International digits without '+'. */
  @PrimaryColumn({ type: 'text' })
  number!: string;

  @Column({ type: 'text', default: 'exact' })
  match!: 'exact' | 'prefix';

  @Column({ type: 'uuid' })
  tenant_id!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_mo_numbers_tenant' })
  tenant?: TenantEntity;
}
