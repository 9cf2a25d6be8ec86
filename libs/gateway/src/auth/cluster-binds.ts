import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

export interface ClusterBindsOptions {
  /** How long a bind row counts without being renewed (an instance that died stops counting after this). */
  readonly leaseMs: number;
  /** Failed binds from one IP for one system_id before that pair is locked out. */
  readonly lockoutFailures: number;
  /** How long failures are counted and how long a lockout lasts. */
  readonly lockoutMs: number;
  /** This server instance's name in `bind_sessions` (default: host, pid and a random suffix). */
  readonly instanceId?: string;
}

export interface BindSlotRequest {
  readonly credentialId: string;
  readonly maxBinds: number;
  readonly bindType: string;
  readonly remoteIp: string | undefined;
}

/**
 * The bind state every SMPP server instance shares through Postgres: live binds per credential (so `max_binds`
 * holds across instances) and failed binds per (IP, system_id) (so a lockout holds across instances). Binds are
 * leases: this instance renews the rows it holds every `leaseMs / 3` and deletes a row when its bind ends; the rows
 * of an instance that died (or a row whose delete failed) stop counting once their lease passes.
 */
export class ClusterBinds {
  readonly instanceId: string;
  private readonly logger = new Logger('ClusterBinds');
  /** The slots this instance holds and renews. */
  private readonly held = new Set<string>();
  /** Deletes in flight: a bind that follows an unbind on this instance waits for them, so it sees the free slot. */
  private readonly releasing = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: ClusterBindsOptions,
  ) {
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(
      () => {
        if (this.renewing !== undefined) return;
        this.renewing = this.renew()
          .catch((error: unknown) => this.logger.warn(`renewing bind leases failed: ${String(error)}`))
          .finally(() => (this.renewing = undefined));
      },
      Math.max(100, Math.floor(this.options.leaseMs / 3)),
    );
    this.timer.unref();
  }

  /** Stops renewing and gives up every bind this instance still holds. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
    this.held.clear();
    await this.dataSource.query(`DELETE FROM bind_sessions WHERE instance_id = $1`, [this.instanceId]);
  }

  /**
   * Takes one of the credential's `maxBinds` slots, counted over every instance; undefined when all are taken.
   * Concurrent requests for one credential are serialised on its row, and the count is read after that lock.
   */
  async acquire(request: BindSlotRequest): Promise<string | undefined> {
    if (this.releasing.size > 0) await Promise.all(this.releasing);
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM tenant_credentials WHERE id = $1 FOR NO KEY UPDATE`, [
        request.credentialId,
      ]);
      const rows: Array<{ id: string }> = await tx.query(
        `WITH live AS (
           SELECT count(*)::int AS n FROM bind_sessions WHERE credential_id = $1 AND expires_at > now()
         )
         INSERT INTO bind_sessions (credential_id, instance_id, bind_type, remote_ip, expires_at)
         SELECT $1, $2, $3, $4, now() + $5::int * interval '1 millisecond' FROM live WHERE live.n < $6
         RETURNING id`,
        [
          request.credentialId,
          this.instanceId,
          request.bindType,
          request.remoteIp ?? null,
          this.options.leaseMs,
          request.maxBinds,
        ],
      );
      const slot = rows[0]?.id;
      if (slot !== undefined) this.held.add(slot);
      return slot;
    });
  }

  /** Gives a slot back. Never throws: a slot whose delete fails is no longer renewed and stops counting later. */
  release(slotId: string): Promise<void> {
    this.held.delete(slotId);
    const done = this.dataSource
      .query(`DELETE FROM bind_sessions WHERE id = $1`, [slotId])
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn(`releasing bind ${slotId} failed, its lease will lapse: ${String(error)}`),
      )
      .finally(() => this.releasing.delete(done));
    this.releasing.add(done);
    return done;
  }

  /** Binds of the credential that currently count, over every instance. */
  async liveBinds(credentialId: string): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM bind_sessions WHERE credential_id = $1 AND expires_at > now()`,
      [credentialId],
    );
    return row.n;
  }

  async isLockedOut(ip: string, systemId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM bind_failures WHERE ip = $1 AND system_id = $2 AND locked_until > now()`,
      [ip, systemId],
    );
    return rows.length > 0;
  }

  /**
   * Counts a failed bind. Failures are counted in a window of `lockoutMs` from the first one; the one that reaches
   * `lockoutFailures` locks the pair out for `lockoutMs`. A window that has passed starts again at 1.
   */
  async recordFailure(ip: string, systemId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO bind_failures AS f (ip, system_id, failures, window_started_at, locked_until)
       VALUES ($1, $2, 1, now(), CASE WHEN $3::int <= 1 THEN now() + $4::int * interval '1 millisecond' END)
       ON CONFLICT (ip, system_id) DO UPDATE SET
         failures = CASE WHEN f.window_started_at <= now() - $4::int * interval '1 millisecond'
                         THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.window_started_at <= now() - $4::int * interval '1 millisecond'
                                  THEN now() ELSE f.window_started_at END,
         locked_until = CASE WHEN (CASE WHEN f.window_started_at <= now() - $4::int * interval '1 millisecond'
                                        THEN 1 ELSE f.failures + 1 END) >= $3::int
                             THEN now() + $4::int * interval '1 millisecond' ELSE f.locked_until END`,
      [ip, systemId, this.options.lockoutFailures, this.options.lockoutMs],
    );
  }

  async recordSuccess(ip: string, systemId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM bind_failures WHERE ip = $1 AND system_id = $2`, [ip, systemId]);
  }

  /** Renews this instance's leases and forgets what no longer counts anywhere. */
  private async renew(): Promise<void> {
    if (this.held.size > 0) {
      await this.dataSource.query(
        `UPDATE bind_sessions SET expires_at = now() + $2::int * interval '1 millisecond' WHERE id = ANY($1::uuid[])`,
        [[...this.held], this.options.leaseMs],
      );
    }
    await this.dataSource.query(`DELETE FROM bind_sessions WHERE expires_at < now() - interval '1 minute'`);
    await this.dataSource.query(
      `DELETE FROM bind_failures
       WHERE window_started_at < now() - $1::int * interval '1 millisecond'
         AND (locked_until IS NULL OR locked_until < now())`,
      [this.options.lockoutMs],
    );
  }
}
