// Every TypeORM entity of the product, as an explicit list so that tsc, swc, jest and the CLI agree.
// Libraries that own tables add their entity classes here.
import { AccountEntity } from './entities/account.entity';
import { LedgerEntryEntity } from './entities/ledger-entry.entity';
import { PricePlanEntryEntity } from './entities/price-plan-entry.entity';
import { PricePlanEntity } from './entities/price-plan.entity';
import { ProviderEntity } from './entities/provider.entity';
import { RateDeckEntryEntity } from './entities/rate-deck-entry.entity';
import { RateDeckEntity } from './entities/rate-deck.entity';
import { ReservationEntity } from './entities/reservation.entity';
import { RoutePlanEntity } from './entities/route-plan.entity';
import { TenantEntity } from './entities/tenant.entity';
import { TenantDeliveryLeaseEntity } from './entities/tenant-delivery-lease.entity';
import { TenantDeliveryEntity } from './entities/tenant-delivery.entity';
import { MessageEntity } from './entities/message.entity';
import { OutboxEntity } from './entities/outbox.entity';
import { TenantCredentialEntity } from './entities/tenant-credential.entity';
import { AttemptEntity } from './entities/attempt.entity';
import { MoNumberEntity } from './entities/mo-number.entity';
import { NumberLookupEntity } from './entities/number-lookup.entity';
import { ParkedDlrEntity } from './entities/parked-dlr.entity';
import { ApiKeyEntity } from './entities/api-key.entity';
import { AuditLogEntity } from './entities/audit-log.entity';
import { BindFailureEntity, BindSessionEntity } from './entities/bind-session.entity';
import { ProviderSessionEntity } from './entities/provider-session.entity';

export const ENTITIES = [
  TenantEntity,
  ProviderEntity,
  RateDeckEntity,
  RateDeckEntryEntity,
  PricePlanEntity,
  PricePlanEntryEntity,
  RoutePlanEntity,
  AccountEntity,
  ReservationEntity,
  LedgerEntryEntity,
  TenantCredentialEntity,
  MessageEntity,
  OutboxEntity,
  TenantDeliveryEntity,
  TenantDeliveryLeaseEntity,
  AttemptEntity,
  ParkedDlrEntity,
  MoNumberEntity,
  NumberLookupEntity,
  ApiKeyEntity,
  AuditLogEntity,
  BindSessionEntity,
  BindFailureEntity,
  ProviderSessionEntity,
];

export { ProviderEntity, TenantEntity };
export { PricePlanEntity, PricePlanEntryEntity, RateDeckEntity, RateDeckEntryEntity, RoutePlanEntity };
export * from './entities/provider.entity';
export * from './entities/tenant.entity';
export * from './entities/rate-deck.entity';
export * from './entities/tariff-version.columns';
export * from './entities/route-plan.entity';
export { AccountEntity, LedgerEntryEntity, ReservationEntity };
export * from './entities/account.entity';
export * from './entities/reservation.entity';
export * from './entities/ledger-entry.entity';
export { MessageEntity, OutboxEntity, TenantCredentialEntity };
export * from './entities/message.entity';
export * from './entities/outbox.entity';
export * from './entities/tenant-credential.entity';
export { TenantDeliveryEntity, TenantDeliveryLeaseEntity };
export * from './entities/tenant-delivery.entity';
export * from './entities/tenant-delivery-lease.entity';
export { AttemptEntity, MoNumberEntity, NumberLookupEntity, ParkedDlrEntity };
export * from './entities/attempt.entity';
export * from './entities/mo-number.entity';
export * from './entities/number-lookup.entity';
export * from './entities/parked-dlr.entity';
export { ApiKeyEntity, AuditLogEntity };
export * from './entities/api-key.entity';
export * from './entities/audit-log.entity';
export { BindFailureEntity, BindSessionEntity };
export { ProviderSessionEntity };
export * from './entities/provider-session.entity';
