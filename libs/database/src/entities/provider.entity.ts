import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export const PROVIDER_HEALTH = ['up', 'degraded', 'down', 'unknown'] as const;
export type ProviderHealth = (typeof PROVIDER_HEALTH)[number];

/** An upstream SMPP provider (one connector). `id` is a stable slug such as `infobip` or `gatewayapi-eu`. */
@Entity('providers')
@Check('CHK_providers_health', `"health" IN ('up', 'degraded', 'down', 'unknown')`)
@Check('CHK_providers_id', `"id" ~ '^[a-z0-9][a-z0-9_-]{0,63}$'`)
export class ProviderEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** As last reported by the provider's connector. */
  @Column({ type: 'text', default: 'unknown' })
  health!: ProviderHealth;

  @Column({ type: 'timestamptz', nullable: true })
  health_updated_at!: Date | null;
}
