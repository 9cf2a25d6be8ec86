// Every TypeORM entity of the product, as an explicit list so that tsc, swc, jest and the CLI agree.
// Libraries that own tables add their entity classes here.
import { ProviderEntity } from './entities/provider.entity';
import { TenantEntity } from './entities/tenant.entity';

export const ENTITIES = [TenantEntity, ProviderEntity];

export { ProviderEntity, TenantEntity };
export * from './entities/provider.entity';
export * from './entities/tenant.entity';
