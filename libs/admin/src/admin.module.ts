import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyService } from './auth/api-key.service';
import { AuditInterceptor } from './http/audit.interceptor';
import { ApiKeysController } from './resources/api-keys';
import { BalancesController, BalanceService } from './resources/balances';
import { CredentialAdminService, CredentialsController } from './resources/credentials';
import { MessagesController, MessageService } from './resources/messages';
import { OperationsController, OperationsService } from './resources/operations';
import { RoutePlansController, RoutePlanService } from './resources/route-plans';
import { RoutingChanges } from './resources/routing-changes';
import { TariffsController, TariffService } from './resources/tariffs';
import { TenantsController, TenantService } from './resources/tenants';
import { TENANT_POLICY_LISTENER, type TenantPolicyListener } from './policy-listener';
import { PolicyChanges } from './resources/policy-changes';
import { ROUTING_CHANGE_LISTENER, type RoutingChangeListener } from './routing-listener';

export interface AdminModuleOptions {
  /** The Router of this process, refreshed after routing changes (the all-in-one app passes its refresher's). */
  readonly routing?: RoutingChangeListener;
  /** The SMPP gateway of this process, told of tenant policy changes (the all-in-one app passes its own). */
  readonly policies?: TenantPolicyListener;
}

const logger = new Logger('AdminApi');

/**
 * The admin REST API. Needs a TypeORM `DataSource` provider (DatabaseModule) and `APP_CONFIG` (ConfigModule) in the
 * host app. At start, creates the first admin key from ADMIN_BOOTSTRAP_KEY when no admin key exists.
 */
@Module({})
export class AdminModule implements OnApplicationBootstrap {
  constructor(
    private readonly keys: ApiKeyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  static forRoot(options: AdminModuleOptions = {}): DynamicModule {
    const optional: Provider[] = [];
    if (options.routing !== undefined)
      optional.push({ provide: ROUTING_CHANGE_LISTENER, useValue: options.routing });
    if (options.policies !== undefined)
      optional.push({ provide: TENANT_POLICY_LISTENER, useValue: options.policies });
    return {
      module: AdminModule,
      controllers: [
        TenantsController,
        CredentialsController,
        BalancesController,
        TariffsController,
        RoutePlansController,
        OperationsController,
        MessagesController,
        ApiKeysController,
      ],
      providers: [
        ...optional,
        ApiKeyService,
        ApiKeyGuard,
        AuditInterceptor,
        RoutingChanges,
        PolicyChanges,
        TenantService,
        CredentialAdminService,
        BalanceService,
        TariffService,
        RoutePlanService,
        OperationsService,
        MessageService,
      ],
      exports: [ApiKeyService],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.adminBootstrapKey;
    if (key === undefined) return;
    const created = await this.keys.bootstrap(key);
    if (created !== undefined)
      logger.log(`created the first admin API key (${created}) from ADMIN_BOOTSTRAP_KEY`);
  }
}
