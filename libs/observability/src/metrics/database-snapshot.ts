/** What `DataSource.query` (typeorm) or a pg `Pool` offers: enough to read the collect-on-scrape gauges. */
export interface SqlQueryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** The Postgres-derived gauges at one instant. */
export interface DatabaseSnapshot {
  readonly messagesPending: ReadonlyArray<{ readonly status: string; readonly count: number }>;
  readonly outboxUnpublished: number;
  readonly outboxLagSeconds: number;
  readonly tenantDeliveriesPending: ReadonlyArray<{
    readonly tenant: string;
    readonly kind: string;
    readonly count: number;
  }>;
  readonly reservationsPending: number;
  readonly reservationOldestAgeSeconds: number;
}

// Each query is served by a partial index on the pending rows (IDX_messages_pending_expiry, IDX_outbox_unpublished,
// IDX_tenant_deliveries_pending, IDX_reservations_pending_expiry), so its cost follows the backlog, not the table.
const MESSAGES_PENDING_SQL = `SELECT status, count(*)::int AS count FROM messages
  WHERE status IN ('accepted', 'scheduled', 'queued') GROUP BY status`;
const OUTBOX_SQL = `SELECT count(*)::int AS count,
  COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age FROM outbox
  WHERE published_at IS NULL`;
const TENANT_DELIVERIES_SQL = `SELECT tenant_id::text AS tenant, kind, count(*)::int AS count FROM tenant_deliveries
  WHERE status = 'pending' GROUP BY tenant_id, kind`;
const RESERVATIONS_SQL = `SELECT count(*)::int AS count,
  COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age FROM reservations
  WHERE status = 'pending'`;

type Row = Record<string, unknown>;

function rows(result: unknown, what: string): Row[] {
  if (!Array.isArray(result)) throw new TypeError(`${what}: expected rows, got ${typeof result}`);
  return result as Row[];
}

function numberOf(row: Row | undefined, column: string): number {
  const value = Number(row?.[column] ?? 0);
  return Number.isFinite(value) ? Math.max(0, value) : 0;
}

/** Reads every Postgres-derived gauge in four indexed queries (see the SQL above). */
export async function readDatabaseSnapshot(db: SqlQueryable): Promise<DatabaseSnapshot> {
  const [messages, outbox, deliveries, reservations] = await Promise.all([
    db.query(MESSAGES_PENDING_SQL).then((result) => rows(result, 'messages')),
    db.query(OUTBOX_SQL).then((result) => rows(result, 'outbox')),
    db.query(TENANT_DELIVERIES_SQL).then((result) => rows(result, 'tenant_deliveries')),
    db.query(RESERVATIONS_SQL).then((result) => rows(result, 'reservations')),
  ]);
  return {
    messagesPending: messages.map((row) => ({ status: String(row.status), count: numberOf(row, 'count') })),
    outboxUnpublished: numberOf(outbox[0], 'count'),
    outboxLagSeconds: numberOf(outbox[0], 'age'),
    tenantDeliveriesPending: deliveries.map((row) => ({
      tenant: String(row.tenant),
      kind: String(row.kind),
      count: numberOf(row, 'count'),
    })),
    reservationsPending: numberOf(reservations[0], 'count'),
    reservationOldestAgeSeconds: numberOf(reservations[0], 'age'),
  };
}
