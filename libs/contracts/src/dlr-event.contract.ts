import { Type } from 'class-transformer';
import {
  IsBase64,
  IsBoolean,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PROVIDER_ID_PATTERN } from './common';

/** The normalised receipt states (libs/gateway's DLR_STATES; contracts import nothing from other libs). */
export const DLR_EVENT_STATES = [
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'deleted',
  'unknown',
  'unknown_final',
  'enroute',
  'accepted',
] as const;
export type DlrEventState = (typeof DLR_EVENT_STATES)[number];

/** A receipt for one of our messages, normalised by the provider's profile: topic `dlr.<tenant instance>`. */
export class DlrEvent {
  /** Identifies this receipt for deduplication (a redelivered event carries the same id). */
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  eventId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(64)
  messageId!: string;

  @IsUUID()
  tenantId!: string;

  @Matches(PROVIDER_ID_PATTERN)
  providerId!: string;

  @IsIn(DLR_EVENT_STATES)
  state!: DlrEventState;

  @IsBoolean()
  final!: boolean;

  /** Our normalised error code, three or more decimal digits. */
  @Matches(/^\d{3,10}$/)
  err!: string;

  /** network_error_code TLV value: network type (1 octet) and error code (2 octets), SMPP 3.4 §5.3.2.31. */
  @IsOptional()
  @IsBase64()
  networkErrorCodeBase64?: string;

  @Type(() => Date)
  @IsDate()
  doneAt!: Date;
}
