import type { DataSource } from 'typeorm';

export interface ReclaimOptions {
  /**
   * An attempt written (`pending`) or sent (`sent`) longer ago than this, with no answer, belongs to a connector that
   * died: a live one answers or marks it within its response timer, so this must exceed that timer.
   */
  readonly leaseMs: number;
  readonly batchSize: number;
  /** Only this provider's attempts (a connector reclaiming after its own restart); all providers when unset. */
  readonly providerId?: string;
}

export interface ReclaimedAttempt {
  readonly attemptId: string;
  readonly messageId: string;
  readonly providerId: string;
  readonly attemptNo: number;
}

const RECLAIM_SQL = `
WITH stale AS (
  SELECT id FROM attempts
  WHERE status IN ('pending', 'sent') AND answered_at IS NULL
    AND coalesce(sent_at, created_at) < now() - make_interval(secs => $1::double precision / 1000)
    AND ($3::text IS NULL OR provider_id = $3)
  ORDER BY created_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
UPDATE attempts a SET status = 'indeterminate', classification = 'LOST', answered_at = now()
FROM stale WHERE a.id = stale.id
RETURNING a.id, a.message_id, a.provider_id, a.attempt_no`;

/**
 * Takes back the in-flight attempts of a dead connector: each becomes `indeterminate` (classification LOST), the
 * state a connector gives an attempt whose session was lost before the answer, so the provider's indeterminate
 * policy (resubmit at most k times, or UNKNOWN) decides it exactly once. The bus messages of such a connector need no
 * reclaiming: the broker requeues what it had not acknowledged when its channel closed.
 */
export async function reclaimExpiredLeases(
  dataSource: DataSource,
  options: ReclaimOptions,
): Promise<ReclaimedAttempt[]> {
  if (!Number.isInteger(options.leaseMs) || options.leaseMs < 1)
    throw new RangeError('leaseMs must be positive');
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new RangeError('batchSize must be a positive integer');
  }
  type Row = { id: string; message_id: string; provider_id: string; attempt_no: number };
  // An UPDATE … RETURNING comes back from TypeORM's postgres driver as [rows, affected count].
  const [rows] = await dataSource.query<[Row[], number]>(RECLAIM_SQL, [
    options.leaseMs,
    options.batchSize,
    options.providerId ?? null,
  ]);
  return rows.map((row) => ({
    attemptId: row.id,
    messageId: row.message_id,
    providerId: row.provider_id,
    attemptNo: row.attempt_no,
  }));
}
