import {
  HttpException,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, from, mergeMap, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { AuditLogEntity } from '@app/database';
import type { AdminRequest } from '../auth/principal';

const SECRET_FIELD = /pass|secret|key|token/i;
const MAX_SUMMARY_TEXT = 200;

/** The request body with secrets replaced by '***' and long strings cut, for the audit log. */
export function redactForAudit(value: unknown, field = ''): unknown {
  if (SECRET_FIELD.test(field) && value !== undefined && value !== null) return '***';
  if (typeof value === 'string')
    return value.length > MAX_SUMMARY_TEXT ? `${value.slice(0, MAX_SUMMARY_TEXT)}…` : value;
  if (Array.isArray(value)) return value.map((item) => redactForAudit(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactForAudit(item, key)]));
  }
  return value;
}

function resourceIdOf(request: AdminRequest, result: unknown): string | null {
  if (request.auditResourceId !== undefined) return request.auditResourceId;
  if (typeof result === 'object' && result !== null && 'id' in result && typeof result.id === 'string') {
    return result.id;
  }
  const { params } = request;
  return params.id ?? params.systemId ?? params.tenantId ?? params.providerId ?? params.number ?? null;
}

/** Writes one audit_log row for every request that may change something (anything but GET and HEAD). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('AdminAudit');

  constructor(private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<AdminRequest & { body?: unknown; query?: unknown }>();
    if (request.method === 'GET' || request.method === 'HEAD') return next.handle();
    const record = async (statusCode: number, result: unknown): Promise<void> => {
      try {
        await this.dataSource.getRepository(AuditLogEntity).insert({
          api_key_id: request.principal?.keyId ?? null,
          method: request.method,
          path: request.originalUrl.split('?')[0],
          resource_id: resourceIdOf(request, result),
          status_code: statusCode,
          summary: {
            body: redactForAudit(request.body ?? null) as object,
            query: redactForAudit(request.query ?? {}) as object,
          },
        });
      } catch (error) {
        this.logger.error(`audit write failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    return next.handle().pipe(
      mergeMap((result: unknown) =>
        from(record(http.getResponse<{ statusCode: number }>().statusCode, result).then(() => result)),
      ),
      catchError((error: unknown) =>
        from(
          record(error instanceof HttpException ? error.getStatus() : 500, undefined).then(() => {
            throw error;
          }),
        ),
      ),
    );
  }
}
