import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TariffVersionColumns } from './tariff-version.columns';
import { TenantEntity } from './tenant.entity';

/**
 * One version of a sell-side price plan: a tenant's own (`tenant_id`) or the default plan (`tenant_id` null). A
 * version replaces the previous one of the same owner at `effective_from`. One currency per plan.
 */
@Entity('price_plans')
@Index('UQ_price_plans_tenant_version', ['tenant_id', 'version'], {
  unique: true,
  where: `"tenant_id" IS NOT NULL`,
})
@Index('UQ_price_plans_default_version', ['version'], { unique: true, where: `"tenant_id" IS NULL` })
@Check('CHK_price_plans_version', `"version" > 0`)
@Check('CHK_price_plans_currency', `"currency" ~ '^[A-Z]{3}$'`)
@Check('CHK_price_plans_status', `"status" IN ('loading', 'ready')`)
@Check('CHK_price_plans_row_count', `"row_count" >= 0`)
export class PricePlanEntity extends TariffVersionColumns {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  tenant_id!: string | null;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_price_plans_tenant' })
  tenant?: TenantEntity | null;

  /** Billing policy: refund the tenant when the final state is UNDELIV after the provider accepted. */
  @Column({ type: 'boolean', default: false })
  refund_on_undeliverable!: boolean;

  /** Billing policy: refund the tenant when the final state is EXPIRED after the provider accepted. */
  @Column({ type: 'boolean', default: false })
  refund_on_expired!: boolean;

  /** Billing policy: refund the tenant when the message is REJECTD before the provider accepted it. */
  @Column({ type: 'boolean', default: true })
  refund_on_rejected!: boolean;
}
