import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';

export const ROUTE_STRATEGIES = ['least_cost', 'priority', 'weighted'] as const;
export type RouteStrategyName = (typeof ROUTE_STRATEGIES)[number];

/**
 * How a tenant's (or, with `tenant_id` null, everyone's) traffic to a destination prefix picks providers. The jsonb
 * columns are validated by `parseRoutePlan` in `@app/routing` when loaded; their shapes are documented there.
 */
@Entity('route_plans')
@Check('CHK_route_plans_prefix', `"prefix" ~ '^[0-9]{0,15}$'`)
@Check('CHK_route_plans_strategy', `"strategy" IN ('least_cost', 'priority', 'weighted')`)
@Check('CHK_route_plans_providers', `jsonb_typeof("providers") = 'array'`)
@Check('CHK_route_plans_allow', `jsonb_typeof("allow_providers") = 'array'`)
@Check('CHK_route_plans_deny', `jsonb_typeof("deny_providers") = 'array'`)
@Check('CHK_route_plans_filters', `jsonb_typeof("filters") = 'object'`)
export class RoutePlanEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_route_plans_tenant_id')
  @Column({ type: 'uuid', nullable: true })
  tenant_id!: string | null;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_route_plans_tenant' })
  tenant?: TenantEntity | null;

  /** Destination prefix this plan applies to; '' matches every destination. */
  @Column({ type: 'text', default: '' })
  prefix!: string;

  /** Order among plans of the same owner and prefix length: lower first. */
  @Column({ type: 'integer', default: 0 })
  rank!: number;

  @Column({ type: 'text' })
  strategy!: RouteStrategyName;

  /** priority: provider ids in order; weighted: `{ "providerId", "percent" }` objects summing to 100; least_cost: []. */
  @Column({ type: 'jsonb' })
  providers!: unknown;

  @Column({ type: 'jsonb' })
  allow_providers!: unknown;

  @Column({ type: 'jsonb' })
  deny_providers!: unknown;

  @Column({ type: 'jsonb' })
  filters!: unknown;

  @Column({ type: 'boolean', default: false })
  allow_below_cost!: boolean;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
