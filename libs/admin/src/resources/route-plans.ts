import {
  Body,
  Delete,
  Get,
  HttpCode,
  Injectable,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
} from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsInt, IsObject, IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { RoutePlanEntity } from '@app/database';
import { parseRoutePlan, ROUTE_STRATEGY_KINDS } from '@app/routing';
import { AdminController } from '../http/admin-controller.decorator';
import { UUID_PATTERN } from './common.dto';
import { RoutingChanges } from './routing-changes';

/** The shapes of `providers`, `filters`, etc. are checked by the routing library's parseRoutePlan (400 on error). */
export class RoutePlanDto {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'null: the default plan for every tenant',
  })
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'must be a UUID' })
  tenantId?: string | null;

  @ApiProperty({ example: '44', description: '0-15 digits; empty applies to every destination' })
  @Matches(/^[0-9]{0,15}$/, { message: 'must be 0-15 digits' })
  prefix!: string;

  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsInt() rank?: number;

  @ApiProperty({ enum: ROUTE_STRATEGY_KINDS })
  @IsIn(ROUTE_STRATEGY_KINDS)
  strategy!: string;

  @ApiProperty({
    description:
      'priority: provider ids in order; weighted: [{providerId, percent}] summing to 100; least_cost: []',
    example: ['infobip', 'gatewayapi'],
    type: 'array',
    items: {},
  })
  @IsDefined()
  providers!: unknown;

  @ApiPropertyOptional({ type: [String] }) @IsOptional() allowProviders?: unknown;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() denyProviders?: unknown;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'sourcePattern, destinationPrefixes, countries, contentPattern, timeWindow',
  })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown>;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() allowBelowCost?: boolean;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class RoutePlanView {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) tenantId!: string | null;
  @ApiProperty() prefix!: string;
  @ApiProperty() rank!: number;
  @ApiProperty({ enum: ROUTE_STRATEGY_KINDS }) strategy!: string;
  @ApiProperty({ type: 'array', items: {} }) providers!: unknown;
  @ApiProperty({ type: [String] }) allowProviders!: unknown;
  @ApiProperty({ type: [String] }) denyProviders!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true }) filters!: unknown;
  @ApiProperty() allowBelowCost!: boolean;
  @ApiProperty() enabled!: boolean;
}

function view(row: RoutePlanEntity): RoutePlanView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    prefix: row.prefix,
    rank: row.rank,
    strategy: row.strategy,
    providers: row.providers,
    allowProviders: row.allow_providers,
    denyProviders: row.deny_providers,
    filters: row.filters,
    allowBelowCost: row.allow_below_cost,
    enabled: row.enabled,
  };
}

@Injectable()
export class RoutePlanService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly routing: RoutingChanges,
  ) {}

  list(): Promise<RoutePlanView[]> {
    return this.dataSource
      .getRepository(RoutePlanEntity)
      .find({ order: { created_at: 'ASC', id: 'ASC' } })
      .then((rows) => rows.map(view));
  }

  async get(id: string): Promise<RoutePlanView> {
    return view(await this.find(id));
  }

  async create(body: RoutePlanDto): Promise<RoutePlanView> {
    const row = await this.dataSource.getRepository(RoutePlanEntity).save(this.columns('new', body));
    await this.routing.publish('tables');
    return this.get(row.id);
  }

  async replace(id: string, body: RoutePlanDto): Promise<RoutePlanView> {
    await this.find(id);
    await this.dataSource.getRepository(RoutePlanEntity).save({ id, ...this.columns(id, body) });
    await this.routing.publish('tables');
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const result = await this.dataSource.getRepository(RoutePlanEntity).delete({ id });
    if (result.affected !== 1) throw new NotFoundException(`route plan ${id} not found`);
    await this.routing.publish('tables');
  }

  /** Validates with the routing library (throws RoutePlanValidationError → 400) and maps to columns. */
  private columns(id: string, body: RoutePlanDto): Partial<RoutePlanEntity> {
    const plan = parseRoutePlan({
      id,
      tenantId: body.tenantId ?? null,
      prefix: body.prefix,
      rank: body.rank ?? 0,
      strategy: body.strategy,
      providers: body.providers,
      allowProviders: body.allowProviders ?? [],
      denyProviders: body.denyProviders ?? [],
      filters: body.filters ?? {},
      allowBelowCost: body.allowBelowCost ?? false,
    });
    return {
      tenant_id: plan.tenantId,
      prefix: plan.prefix,
      rank: plan.rank,
      strategy: plan.strategy.kind,
      providers: body.providers,
      allow_providers: body.allowProviders ?? [],
      deny_providers: body.denyProviders ?? [],
      filters: body.filters ?? {},
      allow_below_cost: plan.allowBelowCost,
      enabled: body.enabled ?? true,
    };
  }

  private async find(id: string): Promise<RoutePlanEntity> {
    const row = await this.dataSource.getRepository(RoutePlanEntity).findOneBy({ id });
    if (row === null) throw new NotFoundException(`route plan ${id} not found`);
    return row;
  }
}

@AdminController('route-plans', 'route plans')
export class RoutePlansController {
  constructor(private readonly plans: RoutePlanService) {}

  @Get()
  @ApiOperation({ summary: 'Every route plan' })
  @ApiResponse({ status: 200, type: [RoutePlanView] })
  list(): Promise<RoutePlanView[]> {
    return this.plans.list();
  }

  @Get(':id')
  @ApiResponse({ status: 200, type: RoutePlanView })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<RoutePlanView> {
    return this.plans.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a route plan; the next message is routed with it' })
  @ApiResponse({ status: 201, type: RoutePlanView })
  create(@Body() body: RoutePlanDto): Promise<RoutePlanView> {
    return this.plans.create(body);
  }

  @Put(':id')
  @ApiResponse({ status: 200, type: RoutePlanView })
  replace(@Param('id', ParseUUIDPipe) id: string, @Body() body: RoutePlanDto): Promise<RoutePlanView> {
    return this.plans.replace(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiResponse({ status: 204 })
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.plans.remove(id);
  }
}
