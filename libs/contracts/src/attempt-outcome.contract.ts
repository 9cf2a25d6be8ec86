import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsDate,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PROVIDER_ID_PATTERN } from './common';

export const ATTEMPT_OUTCOME_KINDS = ['accepted', 'reroute', 'failed', 'unknown', 'held'] as const;
export type AttemptOutcomeKind = (typeof ATTEMPT_OUTCOME_KINDS)[number];

/** What a connector decided about one attempt: topic `outcome`. */
export class AttemptOutcome {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  messageId!: string;

  @Matches(PROVIDER_ID_PATTERN)
  providerId!: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  attempt!: number;

  @IsIn(ATTEMPT_OUTCOME_KINDS)
  kind!: AttemptOutcomeKind;

  /** The provider's ids of the parts it accepted (kind `accepted` only). */
  @ValidateIf((o: AttemptOutcome) => o.kind === 'accepted')
  @ArrayMinSize(1)
  @IsString({ each: true })
  providerMessageIds?: string[];

  /** Why the attempt did not end in `accepted` (every other kind). */
  @ValidateIf((o: AttemptOutcome) => o.kind !== 'accepted' && o.kind !== 'held')
  @IsString()
  @MinLength(1)
  reason?: string;

  /** submit_sm_resp command_status, when the provider answered. */
  @ValidateIf((o: AttemptOutcome) => o.commandStatus !== undefined)
  @IsInt()
  @Min(0)
  @Max(0xffffffff)
  commandStatus?: number;

  /** Kind `held`: the message waits until this instant (the provider cannot schedule). */
  @ValidateIf((o: AttemptOutcome) => o.kind === 'held')
  @Type(() => Date)
  @IsDate()
  holdUntil?: Date;

  @Type(() => Date)
  @IsDate()
  decidedAt!: Date;
}
