// Every migration, in order, as an explicit list so that tsc, swc, jest and the CLI agree.
// Name files `<unix-ms>-<Name>.ts`; append new classes at the end.
import { Base1763800000000 } from './1763800000000-Base';
import { Routing1795318438562 } from './1795318438562-Routing';
import { Billing1795318462568 } from './1795318462568-Billing';
import { Gateway1795319665113 } from './1795319665113-Gateway';
import { TenantDeliveries1795320000000 } from './1795320000000-TenantDeliveries';
import { BillingDeferredAccountKeys1795320060000 } from './1795320060000-BillingDeferredAccountKeys';
import { Connectors1795320467593 } from './1795320467593-Connectors';
import { AdminApi1795321000000 } from './1795321000000-AdminApi';
import { ClusterBinds1795322000000 } from './1795322000000-ClusterBinds';
import { MultipartReceipts1795323000000 } from './1795323000000-MultipartReceipts';
import { ProviderErrorCode1795324000000 } from './1795324000000-ProviderErrorCode';
import { ProviderSessions1795325000000 } from './1795325000000-ProviderSessions';

export const MIGRATIONS = [
  Base1763800000000,
  Routing1795318438562,
  Billing1795318462568,
  Gateway1795319665113,
  TenantDeliveries1795320000000,
  BillingDeferredAccountKeys1795320060000,
  Connectors1795320467593,
  AdminApi1795321000000,
  ClusterBinds1795322000000,
  MultipartReceipts1795323000000,
  ProviderErrorCode1795324000000,
  ProviderSessions1795325000000,
];
