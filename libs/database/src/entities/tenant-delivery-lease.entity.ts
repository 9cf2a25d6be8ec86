import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from './tenant.entity';

/**
 * Which server instance delivers a tenant's queue. An owner holds its lease by renewing it; once `lease_until`
 * passes (the owner died or stopped), another instance takes it over.
 */
@Entity('tenant_delivery_leases')
export class TenantDeliveryLeaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  tenant_id!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_tenant_delivery_leases_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  owner!: string;

  @Column({ type: 'timestamptz' })
  lease_until!: Date;
}
