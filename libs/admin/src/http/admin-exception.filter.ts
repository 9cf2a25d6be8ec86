import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { BillingError } from '@app/billing';
import { CredentialError } from '@app/gateway';
import { RoutePlanValidationError, RoutingDataError, TariffImportError } from '@app/routing';

/** What the filter uses of Express's response (no @types/express in the project). */
interface HttpResponse {
  readonly headersSent: boolean;
  status(code: number): HttpResponse;
  json(body: unknown): void;
  destroy(): void;
}

interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string | readonly string[];
  readonly [extra: string]: unknown;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
};

function body(statusCode: number, message: string | readonly string[], extra: object = {}): ErrorBody {
  return { statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', message, ...extra };
}

/** Postgres SQLSTATEs that are the caller's fault. */
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
const CHECK_VIOLATION = '23514';
const INVALID_TEXT = '22P02';

function fromDomainError(error: unknown): ErrorBody | undefined {
  if (error instanceof TariffImportError) {
    return body(
      400,
      error.errors.map(
        (row) => `line ${row.line}${row.column === undefined ? '' : ` ${row.column}`}: ${row.message}`,
      ),
      { totalErrors: error.totalErrors },
    );
  }
  if (error instanceof RoutePlanValidationError) return body(400, [...error.problems]);
  if (error instanceof RoutingDataError) return body(400, error.message);
  if (error instanceof CredentialError) {
    return body(
      / is taken$/.test(error.message) ? 409 : /^no credential/.test(error.message) ? 404 : 400,
      error.message,
    );
  }
  if (error instanceof BillingError) {
    switch (error.code) {
      case 'ACCOUNT_NOT_FOUND':
      case 'RESERVATION_NOT_FOUND':
        return body(404, error.message);
      case 'INVALID_REQUEST':
      case 'CURRENCY_MISMATCH':
        return body(400, error.message);
      default:
        return body(409, error.message, { code: error.code });
    }
  }
  if (error instanceof QueryFailedError) {
    const { code, constraint } = error.driverError as { code?: string; constraint?: string };
    if (code === UNIQUE_VIOLATION)
      return body(409, `conflicts with an existing row (${constraint ?? 'unique'})`);
    if (code === FOREIGN_KEY_VIOLATION)
      return body(409, `refers to or is referred by another row (${constraint})`);
    if (code === CHECK_VIOLATION) return body(400, `violates ${constraint ?? 'a check constraint'}`);
    if (code === INVALID_TEXT) return body(400, 'a value has the wrong format');
  }
  return undefined;
}

/**
 * Every error of the admin API as JSON without a stack trace: HTTP exceptions as thrown, known domain and database
 * errors mapped to 400/404/409, anything else 500 with a correlation id that is logged with the stack.
 */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminApi');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    if (response.headersSent) {
      // A streamed response failed midway: the status is gone, only closing tells the client it is incomplete.
      this.logger.error(`stream failed: ${error instanceof Error ? error.message : String(error)}`);
      response.destroy();
      return;
    }
    if (error instanceof HttpException) {
      const payload = error.getResponse();
      response
        .status(error.getStatus())
        .json(typeof payload === 'string' ? body(error.getStatus(), payload) : payload);
      return;
    }
    const mapped = fromDomainError(error);
    if (mapped !== undefined) {
      response.status(mapped.statusCode).json(mapped);
      return;
    }
    const correlationId = randomUUID();
    this.logger.error(
      `unhandled error ${correlationId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    response.status(500).json(body(500, 'internal error', { correlationId }));
  }
}
