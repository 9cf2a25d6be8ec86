import type { ApiKeyRole } from '@app/database';

/** Who is calling: the API key that authenticated the request. */
export interface AdminPrincipal {
  readonly keyId: string;
  readonly role: ApiKeyRole;
  /** Set for tenant keys only. */
  readonly tenantId: string | null;
}

/** The Express request as the admin API sees it once the guard has authenticated it. */
export interface AdminRequest {
  readonly method: string;
  readonly originalUrl: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly params: Record<string, string | undefined>;
  principal?: AdminPrincipal;
  /** Id of the resource a change created or touched, for the audit log. */
  auditResourceId?: string;
}
