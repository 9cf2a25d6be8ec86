import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { reclaimExpiredLeases } from './lease-reclaim';

describe('reclaimExpiredLeases (Postgres)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('marks only stale unanswered attempts indeterminate, once, optionally for one provider', async () => {
    const q = (sql: string, params: unknown[] = []): Promise<unknown> => db.dataSource.query(sql, params);
    const [{ id: tenantId }] = (await q(`INSERT INTO tenants (name) VALUES ('lease') RETURNING id`)) as {
      id: string;
    }[];
    await q(`INSERT INTO providers (id, name, enabled) VALUES ('p1', 'P1', true), ('p2', 'P2', true)`);
    const messageId = randomUUID().replace(/-/g, '').slice(0, 20);
    await q(
      `INSERT INTO messages (id, tenant_id, system_id, group_id, status, source_addr, source_addr_ton, source_addr_npi,
         destination_addr, dest_addr_ton, dest_addr_npi, esm_class, protocol_id, priority_flag, registered_delivery,
         data_coding, short_message, segments, submitted_at)
       VALUES ($1, $2, 'tenant', $1, 'queued', '4512345678', 1, 1, '4587654321', 1, 1, 0, 0, 0, 1, 0, 'hi', 1, now())`,
      [messageId, tenantId],
    );
    const attempt = async (provider: string, no: number, status: string, ageS: number): Promise<string> => {
      const [{ id }] = (await q(
        `INSERT INTO attempts (message_id, provider_id, attempt_no, status, created_at, sent_at)
         VALUES ($1, $2, $3, $4, now() - make_interval(secs => $5), now() - make_interval(secs => $5)) RETURNING id`,
        [messageId, provider, no, status, ageS],
      )) as { id: string }[];
      return id;
    };
    const staleSent = await attempt('p1', 1, 'sent', 600);
    const stalePending = await attempt('p2', 2, 'pending', 600);
    await attempt('p1', 3, 'sent', 1);
    await attempt('p1', 4, 'accepted', 600);

    const first = await reclaimExpiredLeases(db.dataSource, {
      leaseMs: 60_000,
      batchSize: 10,
      providerId: 'p1',
    });
    expect(first).toEqual([{ attemptId: staleSent, messageId, providerId: 'p1', attemptNo: 1 }]);
    const rest = await reclaimExpiredLeases(db.dataSource, { leaseMs: 60_000, batchSize: 10 });
    expect(rest.map((r) => r.attemptId)).toEqual([stalePending]);
    expect(await reclaimExpiredLeases(db.dataSource, { leaseMs: 60_000, batchSize: 10 })).toEqual([]);
    const statuses = (await q(
      `SELECT attempt_no, status, classification FROM attempts ORDER BY attempt_no`,
    )) as {
      attempt_no: number;
      status: string;
      classification: string | null;
    }[];
    expect(statuses).toEqual([
      { attempt_no: 1, status: 'indeterminate', classification: 'LOST' },
      { attempt_no: 2, status: 'indeterminate', classification: 'LOST' },
      { attempt_no: 3, status: 'sent', classification: null },
      { attempt_no: 4, status: 'accepted', classification: null },
    ]);
  });
});
