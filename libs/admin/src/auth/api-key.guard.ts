import {
  ForbiddenException,
  Injectable,
  NotFoundException,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyService } from './api-key.service';
import type { AdminPrincipal, AdminRequest } from './principal';

const TENANT_SCOPED = 'admin:tenant-scoped';

/**
 * Marks a route tenant keys may call. Its `:tenantId` parameter, when present, must be the key's own tenant (another
 * tenant's id answers 404, as if it did not exist); routes without one filter by the key's tenant themselves.
 */
export const TenantScoped = (): MethodDecorator => SetMetadata(TENANT_SCOPED, true);

const BEARER = /^Bearer\s+(\S+)$/i;

function presentedKey(request: AdminRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  return BEARER.exec(authorization)?.[1];
}

/** Authenticates `Authorization: Bearer <key>` or `X-API-Key` and enforces the key's role. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const key = presentedKey(request);
    const principal = key === undefined ? undefined : await this.keys.authenticate(key);
    if (principal === undefined) throw new UnauthorizedException('missing or invalid API key');
    request.principal = principal;
    const tenantScoped =
      this.reflector.get<boolean | undefined>(TENANT_SCOPED, context.getHandler()) === true;
    authorize(principal, request, tenantScoped);
    return true;
  }
}

function authorize(principal: AdminPrincipal, request: AdminRequest, tenantScoped: boolean): void {
  switch (principal.role) {
    case 'admin':
      return;
    case 'readonly':
      if (request.method !== 'GET') throw new ForbiddenException('read-only key');
      return;
    case 'tenant': {
      if (!tenantScoped || request.method !== 'GET')
        throw new ForbiddenException('not allowed for tenant keys');
      const tenantId = request.params.tenantId;
      if (tenantId !== undefined && tenantId !== principal.tenantId) {
        throw new NotFoundException(`tenant ${tenantId} not found`);
      }
      return;
    }
  }
}

/** The tenant a tenant key is confined to; undefined for operator keys. */
export function tenantRestriction(principal: AdminPrincipal | undefined): string | undefined {
  return principal?.role === 'tenant' && principal.tenantId !== null ? principal.tenantId : undefined;
}
