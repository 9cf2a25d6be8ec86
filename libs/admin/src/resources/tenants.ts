import { Body, Get, Injectable, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { LedgerRepository } from '@app/billing';
import {
  MULTIPART_RECEIPT_MODES,
  TENANT_STATUSES,
  TenantEntity,
  type MultipartReceiptMode,
  type TenantStatus,
} from '@app/database';
import { TenantScoped } from '../auth/api-key.guard';
import { AdminController } from '../http/admin-controller.decorator';
import { MONEY_PATTERN, moneyToMicros } from '../money';
import { MONEY_MESSAGE, PageQuery } from './common.dto';
import { PolicyChanges } from './policy-changes';

const MULTIPART_RECEIPTS_DESCRIPTION =
  'Receipts of a long message (UDH or SAR parts): per_part, one per part (default), or aggregated, one for the ' +
  'whole message as part 1 once its last part is final';

export class CreateTenantDto {
  @ApiProperty({ example: 'acme' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency of the tenant’s account' })
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR' })
  currency!: string;

  @ApiPropertyOptional({ example: '0.00', description: 'Postpaid credit limit; 0 is prepaid' })
  @IsOptional()
  @Matches(MONEY_PATTERN, { message: MONEY_MESSAGE })
  creditLimit?: string;

  @ApiPropertyOptional({ example: '10.00' })
  @IsOptional()
  @Matches(MONEY_PATTERN, { message: MONEY_MESSAGE })
  lowBalanceThreshold?: string;

  @ApiPropertyOptional({ enum: MULTIPART_RECEIPT_MODES, description: MULTIPART_RECEIPTS_DESCRIPTION })
  @IsOptional()
  @IsIn(MULTIPART_RECEIPT_MODES)
  multipartReceipts?: MultipartReceiptMode;
}

export class TenantMultipartReceiptsDto {
  @ApiProperty({ enum: MULTIPART_RECEIPT_MODES, description: MULTIPART_RECEIPTS_DESCRIPTION })
  @IsIn(MULTIPART_RECEIPT_MODES)
  multipartReceipts!: MultipartReceiptMode;
}

export class TenantStatusDto {
  @ApiProperty({ enum: TENANT_STATUSES })
  @IsIn(TENANT_STATUSES)
  status!: TenantStatus;
}

export class TenantView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TENANT_STATUSES }) status!: TenantStatus;
  @ApiProperty({ enum: MULTIPART_RECEIPT_MODES }) multipartReceipts!: MultipartReceiptMode;
  @ApiProperty() createdAt!: string;
}

function tenantView(row: TenantEntity): TenantView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    multipartReceipts: row.multipart_receipts,
    createdAt: row.created_at.toISOString(),
  };
}

@Injectable()
export class TenantService {
  private readonly ledger: LedgerRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyChanges,
  ) {
    this.ledger = new LedgerRepository(dataSource);
  }

  async create(request: CreateTenantDto): Promise<TenantView> {
    const creditLimit = request.creditLimit === undefined ? 0n : moneyToMicros(request.creditLimit);
    const threshold =
      request.lowBalanceThreshold === undefined ? 0n : moneyToMicros(request.lowBalanceThreshold);
    return this.dataSource.transaction(async (tx) => {
      const tenant = await tx.getRepository(TenantEntity).save({
        name: request.name,
        multipart_receipts: request.multipartReceipts ?? 'per_part',
      });
      await this.ledger.openAccount(tx, {
        tenantId: tenant.id,
        currency: request.currency,
        creditLimit,
        lowBalanceThreshold: threshold,
      });
      return tenantView(tenant);
    });
  }

  async get(id: string): Promise<TenantView> {
    const row = await this.dataSource.getRepository(TenantEntity).findOneBy({ id });
    if (row === null) throw new NotFoundException(`tenant ${id} not found`);
    return tenantView(row);
  }

  async list(page: PageQuery): Promise<TenantView[]> {
    const rows = await this.dataSource.getRepository(TenantEntity).find({
      order: { created_at: 'ASC', id: 'ASC' },
      take: page.limit ?? 100,
      skip: page.offset ?? 0,
    });
    return rows.map(tenantView);
  }

  async setStatus(id: string, status: TenantStatus): Promise<TenantView> {
    const result = await this.dataSource.getRepository(TenantEntity).update({ id }, { status });
    if (result.affected !== 1) throw new NotFoundException(`tenant ${id} not found`);
    // A suspended tenant's binds are closed, a resumed one may bind again.
    await this.policies.publish('tenant', id);
    return this.get(id);
  }

  async setMultipartReceipts(id: string, mode: MultipartReceiptMode): Promise<TenantView> {
    const result = await this.dataSource
      .getRepository(TenantEntity)
      .update({ id }, { multipart_receipts: mode });
    if (result.affected !== 1) throw new NotFoundException(`tenant ${id} not found`);
    return this.get(id);
  }
}

@AdminController('tenants', 'tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantService) {}

  @Post()
  @ApiOperation({ summary: 'Create a tenant with its billing account' })
  @ApiResponse({ status: 201, type: TenantView })
  @ApiResponse({ status: 409, description: 'A tenant with this name exists' })
  create(@Body() body: CreateTenantDto): Promise<TenantView> {
    return this.tenants.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List tenants' })
  @ApiResponse({ status: 200, type: [TenantView] })
  list(@Query() page: PageQuery): Promise<TenantView[]> {
    return this.tenants.list(page);
  }

  @Get(':tenantId')
  @TenantScoped()
  @ApiOperation({ summary: 'One tenant' })
  @ApiResponse({ status: 200, type: TenantView })
  @ApiResponse({ status: 404, description: 'No such tenant (or another tenant’s, for a tenant key)' })
  get(@Param('tenantId', ParseUUIDPipe) tenantId: string): Promise<TenantView> {
    return this.tenants.get(tenantId);
  }

  @Post(':tenantId/status')
  @ApiOperation({ summary: 'Suspend, activate or close a tenant' })
  @ApiResponse({ status: 201, type: TenantView })
  setStatus(
    @Param('tenantId', ParseUUIDPipe) tenantId: string,
    @Body() body: TenantStatusDto,
  ): Promise<TenantView> {
    return this.tenants.setStatus(tenantId, body.status);
  }

  @Post(':tenantId/multipart-receipts')
  @ApiOperation({
    summary:
      'Per-part receipts or one aggregated receipt for long messages (applies to outcomes recorded after it)',
  })
  @ApiResponse({ status: 201, type: TenantView })
  @ApiResponse({ status: 404, description: 'No such tenant' })
  setMultipartReceipts(
    @Param('tenantId', ParseUUIDPipe) tenantId: string,
    @Body() body: TenantMultipartReceiptsDto,
  ): Promise<TenantView> {
    return this.tenants.setMultipartReceipts(tenantId, body.multipartReceipts);
  }
}
