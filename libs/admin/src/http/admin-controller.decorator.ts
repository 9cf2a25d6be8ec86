import {
  applyDecorators,
  Controller,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AdminExceptionFilter } from './admin-exception.filter';
import { AuditInterceptor } from './audit.interceptor';
import { adminValidationPipe } from './validation';

/**
 * An admin API controller: API-key authentication and roles, validation with field errors, JSON errors without stack
 * traces and the audit log, scoped to the admin routes so that the host app's own routes are left alone.
 */
export function AdminController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    ApiTags(tag),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiResponse({ status: 400, description: 'Invalid input: every field with its reason' }),
    ApiResponse({ status: 401, description: 'Missing or invalid API key' }),
    ApiResponse({ status: 403, description: 'The key’s role does not allow this' }),
    UseGuards(ApiKeyGuard),
    UseInterceptors(AuditInterceptor),
    UsePipes(adminValidationPipe()),
    UseFilters(AdminExceptionFilter),
  );
}
