import type { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { RoutingDataError, TariffImportError } from './errors';
import { copyField, CopyWriter, withConnection } from './pg-copy';
import { TariffCsvReader } from './tariff-csv';

export interface RateDeckImportOptions {
  readonly providerId: string;
  /** ISO 4217; the CSV's rates are in major units of it. */
  readonly currency: string;
  /** When the new version replaces the provider's current deck. */
  readonly effectiveFrom: Date;
  /** How many row errors to report (all are counted). Default 100. */
  readonly maxErrors?: number;
}

export interface PricePlanImportOptions {
  /** null: a new version of the default price plan. */
  readonly tenantId: string | null;
  readonly currency: string;
  readonly effectiveFrom: Date;
  /** Billing policy of this version (defaults: no refund on UNDELIV or EXPIRED, refund on REJECTD). */
  readonly refundOnUndeliverable?: boolean;
  readonly refundOnExpired?: boolean;
  readonly refundOnRejected?: boolean;
  readonly maxErrors?: number;
}

export interface TariffImportResult {
  /** Id of the new rate_decks or price_plans row. */
  readonly id: string;
  readonly version: number;
  readonly rowCount: number;
  readonly effectiveFrom: Date;
}

const CURRENCY = /^[A-Z]{3}$/;

/**
 * Imports rate decks and price plans from CSV as new versions, all or nothing: one transaction creates the version
 * (status `loading`), streams the valid rows into it with COPY, and commits (status `ready`) only when every row of
 * the file was valid; otherwise it rolls back and throws TariffImportError with the errors and their line numbers.
 * Imports for the same provider (or price plan owner) are serialised by an advisory lock so versions stay dense.
 * The new version takes effect at `effectiveFrom`; routers pick it up on their next refresh.
 */
export class TariffImportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async importRateDeck(csv: Readable, options: RateDeckImportOptions): Promise<TariffImportResult> {
    assertCurrencyAndTime(options.currency, options.effectiveFrom);
    const reader = TariffCsvReader.rateDeck({ maxErrors: options.maxErrors });
    return this.importVersion(`rate_decks:${options.providerId}`, async (client) => {
      const provider = await client.query('SELECT 1 FROM providers WHERE id = $1', [options.providerId]);
      if (provider.rowCount === 0) throw new RoutingDataError(`unknown provider ${options.providerId}`);
      const inserted = await client.query<{ id: string; version: number }>(
        `INSERT INTO rate_decks (provider_id, version, currency, effective_from, status)
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, 'loading' FROM rate_decks WHERE provider_id = $1
         RETURNING id, version`,
        [options.providerId, options.currency, options.effectiveFrom],
      );
      const { id, version } = inserted.rows[0];
      const copy = new CopyWriter(
        client,
        'COPY rate_deck_entries (deck_id, prefix, cost_per_segment, country, mcc, mnc, network) FROM STDIN',
      );
      for await (const row of reader.rows(csv)) {
        if (reader.totalErrors > 0) {
          await copy.end();
          continue;
        }
        await copy.writeRow([
          id,
          row.prefix,
          row.costPerSegment.toString(),
          copyField(row.country),
          copyField(row.mcc),
          copyField(row.mnc),
          copyField(row.network),
        ]);
      }
      await copy.end();
      if (reader.totalErrors > 0) throw new TariffImportError(reader.errors, reader.totalErrors);
      await client.query(`UPDATE rate_decks SET status = 'ready', row_count = $2 WHERE id = $1`, [
        id,
        reader.validRows,
      ]);
      return { id, version, rowCount: reader.validRows, effectiveFrom: options.effectiveFrom };
    });
  }

  async importPricePlan(csv: Readable, options: PricePlanImportOptions): Promise<TariffImportResult> {
    assertCurrencyAndTime(options.currency, options.effectiveFrom);
    const reader = TariffCsvReader.pricePlan({ maxErrors: options.maxErrors });
    const owner = options.tenantId;
    return this.importVersion(`price_plans:${owner ?? 'default'}`, async (client) => {
      if (owner !== null) {
        const tenant = await client.query('SELECT 1 FROM tenants WHERE id::text = $1', [owner]);
        if (tenant.rowCount === 0) throw new RoutingDataError(`unknown tenant ${owner}`);
      }
      const inserted = await client.query<{ id: string; version: number }>(
        `INSERT INTO price_plans (tenant_id, version, currency, effective_from, status,
                                  refund_on_undeliverable, refund_on_expired, refund_on_rejected)
         SELECT $1::uuid, COALESCE(MAX(version), 0) + 1, $2, $3, 'loading', $4, $5, $6
         FROM price_plans WHERE tenant_id IS NOT DISTINCT FROM $1::uuid
         RETURNING id, version`,
        [
          owner,
          options.currency,
          options.effectiveFrom,
          options.refundOnUndeliverable ?? false,
          options.refundOnExpired ?? false,
          options.refundOnRejected ?? true,
        ],
      );
      const { id, version } = inserted.rows[0];
      const copy = new CopyWriter(
        client,
        'COPY price_plan_entries (plan_id, prefix, price_per_segment) FROM STDIN',
      );
      for await (const row of reader.rows(csv)) {
        if (reader.totalErrors > 0) {
          await copy.end();
          continue;
        }
        await copy.writeRow([id, row.prefix, row.pricePerSegment.toString()]);
      }
      await copy.end();
      if (reader.totalErrors > 0) throw new TariffImportError(reader.errors, reader.totalErrors);
      await client.query(`UPDATE price_plans SET status = 'ready', row_count = $2 WHERE id = $1`, [
        id,
        reader.validRows,
      ]);
      return { id, version, rowCount: reader.validRows, effectiveFrom: options.effectiveFrom };
    });
  }

  /** Runs `write` in a transaction holding the advisory lock for `lockName`; rolls back when it throws. */
  private importVersion<T>(lockName: string, write: (client: PoolClient) => Promise<T>): Promise<T> {
    return withConnection(this.dataSource, async (runner, client) => {
      await runner.startTransaction();
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockName]);
        const result = await write(client);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      }
    });
  }
}

function assertCurrencyAndTime(currency: string, effectiveFrom: Date): void {
  if (!CURRENCY.test(currency)) throw new RoutingDataError(`currency '${currency}' is not an ISO 4217 code`);
  if (!(effectiveFrom instanceof Date) || Number.isNaN(effectiveFrom.getTime())) {
    throw new RoutingDataError('effectiveFrom must be a valid date');
  }
}
