import { Body, Get, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { DataSource } from 'typeorm';
import { API_KEY_ROLES, AuditLogEntity, type ApiKeyRole } from '@app/database';
import { ApiKeyService } from '../auth/api-key.service';
import { AdminController } from '../http/admin-controller.decorator';
import { PageQuery, UUID_PATTERN } from './common.dto';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'billing team' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: API_KEY_ROLES })
  @IsIn(API_KEY_ROLES)
  role!: ApiKeyRole;

  @ApiPropertyOptional({ description: 'Required for (and only for) the tenant role' })
  @ValidateIf((dto: CreateApiKeyDto) => dto.role === 'tenant' || dto.tenantId !== undefined)
  @Matches(UUID_PATTERN, { message: 'must be a UUID (required for the tenant role)' })
  tenantId?: string;
}

export class ApiKeyView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_KEY_ROLES }) role!: string;
  @ApiProperty({ nullable: true, type: String }) tenantId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
}

export class CreatedApiKeyView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Shown once; only its SHA-256 is stored' }) key!: string;
}

export class AuditEntryView {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) apiKeyId!: string | null;
  @ApiProperty() method!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ nullable: true, type: String }) resourceId!: string | null;
  @ApiProperty() statusCode!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) summary!: Record<string, unknown>;
  @ApiProperty() createdAt!: string;
}

@AdminController('', 'api keys and audit')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly dataSource: DataSource,
  ) {}

  @Post('api-keys')
  @ApiOperation({ summary: 'Create an API key; the key is shown once' })
  @ApiResponse({ status: 201, type: CreatedApiKeyView })
  async create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    const created = await this.keys.create(body.role, body.name, body.tenantId ?? null);
    return { id: created.id, key: created.key };
  }

  @Get('api-keys')
  @ApiResponse({ status: 200, type: [ApiKeyView] })
  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map((row) => ({
      id: row.id,
      name: row.name,
      role: row.role,
      tenantId: row.tenant_id,
      createdAt: row.created_at.toISOString(),
      revokedAt: row.revoked_at?.toISOString() ?? null,
    }));
  }

  @Post('api-keys/:id/revoke')
  @ApiResponse({ status: 201 })
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<{ id: string }> {
    if (!(await this.keys.revoke(id))) throw new NotFoundException(`active API key ${id} not found`);
    return { id };
  }

  @Get('audit-log')
  @ApiOperation({ summary: 'Changes made through the API, newest first' })
  @ApiResponse({ status: 200, type: [AuditEntryView] })
  async audit(@Query() page: PageQuery): Promise<AuditEntryView[]> {
    const rows = await this.dataSource.getRepository(AuditLogEntity).find({
      order: { id: 'DESC' },
      take: page.limit ?? 100,
      skip: page.offset ?? 0,
    });
    return rows.map((row) => ({
      id: row.id,
      apiKeyId: row.api_key_id,
      method: row.method,
      path: row.path,
      resourceId: row.resource_id,
      statusCode: row.status_code,
      summary: row.summary,
      createdAt: row.created_at.toISOString(),
    }));
  }
}
