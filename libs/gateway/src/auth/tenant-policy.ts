import type { BindType, TenantCredentialEntity } from '@app/database';

/** `*` matches any run of characters; everything else matches itself. */
function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** What a bound credential may do: compiled from its tenant_credentials row once per bind. */
export class TenantPolicy {
  readonly credentialId: string;
  readonly tenantId: string;
  readonly systemId: string;
  readonly tpsLimit: number;
  readonly maxBinds: number;
  readonly bindTypes: ReadonlySet<BindType>;
  private readonly sources: readonly RegExp[];
  private readonly destinationPrefixes: readonly string[];

  constructor(row: TenantCredentialEntity) {
    this.credentialId = row.id;
    this.tenantId = row.tenant_id;
    this.systemId = row.system_id;
    this.tpsLimit = row.tps_limit;
    this.maxBinds = row.max_binds;
    this.bindTypes = new Set(row.allowed_bind_types);
    this.sources = row.allowed_sources.map(patternToRegExp);
    this.destinationPrefixes = row.allowed_destination_prefixes;
  }

  allowsSource(source: string): boolean {
    return this.sources.length === 0 || this.sources.some((pattern) => pattern.test(source));
  }

  /** `destination`: digits only (already normalised). */
  allowsDestination(destination: string): boolean {
    return (
      this.destinationPrefixes.length === 0 ||
      this.destinationPrefixes.some((prefix) => destination.startsWith(prefix))
    );
  }
}
