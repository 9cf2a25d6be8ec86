import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsBase64, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { ValidationOptions } from 'class-validator';

/** Amounts cross processes as decimal strings of integer micro-units (JSON has no 64-bit integers). */
export const MICRO_UNITS_PATTERN = /^-?(0|[1-9]\d{0,18})$/;

export function IsMicroUnits(options?: ValidationOptions): PropertyDecorator {
  return Matches(MICRO_UNITS_PATTERN, {
    message: '$property must be integer micro-units as a decimal string',
    ...options,
  });
}

/** An octet-sized SMPP integer field (TON, NPI, data_coding, esm_class …). */
export function IsOctet(): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    IsInt()(target, property);
    Min(0)(target, property);
    Max(255)(target, property);
  };
}

/** Provider ids are the slugs of `providers.id`. */
export const PROVIDER_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** An SMPP address with its type of number and numbering plan (SMPP 3.4 §5.2.5, §5.2.6). */
export class SmppAddressContract {
  /** SMPP 3.4 caps source_addr and destination_addr at 21 octets including the terminating NULL. */
  @IsString()
  @MaxLength(20)
  addr!: string;

  @IsOctet()
  ton!: number;

  @IsOctet()
  npi!: number;
}

/** An optional parameter as tag and raw value. */
export class TlvContract {
  @IsInt()
  @Min(0)
  @Max(0xffff)
  tag!: number;

  @IsBase64()
  valueBase64!: string;
}

export function NestedList<T>(type: () => new () => T): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    ValidateNested({ each: true })(target, property);
    Type(type)(target, property);
  };
}

export function Nested<T>(type: () => new () => T): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    ValidateNested()(target, property);
    Type(type)(target, property);
  };
}
