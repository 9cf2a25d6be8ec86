import { Get, Injectable, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { MESSAGE_STATUSES } from '@app/database';
import { tenantRestriction, TenantScoped } from '../auth/api-key.guard';
import type { AdminRequest } from '../auth/principal';
import { AdminController } from '../http/admin-controller.decorator';
import { InvalidInputException } from '../http/validation';
import { microsToMoney } from '../money';
import { UUID_PATTERN } from './common.dto';

export class MessageSearchQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'must be a UUID' })
  tenantId?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES }) @IsOptional() @IsIn(MESSAGE_STATUSES) status?: string;
  @ApiPropertyOptional({ example: '4477' })
  @IsOptional()
  @Matches(/^\d{1,20}$/, { message: 'must be digits' })
  destinationPrefix?: string;
  @ApiPropertyOptional({ description: 'Our message id' }) @IsOptional() @IsString() messageId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() providerMessageId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class CdrQuery {
  @ApiProperty() @IsISO8601({ strict: true }) from!: string;
  @ApiProperty() @IsISO8601({ strict: true }) to!: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'must be a UUID' })
  tenantId?: string;
}

export class MessageView {
  @ApiProperty() id!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty() systemId!: string;
  @ApiProperty() groupId!: string;
  @ApiProperty() partNo!: number;
  @ApiProperty() partTotal!: number;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status!: string;
  @ApiProperty() source!: string;
  @ApiProperty() destination!: string;
  @ApiProperty() segments!: number;
  @ApiProperty({ nullable: true, type: String }) providerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) providerMessageId!: string | null;
  @ApiProperty({ nullable: true, type: String }) errorCode!: string | null;
  @ApiProperty() submittedAt!: string;
  @ApiProperty({ nullable: true, type: String }) doneAt!: string | null;
}

export class MessagePageView {
  @ApiProperty({ type: [MessageView] }) items!: MessageView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class MessageDetailView {
  @ApiProperty({ type: MessageView }) message!: MessageView;
  @ApiProperty({ type: [MessageView], description: 'Every part of the same concatenated message' })
  parts!: MessageView[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) attempts!: unknown[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'DLRs to the tenant',
  })
  dlrs!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  ledgerEntries!: unknown[];
}

interface MessageRow {
  id: string;
  tenant_id: string;
  system_id: string;
  group_id: string;
  part_no: number;
  part_total: number;
  status: string;
  source_addr: string;
  destination_addr: string;
  segments: number;
  provider_id: string | null;
  provider_message_id: string | null;
  error_code: string | null;
  submitted_at: Date;
  done_at: Date | null;
}

const MESSAGE_COLUMNS = `id, tenant_id, system_id, group_id, part_no, part_total, status, source_addr, destination_addr,
  segments, provider_id, provider_message_id, error_code, submitted_at, done_at`;

function messageView(row: MessageRow): MessageView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    systemId: row.system_id,
    groupId: row.group_id,
    partNo: row.part_no,
    partTotal: row.part_total,
    status: row.status,
    source: row.source_addr,
    destination: row.destination_addr,
    segments: row.segments,
    providerId: row.provider_id,
    providerMessageId: row.provider_message_id,
    errorCode: row.error_code,
    submittedAt: row.submitted_at.toISOString(),
    doneAt: row.done_at?.toISOString() ?? null,
  };
}

/** Keyset cursor: the (submitted_at, id) of the last row, newest first. */
function encodeCursor(row: MessageRow): string {
  return Buffer.from(JSON.stringify([row.submitted_at.toISOString(), row.id])).toString('base64url');
}
function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) {
      return [value[0], value[1]];
    }
  } catch {
    // reported below
  }
  throw new InvalidInputException([{ field: 'cursor', reason: 'is not a cursor this API returned' }]);
}

const CDR_BATCH = 1000;
const CDR_HEADER =
  'message_id,tenant_id,system_id,submitted_at,done_at,status,source,destination,segments,provider_id,provider_message_id,error_code,price,cost,currency\n';

/** RFC 4180 quoting: fields with commas, quotes or line breaks are quoted, quotes doubled. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

interface CdrRow extends MessageRow {
  price: string | null;
  cost: string | null;
  currency: string | null;
}

/** What the export uses of Express's response. */
interface StreamResponse {
  setHeader(name: string, value: string): void;
  write(chunk: string): boolean;
  end(): void;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  readonly destroyed: boolean;
}

@Injectable()
export class MessageService {
  constructor(private readonly dataSource: DataSource) {}

  async search(query: MessageSearchQuery, restrictedTo: string | undefined): Promise<MessagePageView> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: (placeholder: string) => string, value: unknown): void => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    const tenantId = restrictedTo ?? query.tenantId;
    if (tenantId !== undefined) add((p) => `tenant_id = ${p}`, tenantId);
    if (query.from !== undefined) add((p) => `submitted_at >= ${p}`, query.from);
    if (query.to !== undefined) add((p) => `submitted_at < ${p}`, query.to);
    if (query.status !== undefined) add((p) => `status = ${p}`, query.status);
    if (query.destinationPrefix !== undefined) {
      add((p) => `starts_with(destination_addr, ${p})`, query.destinationPrefix);
    }
    if (query.messageId !== undefined) add((p) => `id = ${p}`, query.messageId);
    if (query.providerMessageId !== undefined)
      add((p) => `provider_message_id = ${p}`, query.providerMessageId);
    if (query.cursor !== undefined) {
      const [at, id] = decodeCursor(query.cursor);
      params.push(at, id);
      where.push(`(submitted_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const limit = query.limit ?? 100;
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
       ORDER BY submitted_at DESC, id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map(messageView),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  async detail(id: string, restrictedTo: string | undefined): Promise<MessageDetailView> {
    const [row] = await this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`,
      [id],
    );
    if (row === undefined || (restrictedTo !== undefined && row.tenant_id !== restrictedTo)) {
      throw new NotFoundException(`message ${id} not found`);
    }
    const parts = await this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE group_id = $1 AND tenant_id = $2 ORDER BY part_no`,
      [row.group_id, row.tenant_id],
    );
    const attempts = await this.dataSource.query<unknown[]>(
      `SELECT id, provider_id, attempt_no, status, command_status::text, provider_message_id, classification,
              created_at, sent_at, answered_at FROM attempts WHERE message_id = $1 ORDER BY attempt_no`,
      [id],
    );
    const dlrs = await this.dataSource.query<unknown[]>(
      `SELECT id, kind, final, status, attempts, created_at, delivered_at, last_error
       FROM tenant_deliveries WHERE message_id = $1 ORDER BY created_at`,
      [id],
    );
    const entries = await this.dataSource.query<{ amount: string }[]>(
      `SELECT e.id, e.kind, e.amount::text, e.created_at FROM ledger_entries e
       JOIN messages m ON m.reservation_id = e.reservation_id WHERE m.id = $1 ORDER BY e.id`,
      [id],
    );
    return {
      message: messageView(row),
      parts: parts.map(messageView),
      attempts,
      dlrs,
      ledgerEntries: entries.map((entry) => ({ ...entry, amount: microsToMoney(BigInt(entry.amount)) })),
    };
  }

  /**
   * Writes the CDRs of [from, to) as CSV in batches of 1000 by keyset (submitted_at, id), waiting for the socket to
   * drain between writes: memory stays at one batch whatever the range.
   */
  async exportCdrs(
    query: CdrQuery,
    restrictedTo: string | undefined,
    response: StreamResponse,
  ): Promise<void> {
    const tenantId = restrictedTo ?? query.tenantId ?? null;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', 'attachment; filename="cdrs.csv"');
    response.write(CDR_HEADER);
    let after: [Date, string] | null = null;
    for (;;) {
      if (response.destroyed) return;
      const rows: CdrRow[] = await this.dataSource.query<CdrRow[]>(
        `SELECT ${MESSAGE_COLUMNS.replace(/(\w+)/g, 'm.$1')}, r.amount::text AS price, r.cost::text AS cost,
                a.currency
         FROM messages m LEFT JOIN reservations r ON r.id = m.reservation_id
         LEFT JOIN accounts a ON a.id = r.account_id
         WHERE m.submitted_at >= $1 AND m.submitted_at < $2 AND ($3::uuid IS NULL OR m.tenant_id = $3)
           AND ($4::timestamptz IS NULL OR (m.submitted_at, m.id) > ($4, $5))
         ORDER BY m.submitted_at, m.id LIMIT ${CDR_BATCH}`,
        [query.from, query.to, tenantId, after?.[0] ?? null, after?.[1] ?? null],
      );
      if (rows.length === 0) break;
      const chunk = rows
        .map((row) =>
          [
            row.id,
            row.tenant_id,
            row.system_id,
            row.submitted_at.toISOString(),
            row.done_at?.toISOString() ?? null,
            row.status,
            row.source_addr,
            row.destination_addr,
            row.segments,
            row.provider_id,
            row.provider_message_id,
            row.error_code,
            row.price === null ? null : microsToMoney(BigInt(row.price)),
            row.cost === null ? null : microsToMoney(BigInt(row.cost)),
            row.currency,
          ]
            .map(csvField)
            .join(','),
        )
        .join('\n');
      if (!response.write(`${chunk}\n`)) {
        await new Promise<void>((resolve) => {
          response.once('drain', resolve);
          response.once('close', resolve);
        });
      }
      const last = rows[rows.length - 1];
      after = [last.submitted_at, last.id];
      if (rows.length < CDR_BATCH) break;
    }
    response.end();
  }
}

@AdminController('', 'messages')
export class MessagesController {
  constructor(private readonly messages: MessageService) {}

  @Get('messages')
  @TenantScoped()
  @ApiOperation({ summary: 'Search messages, newest first; tenant keys see their own only' })
  @ApiResponse({ status: 200, type: MessagePageView })
  search(@Query() query: MessageSearchQuery, @Req() request: AdminRequest): Promise<MessagePageView> {
    return this.messages.search(query, tenantRestriction(request.principal));
  }

  @Get('messages/:id')
  @TenantScoped()
  @ApiOperation({ summary: 'One message with its parts, attempts, DLRs and ledger entries' })
  @ApiResponse({ status: 200, type: MessageDetailView })
  @ApiResponse({ status: 404, description: 'No such message (or another tenant’s)' })
  detail(@Param('id') id: string, @Req() request: AdminRequest): Promise<MessageDetailView> {
    return this.messages.detail(id, tenantRestriction(request.principal));
  }

  @Get('cdrs')
  @TenantScoped()
  @ApiOperation({ summary: 'CDRs of [from, to) as streamed CSV' })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'CSV with a header row' })
  cdrs(
    @Query() query: CdrQuery,
    @Req() request: AdminRequest,
    @Res() response: StreamResponse,
  ): Promise<void> {
    return this.messages.exportCdrs(query, tenantRestriction(request.principal), response);
  }
}
