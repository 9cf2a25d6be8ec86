import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { RoutingChangeListener, TenantPolicyListener } from '@app/admin';
import { Gateway } from '@app/gateway';
import { RoutingLoader } from '@app/pipeline';

/**
 * One process: the admin API's changes reach this process's Router and SMPP gateway before its HTTP answer, so the
 * very next submit uses them (other processes get the NOTIFY). Linked to the pipeline's RoutingLoader and Gateway at
 * bootstrap; a change made before that only goes out as NOTIFY.
 */
export class LocalChanges implements RoutingChangeListener, TenantPolicyListener {
  private loader: RoutingLoader | undefined;
  private gateway: Gateway | undefined;

  link(loader: RoutingLoader, gateway: Gateway): void {
    this.loader = loader;
    this.gateway = gateway;
  }

  async routingChanged(): Promise<void> {
    await this.loader?.routingChanged();
  }

  async providersChanged(): Promise<void> {
    await this.loader?.providersChanged();
  }

  async credentialChanged(credentialId: string): Promise<void> {
    await this.gateway?.server.refreshBinds({ credentialId });
  }

  async tenantChanged(tenantId: string): Promise<void> {
    await this.gateway?.server.refreshBinds({ tenantId });
  }
}

/** Links a LocalChanges to the pipeline's RoutingLoader and Gateway once every module is up. */
export function localChangesLinker(
  changes: LocalChanges,
): new (moduleRef: ModuleRef) => OnApplicationBootstrap {
  @Injectable()
  class LocalChangesLinker implements OnApplicationBootstrap {
    constructor(private readonly moduleRef: ModuleRef) {}

    onApplicationBootstrap(): void {
      changes.link(
        this.moduleRef.get(RoutingLoader, { strict: false }),
        this.moduleRef.get(Gateway, { strict: false }),
      );
    }
  }
  return LocalChangesLinker;
}
