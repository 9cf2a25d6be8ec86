import { Column, CreateDateColumn } from 'typeorm';

export const TARIFF_STATUSES = ['loading', 'ready'] as const;
/** `loading` while a CSV import writes its rows (never visible to routing); `ready` once committed whole. */
export type TariffStatus = (typeof TARIFF_STATUSES)[number];

/**
 * The columns every versioned tariff (rate deck, price plan) has. A version replaces its owner's previous one at
 * `effective_from`; amounts are integer micro-units (10^-6) of `currency`.
 */
export abstract class TariffVersionColumns {
  @Column({ type: 'integer' })
  version!: number;

  /** ISO 4217 code. */
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
