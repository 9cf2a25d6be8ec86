import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBase64,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import {
  IsMicroUnits,
  IsOctet,
  Nested,
  NestedList,
  PROVIDER_ID_PATTERN,
  SmppAddressContract,
  TlvContract,
} from './common';

/** One provider of a message's route plan with the cost and price frozen when the message was accepted. */
export class PlannedAttemptContract {
  @Matches(PROVIDER_ID_PATTERN)
  providerId!: string;

  /** What the provider charges us per segment, in micro-units of `currency`. */
  @IsMicroUnits()
  costMicros!: string;

  /** What the tenant pays per segment, in micro-units of `currency`. */
  @IsMicroUnits()
  priceMicros!: string;

  /** ISO 4217 code. */
  @Matches(/^[A-Z]{3}$/)
  currency!: string;
}

/**
 * One message part for one provider: topic `send.<providerId>`. The same `messageId` (our id, the one the tenant
 * knows) travels on every attempt, so a consumer dedupes redeliveries by (`messageId`, `attempt`).
 */
export class SendMessage {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  messageId!: string;

  @IsUUID()
  tenantId!: string;

  /** Parts of one concatenated message share a group id and go through the same provider. */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  groupId!: string;

  @IsInt()
  @Min(1)
  @Max(255)
  partNo!: number;

  @IsInt()
  @Min(1)
  @Max(255)
  partTotal!: number;

  @Matches(PROVIDER_ID_PATTERN)
  providerId!: string;

  @Nested(() => SmppAddressContract)
  source!: SmppAddressContract;

  @Nested(() => SmppAddressContract)
  destination!: SmppAddressContract;

  @IsOctet()
  dataCoding!: number;

  @IsOctet()
  esmClass!: number;

  @IsOctet()
  registeredDelivery!: number;

  @IsOptional()
  @IsOctet()
  protocolId?: number;

  @IsOptional()
  @IsOctet()
  priorityFlag?: number;

  /** The short_message octets as the tenant submitted them (UDH included when esm_class has UDHI). */
  @IsBase64()
  bodyBase64!: string;

  @NestedList(() => TlvContract)
  @ArrayMaxSize(64)
  tlvs!: TlvContract[];

  @IsOptional()
  @Type(() => Date)
  @IsDate()
  scheduleAt?: Date;

  @Type(() => Date)
  @IsDate()
  validUntil!: Date;

  /** The billing reservation to post or void once the outcome is known; absent for unbilled traffic. */
  @IsOptional()
  @IsUUID()
  reservationId?: string;

  /** 1 for the first submit of the message to any provider; reroutes and resubmits count on. */
  @IsInt()
  @Min(1)
  @Max(1000)
  attempt!: number;

  /** This attempt's provider first, then the providers left to try, with their frozen cost and price. */
  @NestedList(() => PlannedAttemptContract)
  @ArrayMinSize(1)
  @ArrayMaxSize(32)
  plan!: PlannedAttemptContract[];
}
