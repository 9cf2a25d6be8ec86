import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBase64,
  IsDate,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsOctet, Nested, NestedList, PROVIDER_ID_PATTERN, SmppAddressContract, TlvContract } from './common';

/** A mobile-originated message routed to the tenant that owns its destination number. */
export class MoEvent {
  /** Identifies this MO for deduplication (a redelivered event carries the same id). */
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  eventId!: string;

  @IsUUID()
  tenantId!: string;

  @Matches(PROVIDER_ID_PATTERN)
  providerId!: string;

  @Nested(() => SmppAddressContract)
  source!: SmppAddressContract;

  @Nested(() => SmppAddressContract)
  destination!: SmppAddressContract;

  @IsOctet()
  dataCoding!: number;

  @IsOptional()
  @IsOctet()
  esmClass?: number;

  @IsOptional()
  @IsOctet()
  protocolId?: number;

  /** The octets as received (UDH included when esm_class has UDHI). */
  @IsBase64()
  bodyBase64!: string;

  @NestedList(() => TlvContract)
  @ArrayMaxSize(64)
  tlvs!: TlvContract[];

  @Type(() => Date)
  @IsDate()
  receivedAt!: Date;
}
