import { createHash } from 'node:crypto';
import type { EntityManager, QueryRunner } from 'typeorm';

/** What `pg`'s client accepts: a named query is parsed and planned once per connection, then only bound. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const statementNames = new Map<string, string>();

function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `stmt_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** The `pg` connection a query runner (or a manager inside a transaction) holds, when it holds one. */
function heldConnection(tx: EntityManager | QueryRunner): PgClient | undefined {
  const runner: QueryRunner | undefined = 'startTransaction' in tx ? tx : tx.queryRunner;
  const connection = (runner as { databaseConnection?: unknown } | undefined)?.databaseConnection;
  return runner?.isReleased === false && connection !== undefined && connection !== null
    ? (connection as PgClient)
    : undefined;
}

/**
 * Runs a statement that returns rows. On a connection held by a query runner it is a named prepared statement of
 * that connection (parsed and planned once per connection, then only bound and executed): for the large batch
 * statements of the hot paths, planning costs more than executing them for a small batch. Without a held
 * connection it goes through TypeORM as usual. Statements must return rows (end in SELECT or RETURNING); for a
 * bare UPDATE/DELETE TypeORM returns `[rows, count]`, which is refused.
 */
export async function queryRows<T>(
  tx: EntityManager | QueryRunner,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const connection = heldConnection(tx);
  if (connection !== undefined) {
    const result = await connection.query({ name: statementName(sql), text: sql, values: params });
    return result.rows as T[];
  }
  const result: unknown = await tx.query(sql, params);
  if (!Array.isArray(result)) throw new Error('expected rows from a SELECT statement');
  return result as T[];
}
