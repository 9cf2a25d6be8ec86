import type { AttemptStatus, ParkedDlrOutcome, ProviderHealth } from '@app/database';
import type { DataSource, EntityManager } from 'typeorm';

export interface AcceptedAttempt {
  readonly attemptId: string;
  readonly messageId: string;
  readonly tenantId: string;
  readonly reservationId: string | null;
  /** When the provider's submit_sm_resp accepted it (the start of the DLR delay). */
  readonly answeredAt: Date | null;
}

export interface ParkedDlr {
  readonly id: string;
  readonly reason: 'early' | 'unknown';
  readonly outcome: ParkedDlrOutcome;
}

type Queryable = DataSource | EntityManager;

/** TypeORM's postgres driver returns [rows, affected] rather than rows for UPDATE/DELETE ... RETURNING. */
async function modified<T>(manager: Queryable, sql: string, parameters: unknown[]): Promise<T[]> {
  const result: T[] | [T[], number] = await manager.query(sql, parameters);
  return result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number'
    ? result[0]
    : (result as T[]);
}

/** The connector's SQL: attempts, parked receipts, MO numbers, provider health. */
export class ConnectorRepository {
  constructor(
    private readonly dataSource: DataSource,
    readonly providerId: string,
  ) {}

  transaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(run);
  }

  /** The next attempt number of a message (1 for its first attempt at any provider). */
  async createAttempt(messageId: string): Promise<{ id: string; attemptNo: number }> {
    const rows: Array<{ id: string; attempt_no: number }> = await this.dataSource.query(
      `INSERT INTO attempts (message_id, provider_id, attempt_no, status)
       SELECT $1, $2, COALESCE(MAX(attempt_no), 0) + 1, 'pending' FROM attempts WHERE message_id = $1
       RETURNING id, attempt_no`,
      [messageId, this.providerId],
    );
    return { id: rows[0].id, attemptNo: rows[0].attempt_no };
  }

  /**
   * `createAttempt` for many messages in one statement; the result is in input order. Parts of one message in the
   * same batch get the same attempt number (they are one attempt).
   */
  async createAttempts(messageIds: readonly string[]): Promise<Array<{ id: string; attemptNo: number }>> {
    const rows: Array<{ id: string; message_id: string; attempt_no: number }> = await this.dataSource.query(
      `INSERT INTO attempts (message_id, provider_id, attempt_no, status)
       SELECT m.id, $1, COALESCE((SELECT MAX(a.attempt_no) FROM attempts a WHERE a.message_id = m.id), 0) + 1,
              'pending'
       FROM unnest($2::text[]) AS m(id)
       RETURNING id, message_id, attempt_no`,
      [this.providerId, messageIds],
    );
    const byMessage = new Map<string, Array<{ id: string; attemptNo: number }>>();
    for (const row of rows) {
      const list = byMessage.get(row.message_id) ?? [];
      list.push({ id: row.id, attemptNo: row.attempt_no });
      byMessage.set(row.message_id, list);
    }
    return messageIds.map((messageId) => {
      const next = byMessage.get(messageId)?.shift();
      if (next === undefined) throw new Error(`no attempt row returned for message ${messageId}`);
      return next;
    });
  }

  /** `markSent` for many attempts; an attempt already answered keeps its answer. */
  async markSentMany(sent: ReadonlyArray<{ attemptId: string; at: Date }>): Promise<void> {
    await this.dataSource.query(
      `UPDATE attempts a SET status = 'sent', sent_at = v.at
       FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
       WHERE a.id = v.id AND a.status = 'pending'`,
      [sent.map((s) => s.attemptId), sent.map((s) => s.at)],
    );
  }

  /**
   * Accepted parts in one statement (atomic without a transaction of its own): each attempt answered, with the time
   * its submit_sm went out unless already marked, and its message marked sent with the provider id. Returns each
   * part's accepted attempt as `findAccepted` would read it, in input order.
   */
  async acceptMany(
    accepted: ReadonlyArray<{
      attemptId: string;
      messageId: string;
      commandStatus: number;
      providerMessageId: string;
      key: string;
      at: Date;
      sentAt: Date;
    }>,
  ): Promise<AcceptedAttempt[]> {
    const rows: Array<{ id: string; tenant_id: string; reservation_id: string | null }> =
      await this.dataSource.query(
        `WITH v AS (
           SELECT * FROM unnest($2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[],
                                $8::timestamptz[])
             AS v(id, message_id, status, provider_id, key, at, sent_at)
         ), answered AS (
           UPDATE attempts a SET status = 'accepted', command_status = v.status, classification = 'OK',
             provider_message_id = v.provider_id, provider_message_key = v.key, answered_at = v.at,
             sent_at = COALESCE(a.sent_at, v.sent_at)
           FROM v WHERE a.id = v.id
           RETURNING a.id
         ), sent AS (
           UPDATE messages m SET status = 'sent', provider_id = $1, provider_message_id = v.provider_id,
             updated_at = now()
           FROM v WHERE m.id = v.message_id AND NOT m.final
           RETURNING m.id
         )
         SELECT answered.id, m.tenant_id, m.reservation_id
         FROM answered JOIN v ON v.id = answered.id JOIN messages m ON m.id = v.message_id`,
        [
          this.providerId,
          accepted.map((a) => a.attemptId),
          accepted.map((a) => a.messageId),
          accepted.map((a) => a.commandStatus),
          accepted.map((a) => a.providerMessageId),
          accepted.map((a) => a.key),
          accepted.map((a) => a.at),
          accepted.map((a) => a.sentAt),
        ],
      );
    const byAttempt = new Map(rows.map((row) => [row.id, row]));
    return accepted.map((a) => {
      const row = byAttempt.get(a.attemptId);
      if (row === undefined) throw new Error(`attempt ${a.attemptId} not found`);
      return {
        attemptId: a.attemptId,
        messageId: a.messageId,
        tenantId: row.tenant_id,
        reservationId: row.reservation_id,
        answeredAt: a.at,
      };
    });
  }

  /** `unpark` for many ids in one statement; per id, oldest first. */
  async unparkMany(keys: readonly string[]): Promise<ParkedDlr[][]> {
    const rows = await modified<{
      id: string;
      provider_message_key: string;
      reason: 'early' | 'unknown';
      outcome: ParkedDlrOutcome;
      received_at: Date;
    }>(
      this.dataSource,
      `DELETE FROM parked_dlrs WHERE provider_id = $1 AND provider_message_key = ANY($2::text[])
         RETURNING id, provider_message_key, reason, outcome, received_at`,
      [this.providerId, keys],
    );
    rows.sort((a, b) => a.received_at.getTime() - b.received_at.getTime());
    const taken = new Set<string>();
    return keys.map((key) => {
      // A key listed twice gets its rows once: whoever deletes a row applies it.
      if (taken.has(key)) return [];
      taken.add(key);
      return rows
        .filter((row) => row.provider_message_key === key)
        .map(({ id, reason, outcome }) => ({ id, reason, outcome }));
    });
  }

  async markSent(attemptId: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE attempts SET status = 'sent', sent_at = $2 WHERE id = $1`, [
      attemptId,
      at,
    ]);
  }

  /** Records the answer; `key` is set only for an accepted part. */
  async answer(
    attemptId: string,
    answer: {
      status: AttemptStatus;
      commandStatus: number | null;
      classification: string;
      providerMessageId?: string;
      key?: string;
      at: Date;
      /** When the submit_sm went out; kept if the attempt was already marked sent. */
      sentAt?: Date;
    },
    manager: Queryable = this.dataSource,
  ): Promise<void> {
    await manager.query(
      `UPDATE attempts SET status = $2, command_status = $3, classification = $4, provider_message_id = $5,
         provider_message_key = $6, answered_at = $7, sent_at = COALESCE(sent_at, $8)
       WHERE id = $1`,
      [
        attemptId,
        answer.status,
        answer.commandStatus,
        answer.classification,
        answer.providerMessageId ?? null,
        answer.key ?? null,
        answer.at,
        answer.sentAt ?? null,
      ],
    );
  }

  /** Moves an indeterminate attempt on, exactly once: false when another decision got there first. */
  async resolveIndeterminate(
    attemptId: string,
    status: 'resubmitted' | 'given_up',
    at: Date,
  ): Promise<boolean> {
    const rows = await modified<{ id: string }>(
      this.dataSource,
      `UPDATE attempts SET status = $2, classification = 'LOST', answered_at = $3
       WHERE id = $1 AND status = 'indeterminate' RETURNING id`,
      [attemptId, status, at],
    );
    return rows.length === 1;
  }

  async countResubmits(messageId: string): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `SELECT COUNT(*)::int AS n FROM attempts WHERE message_id = $1 AND status = 'resubmitted'`,
      [messageId],
    );
    return rows[0].n;
  }

  async markMessageSent(messageId: string, providerMessageId: string, manager: Queryable): Promise<void> {
    await manager.query(
      `UPDATE messages SET status = 'sent', provider_id = $2, provider_message_id = $3, updated_at = now()
       WHERE id = $1 AND NOT final`,
      [messageId, this.providerId, providerMessageId],
    );
  }

  async findAccepted(
    key: string,
    manager: Queryable = this.dataSource,
  ): Promise<AcceptedAttempt | undefined> {
    return (await this.findAcceptedMany([key], manager))[0];
  }

  /** `findAccepted` for many ids in one statement, in input order. */
  async findAcceptedMany(
    keys: readonly string[],
    manager: Queryable = this.dataSource,
  ): Promise<Array<AcceptedAttempt | undefined>> {
    const rows: Array<{
      id: string;
      key: string;
      message_id: string;
      tenant_id: string;
      reservation_id: string | null;
      answered_at: Date | null;
    }> = await manager.query(
      `SELECT a.id, a.provider_message_key AS key, a.message_id, m.tenant_id, m.reservation_id, a.answered_at
       FROM attempts a JOIN messages m ON m.id = a.message_id
       WHERE a.provider_id = $1 AND a.provider_message_key = ANY($2::text[])`,
      [this.providerId, keys],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return keys.map((key) => {
      const row = byKey.get(key);
      return row === undefined
        ? undefined
        : {
            attemptId: row.id,
            messageId: row.message_id,
            tenantId: row.tenant_id,
            reservationId: row.reservation_id,
            answeredAt: row.answered_at,
          };
    });
  }

  async park(key: string, reason: 'early' | 'unknown', outcome: ParkedDlrOutcome, at: Date, ttlMs: number) {
    await this.dataSource.query(
      `INSERT INTO parked_dlrs (provider_id, provider_message_key, reason, outcome, received_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [this.providerId, key, reason, JSON.stringify(outcome), at, new Date(at.getTime() + ttlMs)],
    );
  }

  /** Removes and returns the parked receipts of an id, oldest first; whoever deletes a row applies it. */
  async unpark(key: string, manager: Queryable = this.dataSource): Promise<ParkedDlr[]> {
    const rows = await modified<{
      id: string;
      reason: 'early' | 'unknown';
      outcome: ParkedDlrOutcome;
      received_at: Date;
    }>(
      manager,
      `DELETE FROM parked_dlrs WHERE provider_id = $1 AND provider_message_key = $2
         RETURNING id, reason, outcome, received_at`,
      [this.providerId, key],
    );
    return rows
      .sort((a, b) => a.received_at.getTime() - b.received_at.getTime())
      .map(({ id, reason, outcome }) => ({ id, reason, outcome }));
  }

  async dropExpiredParked(now: Date): Promise<number> {
    const rows = await modified<{ id: string }>(
      this.dataSource,
      `DELETE FROM parked_dlrs WHERE provider_id = $1 AND expires_at <= $2 RETURNING id`,
      [this.providerId, now],
    );
    return rows.length;
  }

  /** The tenant owning a number: an exact entry first, else the longest matching prefix. */
  async moTenant(number: string): Promise<string | undefined> {
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query(
      `SELECT tenant_id FROM mo_numbers
       WHERE (match = 'exact' AND number = $1) OR (match = 'prefix' AND left($1, length(number)) = number)
       ORDER BY (match = 'exact') DESC, length(number) DESC LIMIT 1`,
      [number],
    );
    return rows[0]?.tenant_id;
  }

  async setHealth(health: ProviderHealth, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE providers SET health = $2, health_updated_at = $3 WHERE id = $1`, [
      this.providerId,
      health,
      at,
    ]);
  }
}
