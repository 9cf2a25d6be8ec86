import { randomBytes } from 'node:crypto';
import {
  Body,
  Get,
  Injectable,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Req,
} from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { DataSource } from 'typeorm';
import { BIND_TYPES, TenantCredentialEntity, TenantEntity, type BindType } from '@app/database';
import { CredentialService, validateCidrs } from '@app/gateway';
import type { AdminRequest } from '../auth/principal';
import { AdminController } from '../http/admin-controller.decorator';
import { InvalidInputException } from '../http/validation';
import { PolicyChanges } from './policy-changes';

/** Settings of a credential an operator may change at any time; the gateway reads them at each bind and submit. */
export class CredentialLimitsDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['203.0.113.0/24'],
    description: 'CIDRs; empty = any address',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  allowedIps?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['ACME', '4470*'],
    description: 'Sender ids; `*` wildcard',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  allowedSources?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['44', '49'],
    description: 'Destination prefixes; empty = any',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @Matches(/^\d{1,15}$/, { each: true, message: 'each prefix must be 1-15 digits' })
  allowedDestinationPrefixes?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  tpsLimit?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxBinds?: number;

  @ApiPropertyOptional({ enum: BIND_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(BIND_TYPES, { each: true })
  allowedBindTypes?: BindType[];
}

export class CreateCredentialDto extends CredentialLimitsDto {
  @ApiProperty({ example: 'acme01', description: 'SMPP system_id, 1-15 printable ASCII characters' })
  @Matches(/^[\x21-\x7e]{1,15}$/, { message: 'must be 1-15 printable ASCII characters' })
  systemId!: string;

  @ApiPropertyOptional({ description: 'Allow passwords longer than SMPP 3.4’s 8 characters' })
  @IsOptional()
  @IsBoolean()
  allowLongPassword?: boolean;
}

export class CredentialView {
  @ApiProperty() id!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty() systemId!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [String] }) allowedIps!: string[];
  @ApiProperty({ type: [String] }) allowedSources!: string[];
  @ApiProperty({ type: [String] }) allowedDestinationPrefixes!: string[];
  @ApiProperty({ enum: BIND_TYPES, isArray: true }) allowedBindTypes!: string[];
  @ApiProperty() tpsLimit!: number;
  @ApiProperty() maxBinds!: number;
}

export class CredentialSecretView {
  @ApiProperty() id!: string;
  @ApiProperty() systemId!: string;
  @ApiProperty({ description: 'Shown once; only its scrypt hash is stored' }) password!: string;
}

/** 8 characters from an alphabet without look-alikes: SMPP 3.4 caps passwords at 8 (§4.1.1). */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
function generatePassword(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (byte) => PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length]).join('');
}

function credentialView(row: TenantCredentialEntity): CredentialView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    systemId: row.system_id,
    status: row.status,
    allowedIps: row.allowed_ips,
    allowedSources: row.allowed_sources,
    allowedDestinationPrefixes: row.allowed_destination_prefixes,
    allowedBindTypes: row.allowed_bind_types,
    tpsLimit: row.tps_limit,
    maxBinds: row.max_binds,
  };
}

function checkCidrs(allowedIps: readonly string[] | undefined): void {
  try {
    validateCidrs(allowedIps ?? []);
  } catch (error) {
    throw new InvalidInputException([
      { field: 'allowedIps', reason: error instanceof Error ? error.message : String(error) },
    ]);
  }
}

/** Credentials through the gateway's CredentialService, so that its scrypt hashing is what binds verify. */
@Injectable()
export class CredentialAdminService {
  private readonly credentials: CredentialService;

  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyChanges,
  ) {
    this.credentials = new CredentialService(dataSource);
  }

  async create(tenantId: string, request: CreateCredentialDto): Promise<CredentialSecretView> {
    if (!(await this.dataSource.getRepository(TenantEntity).existsBy({ id: tenantId }))) {
      throw new NotFoundException(`tenant ${tenantId} not found`);
    }
    checkCidrs(request.allowedIps);
    const password = generatePassword(8);
    const created = await this.credentials.createCredential(tenantId, { ...request, password });
    return { id: created.id, systemId: created.systemId, password };
  }

  async list(tenantId: string): Promise<CredentialView[]> {
    const rows = await this.dataSource
      .getRepository(TenantCredentialEntity)
      .find({ where: { tenant_id: tenantId }, order: { created_at: 'ASC' } });
    return rows.map(credentialView);
  }

  async rotate(systemId: string): Promise<CredentialSecretView> {
    const row = await this.find(systemId);
    const password = generatePassword(8);
    await this.credentials.rotatePassword(systemId, password);
    return { id: row.id, systemId, password };
  }

  async revoke(systemId: string): Promise<CredentialView> {
    await this.credentials.revoke(systemId);
    const row = await this.find(systemId);
    await this.policies.publish('credential', row.id);
    return credentialView(row);
  }

  async updateLimits(systemId: string, limits: CredentialLimitsDto): Promise<CredentialView> {
    checkCidrs(limits.allowedIps);
    const row = await this.find(systemId);
    await this.dataSource.getRepository(TenantCredentialEntity).update(
      { id: row.id },
      {
        ...(limits.allowedIps === undefined ? {} : { allowed_ips: limits.allowedIps }),
        ...(limits.allowedSources === undefined ? {} : { allowed_sources: limits.allowedSources }),
        ...(limits.allowedDestinationPrefixes === undefined
          ? {}
          : { allowed_destination_prefixes: limits.allowedDestinationPrefixes }),
        ...(limits.allowedBindTypes === undefined ? {} : { allowed_bind_types: limits.allowedBindTypes }),
        ...(limits.tpsLimit === undefined ? {} : { tps_limit: limits.tpsLimit }),
        ...(limits.maxBinds === undefined ? {} : { max_binds: limits.maxBinds }),
      },
    );
    // Bound sessions check the next submit with the new limits.
    await this.policies.publish('credential', row.id);
    return credentialView(await this.find(systemId));
  }

  private async find(systemId: string): Promise<TenantCredentialEntity> {
    const row = await this.dataSource
      .getRepository(TenantCredentialEntity)
      .findOneBy({ system_id: systemId });
    if (row === null) throw new NotFoundException(`credential ${systemId} not found`);
    return row;
  }
}

@AdminController('', 'credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialAdminService) {}

  @Post('tenants/:tenantId/credentials')
  @ApiOperation({ summary: 'Create an SMPP credential; the generated password is shown once' })
  @ApiResponse({ status: 201, type: CredentialSecretView })
  @ApiResponse({ status: 409, description: 'system_id is taken' })
  create(
    @Param('tenantId', ParseUUIDPipe) tenantId: string,
    @Body() body: CreateCredentialDto,
  ): Promise<CredentialSecretView> {
    return this.credentials.create(tenantId, body);
  }

  @Get('tenants/:tenantId/credentials')
  @ApiOperation({
    summary: 'A tenant’s credentials with their limits, allowed IPs, sender ids and destinations',
  })
  @ApiResponse({ status: 200, type: [CredentialView] })
  list(@Param('tenantId', ParseUUIDPipe) tenantId: string): Promise<CredentialView[]> {
    return this.credentials.list(tenantId);
  }

  @Patch('credentials/:systemId')
  @ApiOperation({ summary: 'Change limits, allowed IPs, sender ids, destination permissions' })
  @ApiResponse({ status: 200, type: CredentialView })
  update(@Param('systemId') systemId: string, @Body() body: CredentialLimitsDto): Promise<CredentialView> {
    return this.credentials.updateLimits(systemId, body);
  }

  @Post('credentials/:systemId/rotate')
  @ApiOperation({ summary: 'New password (shown once); current binds stay, new binds need it' })
  @ApiResponse({ status: 201, type: CredentialSecretView })
  rotate(@Param('systemId') systemId: string, @Req() request: AdminRequest): Promise<CredentialSecretView> {
    request.auditResourceId = systemId;
    return this.credentials.rotate(systemId);
  }

  @Post('credentials/:systemId/revoke')
  @ApiOperation({ summary: 'Revoke a credential: no more binds' })
  @ApiResponse({ status: 201, type: CredentialView })
  revoke(@Param('systemId') systemId: string): Promise<CredentialView> {
    return this.credentials.revoke(systemId);
  }
}
