import { Body, Delete, Get, HttpCode, Injectable, NotFoundException, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { reconcile } from '@app/billing';
import {
  MoNumberEntity,
  PROVIDER_HEALTH,
  ProviderEntity,
  TenantEntity,
  type ProviderSessionEntity,
} from '@app/database';
import { AdminController } from '../http/admin-controller.decorator';
import { InvalidInputException } from '../http/validation';
import { UUID_PATTERN } from './common.dto';
import { RoutingChanges } from './routing-changes';

export class ProviderSessionView {
  @ApiProperty({ description: 'The reporting connector process (host:pid:n)' }) instance!: string;
  @ApiProperty({ description: "The session's position in that process's bind plan" }) index!: number;
  @ApiProperty({
    description:
      'SMPP client state: idle, connecting, binding, bound, waiting (to reconnect), stopping, stopped',
  })
  state!: string;
  @ApiProperty() bound!: boolean;
  @ApiProperty({ nullable: true, type: String, enum: ['transmitter', 'receiver', 'transceiver'] })
  bindType!: string | null;
  @ApiProperty({ example: '127.0.0.1:2775', description: 'Host of the current (or next) connection' })
  host!: string;
  @ApiProperty({ description: 'Our submits awaiting their response' }) windowInUse!: number;
  @ApiProperty() windowSize!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastErrorAt!: string | null;
  @ApiProperty({ description: 'When the connector last reported (it does every few seconds)' })
  updatedAt!: string;
  @ApiProperty({
    description: 'The connector stopped reporting (its process died): the state is its last word',
  })
  stale!: boolean;
}

export class ProviderView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: PROVIDER_HEALTH }) health!: string;
  @ApiProperty({ nullable: true, type: String }) healthUpdatedAt!: string | null;
  @ApiProperty({
    type: [ProviderSessionView],
    description: 'Every upstream session of every connector process of the provider, as last reported',
  })
  sessions!: ProviderSessionView[];
}

export class ProviderConfigDto {
  @ApiProperty({ example: 'Infobip EU' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}

export class MoNumberDto {
  @ApiProperty({ description: 'Tenant that receives MO messages to this number' })
  @Matches(UUID_PATTERN, { message: 'must be a UUID' })
  tenantId!: string;

  @ApiPropertyOptional({ enum: ['exact', 'prefix'], default: 'exact' })
  @IsOptional()
  @IsIn(['exact', 'prefix'])
  match?: 'exact' | 'prefix';
}

export class MoNumberView {
  @ApiProperty() number!: string;
  @ApiProperty({ enum: ['exact', 'prefix'] }) match!: string;
  @ApiProperty() tenantId!: string;
}

export class ReconciliationView {
  @ApiProperty() ok!: boolean;
  @ApiProperty() accounts!: number;
  @ApiProperty() entries!: number;
  @ApiProperty() reservations!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  differences!: unknown[];
  @ApiProperty() truncated!: boolean;
}

/** mo_numbers.number: digits only (its check constraint). */
const MO_NUMBER = /^[0-9]{1,20}$/;

/** JSON has no bigint: money and counters go out as decimal strings. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)),
  );
}

@Injectable()
export class OperationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly routing: RoutingChanges,
  ) {}

  async providers(): Promise<ProviderView[]> {
    const rows = await this.dataSource.getRepository(ProviderEntity).find({ order: { id: 'ASC' } });
    const sessions = await this.sessions();
    return rows.map((row) => providerView(row, sessions.get(row.id) ?? []));
  }

  async provider(id: string): Promise<ProviderView> {
    const row = await this.dataSource.getRepository(ProviderEntity).findOneBy({ id });
    if (row === null) throw new NotFoundException(`provider ${id} not found`);
    return providerView(row, (await this.sessions(id)).get(id) ?? []);
  }

  /** Routers stop (or resume) planning the provider for the next message. */
  async setEnabled(id: string, enabled: boolean): Promise<ProviderView> {
    const result = await this.dataSource.getRepository(ProviderEntity).update({ id }, { enabled });
    if (result.affected !== 1) throw new NotFoundException(`provider ${id} not found`);
    await this.routing.publish('providers');
    return this.provider(id);
  }

  async configure(id: string, config: ProviderConfigDto): Promise<ProviderView> {
    const result = await this.dataSource.getRepository(ProviderEntity).update({ id }, { name: config.name });
    if (result.affected !== 1) throw new NotFoundException(`provider ${id} not found`);
    return this.provider(id);
  }

  async moNumbers(): Promise<MoNumberView[]> {
    const rows = await this.dataSource.getRepository(MoNumberEntity).find({ order: { number: 'ASC' } });
    return rows.map((row) => ({ number: row.number, match: row.match, tenantId: row.tenant_id }));
  }

  /** 400 for a number that is not 1-20 digits, 404 for an unknown tenant. */
  async assignMoNumber(number: string, body: MoNumberDto): Promise<MoNumberView> {
    if (!MO_NUMBER.test(number)) {
      throw new InvalidInputException([
        { field: 'number', reason: 'must be 1 to 20 digits (E.164 without +)' },
      ]);
    }
    if (!(await this.dataSource.getRepository(TenantEntity).existsBy({ id: body.tenantId }))) {
      throw new NotFoundException(`tenant ${body.tenantId} not found`);
    }
    const row = { number, match: body.match ?? 'exact', tenant_id: body.tenantId };
    await this.dataSource.getRepository(MoNumberEntity).upsert(row, ['number']);
    return { number, match: row.match, tenantId: row.tenant_id };
  }

  async releaseMoNumber(number: string): Promise<void> {
    const result = await this.dataSource.getRepository(MoNumberEntity).delete({ number });
    if (result.affected !== 1) throw new NotFoundException(`MO number ${number} not found`);
  }

  async reconciliation(): Promise<ReconciliationView> {
    return jsonSafe(await reconcile(this.dataSource)) as ReconciliationView;
  }

  /** provider_sessions by provider (of one provider when given), stale rows flagged by the database's clock. */
  private async sessions(providerId?: string): Promise<Map<string, ProviderSessionView[]>> {
    const rows: Array<SessionRow> = await this.dataSource.query(
      `SELECT *, expires_at < now() AS stale FROM provider_sessions
       WHERE $1::text IS NULL OR provider_id = $1
       ORDER BY provider_id, instance, session_index`,
      [providerId ?? null],
    );
    const byProvider = new Map<string, ProviderSessionView[]>();
    for (const row of rows) {
      const list = byProvider.get(row.provider_id) ?? [];
      list.push(sessionView(row));
      byProvider.set(row.provider_id, list);
    }
    return byProvider;
  }
}

type SessionRow = ProviderSessionEntity & { stale: boolean };

function sessionView(row: SessionRow): ProviderSessionView {
  return {
    instance: row.instance,
    index: row.session_index,
    state: row.state,
    bound: row.state === 'bound' && row.bind_type !== null && !row.stale,
    bindType: row.bind_type,
    host: row.host,
    windowInUse: row.window_in_use,
    windowSize: row.window_size,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
    stale: row.stale,
  };
}

function providerView(row: ProviderEntity, sessions: ProviderSessionView[]): ProviderView {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    health: row.health,
    healthUpdatedAt: row.health_updated_at?.toISOString() ?? null,
    sessions,
  };
}

@AdminController('', 'operations')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get('providers')
  @ApiOperation({ summary: 'Providers with enabled flag, health and live sessions' })
  @ApiResponse({ status: 200, type: [ProviderView] })
  providers(): Promise<ProviderView[]> {
    return this.operations.providers();
  }

  @Get('providers/:providerId')
  @ApiResponse({ status: 200, type: ProviderView })
  provider(@Param('providerId') providerId: string): Promise<ProviderView> {
    return this.operations.provider(providerId);
  }

  @Put('providers/:providerId')
  @ApiOperation({ summary: 'Change a provider’s configuration' })
  @ApiResponse({ status: 200, type: ProviderView })
  configure(@Param('providerId') providerId: string, @Body() body: ProviderConfigDto): Promise<ProviderView> {
    return this.operations.configure(providerId, body);
  }

  @Post('providers/:providerId/enable')
  @ApiResponse({ status: 201, type: ProviderView })
  enable(@Param('providerId') providerId: string): Promise<ProviderView> {
    return this.operations.setEnabled(providerId, true);
  }

  @Post('providers/:providerId/disable')
  @ApiOperation({ summary: 'Stop routing to a provider from the next message on' })
  @ApiResponse({ status: 201, type: ProviderView })
  disable(@Param('providerId') providerId: string): Promise<ProviderView> {
    return this.operations.setEnabled(providerId, false);
  }

  @Get('mo-numbers')
  @ApiResponse({ status: 200, type: [MoNumberView] })
  moNumbers(): Promise<MoNumberView[]> {
    return this.operations.moNumbers();
  }

  @Put('mo-numbers/:number')
  @ApiOperation({ summary: 'Assign a number (or prefix) to the tenant that receives its MO messages' })
  @ApiResponse({ status: 200, type: MoNumberView })
  assign(@Param('number') number: string, @Body() body: MoNumberDto): Promise<MoNumberView> {
    return this.operations.assignMoNumber(number, body);
  }

  @Delete('mo-numbers/:number')
  @HttpCode(204)
  @ApiResponse({ status: 204 })
  release(@Param('number') number: string): Promise<void> {
    return this.operations.releaseMoNumber(number);
  }

  @Get('reconciliation')
  @ApiOperation({ summary: 'Ledger replay against account balances and reservations' })
  @ApiResponse({ status: 200, type: ReconciliationView })
  reconciliation(): Promise<ReconciliationView> {
    return this.operations.reconciliation();
  }
}
