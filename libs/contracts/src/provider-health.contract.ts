import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PROVIDER_ID_PATTERN } from './common';

/** The values of `providers.health`. */
export const PROVIDER_HEALTH_STATES = ['up', 'degraded', 'down', 'unknown'] as const;
export type ProviderHealthState = (typeof PROVIDER_HEALTH_STATES)[number];

/** A connector's view of its provider, published on change and periodically: topic `health`. */
export class ProviderHealth {
  @Matches(PROVIDER_ID_PATTERN)
  providerId!: string;

  @IsIn(PROVIDER_HEALTH_STATES)
  state!: ProviderHealthState;

  @IsInt()
  @Min(0)
  @Max(1000)
  sessionsBound!: number;

  @IsInt()
  @Min(0)
  @Max(1000)
  sessionsWanted!: number;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  @Type(() => Date)
  @IsDate()
  at!: Date;
}
