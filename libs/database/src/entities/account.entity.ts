import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { bigintTransformer } from '../bigint.transformer';
import { TenantEntity } from './tenant.entity';

export const ACCOUNT_STATUSES = ['active', 'suspended', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/**
 * A tenant's billing account (one per tenant, one currency). Money columns are integer micro-units
 * (10^-6 of the currency's major unit). `balance` is posted money, `reserved` the sum of pending reservations;
 * both are caches of the ledger replay (see libs/billing). Available money is `balance - reserved + credit_limit`.
 */
@Entity('accounts')
@Unique('UQ_accounts_tenant', ['tenant_id'])
@Check('CHK_accounts_status', `"status" IN ('active', 'suspended', 'closed')`)
@Check('CHK_accounts_currency', `"currency" ~ '^[A-Z]{3}$'`)
@Check('CHK_accounts_credit_limit', `"credit_limit" >= 0`)
@Check('CHK_accounts_reserved', `"reserved" >= 0`)
@Check('CHK_accounts_no_overdraft', `"balance" - "reserved" + "credit_limit" >= 0`)
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  tenant_id!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_accounts_tenant' })
  tenant?: TenantEntity;

  /** ISO 4217 code; every price, cost and entry of the account is in this currency. */
  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  balance!: bigint;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  reserved!: bigint;

  /** 0: prepaid. N > 0: postpaid, the balance may go down to -N. */
  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  credit_limit!: bigint;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  low_balance_threshold!: bigint;

  @Column({ type: 'text', default: 'active' })
  status!: AccountStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
