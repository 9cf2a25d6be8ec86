import type { Readable } from 'node:stream';
import { Get, Injectable, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
} from '@nestjs/swagger';
import { IsBoolean, IsISO8601, IsOptional, Matches } from 'class-validator';
import { Transform } from 'class-transformer';
import { DataSource } from 'typeorm';
import { TariffImportRepository } from '@app/routing';
import { AdminController } from '../http/admin-controller.decorator';
import { InvalidInputException } from '../http/validation';
import { UUID_PATTERN } from './common.dto';
import { RoutingChanges } from './routing-changes';

export class TariffUploadQuery {
  @ApiProperty({ example: 'EUR' })
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR' })
  currency!: string;

  @ApiPropertyOptional({ example: '2025-03-01T00:00:00Z', description: 'Default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveFrom?: string;
}

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class PricePlanUploadQuery extends TariffUploadQuery {
  @ApiPropertyOptional({ description: 'The tenant’s own plan; absent: the default plan' })
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'must be a UUID' })
  tenantId?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toBoolean) @IsBoolean() refundOnUndeliverable?: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(toBoolean) @IsBoolean() refundOnExpired?: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(toBoolean) @IsBoolean() refundOnRejected?: boolean;
}

export class PricePlanOwnerQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'must be a UUID' })
  tenantId?: string;
}

export class TariffVersionView {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Provider (rate deck) or tenant (price plan)' })
  owner!: string | null;
  @ApiProperty() version!: number;
  @ApiProperty() currency!: string;
  @ApiProperty() effectiveFrom!: string;
  @ApiProperty() rowCount!: number;
  @ApiProperty({ enum: ['loading', 'ready'] }) status!: string;
  @ApiProperty() createdAt!: string;
}

export class TariffImportView {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
  @ApiProperty() rowCount!: number;
  @ApiProperty() effectiveFrom!: string;
}

export class TariffChangeView {
  @ApiProperty() prefix!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Micro-units in the current version' })
  current!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Micro-units in this version' })
  proposed!: string | null;
}

export class TariffDiffView {
  @ApiProperty({ nullable: true, type: String, description: 'The version compared against (in force now)' })
  currentId!: string | null;
  @ApiProperty() added!: number;
  @ApiProperty() removed!: number;
  @ApiProperty() changed!: number;
  @ApiProperty({ type: [TariffChangeView], description: 'The first differences by prefix (up to 1000)' })
  sample!: TariffChangeView[];
}

interface VersionRow {
  id: string;
  owner: string | null;
  version: number;
  currency: string;
  effective_from: Date;
  row_count: number;
  status: string;
  created_at: Date;
}

interface Tariff {
  readonly versions: 'rate_decks' | 'price_plans';
  readonly entries: 'rate_deck_entries' | 'price_plan_entries';
  readonly parent: 'deck_id' | 'plan_id';
  readonly value: 'cost_per_segment' | 'price_per_segment';
  readonly owner: 'provider_id' | 'tenant_id';
}

const RATE_DECK: Tariff = {
  versions: 'rate_decks',
  entries: 'rate_deck_entries',
  parent: 'deck_id',
  value: 'cost_per_segment',
  owner: 'provider_id',
};
const PRICE_PLAN: Tariff = {
  versions: 'price_plans',
  entries: 'price_plan_entries',
  parent: 'plan_id',
  value: 'price_per_segment',
  owner: 'tenant_id',
};
const DIFF_SAMPLE = 1000;

function effectiveFrom(query: TariffUploadQuery): Date {
  return query.effectiveFrom === undefined ? new Date() : new Date(query.effectiveFrom);
}

function csvBody(request: Readable & { headers: Record<string, unknown> }): Readable {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !/^text\/(csv|plain)\b/i.test(type)) {
    throw new InvalidInputException([
      { field: 'body', reason: 'must be text/csv (the CSV file as the body)' },
    ]);
  }
  return request;
}

@Injectable()
export class TariffService {
  private readonly importer: TariffImportRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly routing: RoutingChanges,
  ) {
    this.importer = new TariffImportRepository(dataSource);
  }

  /** The request body goes to the importer as a stream: COPY writes rows while the upload is still arriving. */
  async importRateDeck(
    providerId: string,
    csv: Readable,
    query: TariffUploadQuery,
  ): Promise<TariffImportView> {
    const result = await this.importer.importRateDeck(csv, {
      providerId,
      currency: query.currency,
      effectiveFrom: effectiveFrom(query),
    });
    await this.routing.publish('tables');
    return { ...result, effectiveFrom: result.effectiveFrom.toISOString() };
  }

  async importPricePlan(csv: Readable, query: PricePlanUploadQuery): Promise<TariffImportView> {
    const result = await this.importer.importPricePlan(csv, {
      tenantId: query.tenantId ?? null,
      currency: query.currency,
      effectiveFrom: effectiveFrom(query),
      ...(query.refundOnUndeliverable === undefined
        ? {}
        : { refundOnUndeliverable: query.refundOnUndeliverable }),
      ...(query.refundOnExpired === undefined ? {} : { refundOnExpired: query.refundOnExpired }),
      ...(query.refundOnRejected === undefined ? {} : { refundOnRejected: query.refundOnRejected }),
    });
    await this.routing.publish('tables');
    return { ...result, effectiveFrom: result.effectiveFrom.toISOString() };
  }

  async versions(tariff: Tariff, owner: string | null): Promise<TariffVersionView[]> {
    const rows = await this.dataSource.query<VersionRow[]>(
      `SELECT id, ${tariff.owner}::text AS owner, version, currency, effective_from, row_count, status, created_at
       FROM ${tariff.versions} WHERE ${tariff.owner} IS NOT DISTINCT FROM $1 ORDER BY version`,
      [owner],
    );
    return rows.map((row) => ({
      id: row.id,
      owner: row.owner,
      version: row.version,
      currency: row.currency,
      effectiveFrom: row.effective_from.toISOString(),
      rowCount: row.row_count,
      status: row.status,
      createdAt: row.created_at.toISOString(),
    }));
  }

  /** Compares version `id` with the version of the same owner in force now, prefix by prefix. */
  async diff(tariff: Tariff, id: string): Promise<TariffDiffView> {
    const [target] = await this.dataSource.query<{ owner: string | null }[]>(
      `SELECT ${tariff.owner}::text AS owner FROM ${tariff.versions} WHERE id = $1`,
      [id],
    );
    if (target === undefined) throw new NotFoundException(`version ${id} not found`);
    const [current] = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM ${tariff.versions} WHERE status = 'ready' AND effective_from <= now()
         AND ${tariff.owner}::text IS NOT DISTINCT FROM $1
       ORDER BY effective_from DESC, version DESC LIMIT 1`,
      [target.owner],
    );
    const currentId = current?.id ?? null;
    const joined = `FROM (SELECT prefix, ${tariff.value} AS value FROM ${tariff.entries} WHERE ${tariff.parent} = $1) c
      FULL JOIN (SELECT prefix, ${tariff.value} AS value FROM ${tariff.entries} WHERE ${tariff.parent} = $2) p
      USING (prefix) WHERE c.value IS DISTINCT FROM p.value`;
    const [counts] = await this.dataSource.query<{ added: number; removed: number; changed: number }[]>(
      `SELECT count(*) FILTER (WHERE c.value IS NULL)::int AS added,
              count(*) FILTER (WHERE p.value IS NULL)::int AS removed,
              count(*) FILTER (WHERE c.value IS NOT NULL AND p.value IS NOT NULL)::int AS changed ${joined}`,
      [currentId, id],
    );
    const sample = await this.dataSource.query<TariffChangeView[]>(
      `SELECT prefix, c.value::text AS current, p.value::text AS proposed ${joined} ORDER BY prefix LIMIT ${DIFF_SAMPLE}`,
      [currentId, id],
    );
    return { currentId, ...counts, sample };
  }
}

@AdminController('', 'tariffs')
export class TariffsController {
  constructor(private readonly tariffs: TariffService) {}

  @Post('providers/:providerId/rate-decks')
  @ApiOperation({
    summary: 'Upload a rate deck CSV (prefix,cost[,country,mcc,mnc,network]) as a new version, streamed',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'prefix,cost\n44,0.0300\n4477,0.0280\n' } })
  @ApiResponse({ status: 201, type: TariffImportView })
  uploadRateDeck(
    @Param('providerId') providerId: string,
    @Query() query: TariffUploadQuery,
    @Req() request: Readable & { headers: Record<string, unknown> },
  ): Promise<TariffImportView> {
    return this.tariffs.importRateDeck(providerId, csvBody(request), query);
  }

  @Get('providers/:providerId/rate-decks')
  @ApiOperation({ summary: 'Rate deck versions of a provider' })
  @ApiResponse({ status: 200, type: [TariffVersionView] })
  rateDecks(@Param('providerId') providerId: string): Promise<TariffVersionView[]> {
    return this.tariffs.versions(RATE_DECK, providerId);
  }

  @Get('rate-decks/:id/diff')
  @ApiOperation({ summary: 'Differences from the provider’s deck in force now' })
  @ApiResponse({ status: 200, type: TariffDiffView })
  rateDeckDiff(@Param('id', ParseUUIDPipe) id: string): Promise<TariffDiffView> {
    return this.tariffs.diff(RATE_DECK, id);
  }

  @Post('price-plans')
  @ApiOperation({ summary: 'Upload a price plan CSV (prefix,price) as a new version, streamed' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'prefix,price\n44,0.0450\n' } })
  @ApiResponse({ status: 201, type: TariffImportView })
  uploadPricePlan(
    @Query() query: PricePlanUploadQuery,
    @Req() request: Readable & { headers: Record<string, unknown> },
  ): Promise<TariffImportView> {
    return this.tariffs.importPricePlan(csvBody(request), query);
  }

  @Get('price-plans')
  @ApiOperation({ summary: 'Price plan versions of a tenant (or of the default plan without tenantId)' })
  @ApiResponse({ status: 200, type: [TariffVersionView] })
  pricePlans(@Query() query: PricePlanOwnerQuery): Promise<TariffVersionView[]> {
    return this.tariffs.versions(PRICE_PLAN, query.tenantId ?? null);
  }

  @Get('price-plans/:id/diff')
  @ApiOperation({ summary: 'Differences from the plan in force now' })
  @ApiResponse({ status: 200, type: TariffDiffView })
  pricePlanDiff(@Param('id', ParseUUIDPipe) id: string): Promise<TariffDiffView> {
    return this.tariffs.diff(PRICE_PLAN, id);
  }
}
