import type { BillingTx } from './ledger.types';

/**
 * Runs a statement whose result is rows. Every billing statement ends in a SELECT (data changes live in CTEs):
 * for a bare UPDATE/DELETE, TypeORM's postgres driver returns `[rows, count]` instead of rows.
 */
export async function select<T>(tx: BillingTx, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await tx.query(sql, params);
  if (!Array.isArray(result)) throw new Error('expected rows from a SELECT statement');
  return result as T[];
}
