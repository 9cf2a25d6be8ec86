import { randomUUID } from 'node:crypto';
import {
  Body,
  Get,
  Injectable,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { LedgerRepository, type AccountSnapshot } from '@app/billing';
import { AccountEntity } from '@app/database';
import { TenantScoped } from '../auth/api-key.guard';
import { AdminController } from '../http/admin-controller.decorator';
import { InvalidInputException } from '../http/validation';
import { microsToMoney, moneyToMicros } from '../money';
import { AmountDto, PageQuery } from './common.dto';

export class TopUpDto extends AmountDto {
  @ApiPropertyOptional({ description: 'Retrying with the same key does not credit twice' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  idempotencyKey?: string;
}

export class AdjustDto extends TopUpDto {
  @ApiProperty({ example: 'refund for outage 2025-03-01' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}

export class StatementQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2025-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2025-02-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class BalanceView {
  @ApiProperty() accountId!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '12.50' }) balance!: string;
  @ApiProperty({ example: '0.10' }) reserved!: string;
  @ApiProperty({ example: '0.00' }) creditLimit!: string;
  @ApiProperty({ example: '12.40' }) available!: string;
  @ApiProperty({ example: '5.00' }) lowBalanceThreshold!: string;
  @ApiProperty() lowBalance!: boolean;
}

export class StatementEntryView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['topup', 'reserve', 'post', 'void', 'expire', 'adjust'] }) kind!: string;
  @ApiProperty({ example: '1.00' }) amount!: string;
  @ApiProperty({ example: '11.50', description: 'Posted balance after this entry' }) runningBalance!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) reservationId!: string | null;
  @ApiProperty() createdAt!: string;
}

function balanceView(account: AccountSnapshot): BalanceView {
  return {
    accountId: account.id,
    tenantId: account.tenantId,
    currency: account.currency,
    balance: microsToMoney(account.balance),
    reserved: microsToMoney(account.reserved),
    creditLimit: microsToMoney(account.creditLimit),
    available: microsToMoney(account.available),
    lowBalanceThreshold: microsToMoney(account.lowBalanceThreshold),
    lowBalance: account.available < account.lowBalanceThreshold,
  };
}

interface StatementRow {
  id: string;
  kind: string;
  amount: string;
  running_balance: string;
  reason: string | null;
  reservation_id: string | null;
  created_at: Date;
}

/** Effect of an entry on the posted balance (reserve, void and expire only move `reserved`). */
const BALANCE_EFFECT = `CASE kind WHEN 'topup' THEN amount WHEN 'adjust' THEN amount WHEN 'post' THEN -amount ELSE 0 END`;

@Injectable()
export class BalanceService {
  private readonly ledger: LedgerRepository;

  constructor(private readonly dataSource: DataSource) {
    this.ledger = new LedgerRepository(dataSource);
  }

  async get(tenantId: string): Promise<BalanceView> {
    return balanceView(await this.account(tenantId));
  }

  async topUp(tenantId: string, request: TopUpDto): Promise<BalanceView> {
    const account = await this.account(tenantId);
    const amount = moneyToMicros(request.amount);
    if (amount <= 0n) throw new InvalidInputException([{ field: 'amount', reason: 'must be positive' }]);
    await this.ledger.topUp(this.dataSource.manager, {
      accountId: account.id,
      currency: account.currency,
      amount,
      idempotencyKey: request.idempotencyKey ?? `admin-topup:${randomUUID()}`,
    });
    return this.get(tenantId);
  }

  async adjust(tenantId: string, request: AdjustDto): Promise<BalanceView> {
    const account = await this.account(tenantId);
    const amount = moneyToMicros(request.amount);
    if (amount === 0n) throw new InvalidInputException([{ field: 'amount', reason: 'must not be zero' }]);
    await this.ledger.adjust(this.dataSource.manager, {
      accountId: account.id,
      currency: account.currency,
      amount,
      reason: request.reason,
      idempotencyKey: request.idempotencyKey ?? `admin-adjust:${randomUUID()}`,
    });
    return this.get(tenantId);
  }

  async setLowBalanceThreshold(tenantId: string, request: AmountDto): Promise<BalanceView> {
    const amount = moneyToMicros(request.amount);
    if (amount < 0n) throw new InvalidInputException([{ field: 'amount', reason: 'must not be negative' }]);
    const account = await this.account(tenantId);
    await this.dataSource
      .getRepository(AccountEntity)
      .update({ id: account.id }, { low_balance_threshold: amount });
    return this.get(tenantId);
  }

  /** Entries in id order with the posted balance after each, computed over the whole ledger of the account. */
  async statement(tenantId: string, query: StatementQuery): Promise<StatementEntryView[]> {
    const account = await this.account(tenantId);
    const rows = await this.dataSource.query<StatementRow[]>(
      `SELECT id, kind, amount::text, running_balance::text, reason, reservation_id, created_at FROM (
         SELECT *, SUM(${BALANCE_EFFECT}) OVER (ORDER BY id) AS running_balance
         FROM ledger_entries WHERE account_id = $1) entries
       WHERE ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)
       ORDER BY id LIMIT $4 OFFSET $5`,
      [account.id, query.from ?? null, query.to ?? null, query.limit ?? 100, query.offset ?? 0],
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      amount: microsToMoney(BigInt(row.amount)),
      runningBalance: microsToMoney(BigInt(row.running_balance)),
      reason: row.reason,
      reservationId: row.reservation_id,
      createdAt: row.created_at.toISOString(),
    }));
  }

  private async account(tenantId: string): Promise<AccountSnapshot> {
    const account = await this.ledger.findAccountByTenant(this.dataSource.manager, tenantId);
    if (account === undefined) throw new NotFoundException(`tenant ${tenantId} not found`);
    return account;
  }
}

@AdminController('tenants/:tenantId', 'balances')
export class BalancesController {
  constructor(private readonly balances: BalanceService) {}

  @Get('balance')
  @TenantScoped()
  @ApiOperation({ summary: 'Balance, reserved, available and the low-balance flag' })
  @ApiResponse({ status: 200, type: BalanceView })
  get(@Param('tenantId', ParseUUIDPipe) tenantId: string): Promise<BalanceView> {
    return this.balances.get(tenantId);
  }

  @Post('balance/top-up')
  @ApiOperation({ summary: 'Credit the account' })
  @ApiResponse({ status: 201, type: BalanceView })
  topUp(@Param('tenantId', ParseUUIDPipe) tenantId: string, @Body() body: TopUpDto): Promise<BalanceView> {
    return this.balances.topUp(tenantId, body);
  }

  @Post('balance/adjust')
  @ApiOperation({ summary: 'Signed correction with a reason' })
  @ApiResponse({ status: 201, type: BalanceView })
  @ApiResponse({ status: 409, description: 'A debit would overdraw the account' })
  adjust(@Param('tenantId', ParseUUIDPipe) tenantId: string, @Body() body: AdjustDto): Promise<BalanceView> {
    return this.balances.adjust(tenantId, body);
  }

  @Put('balance/low-balance-threshold')
  @ApiOperation({ summary: 'Set the low-balance threshold' })
  @ApiResponse({ status: 200, type: BalanceView })
  threshold(
    @Param('tenantId', ParseUUIDPipe) tenantId: string,
    @Body() body: AmountDto,
  ): Promise<BalanceView> {
    return this.balances.setLowBalanceThreshold(tenantId, body);
  }

  @Get('statement')
  @TenantScoped()
  @ApiOperation({ summary: 'Ledger entries with the running balance' })
  @ApiResponse({ status: 200, type: [StatementEntryView] })
  statement(
    @Param('tenantId', ParseUUIDPipe) tenantId: string,
    @Query() query: StatementQuery,
  ): Promise<StatementEntryView[]> {
    return this.balances.statement(tenantId, query);
  }
}
