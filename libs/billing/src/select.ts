import { queryRows } from '@app/database';
import type { BillingTx } from './ledger.types';

/**
 * Runs a statement whose result is rows. Every billing statement ends in a SELECT (data changes live in CTEs). On a
 * transaction's own connection the billing statements (a small fixed set of large CTEs) are prepared once per
 * connection: see `queryRows`.
 */
export function select<T>(tx: BillingTx, sql: string, params: unknown[] = []): Promise<T[]> {
  return queryRows<T>(tx, sql, params);
}
