import { createTestDatabase, type TestDatabase } from '@app/testing';
import { readDatabaseSnapshot } from './database-snapshot';
import { SmscMetrics } from './smsc-metrics';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('readDatabaseSnapshot against the migrated schema', () => {
  it('reads zeros from an empty database', async () => {
    await expect(readDatabaseSnapshot(db.dataSource)).resolves.toEqual({
      messagesPending: [],
      outboxUnpublished: 0,
      outboxLagSeconds: 0,
      tenantDeliveriesPending: [],
      reservationsPending: 0,
      reservationOldestAgeSeconds: 0,
    });
  });

  it('counts unpublished outbox rows and the age of the oldest, ignoring published ones', async () => {
    await db.dataSource.query(
      `INSERT INTO outbox (topic, payload, created_at, published_at) VALUES
         ('send.infobip', '{}', now() - interval '90 seconds', NULL),
         ('send.infobip', '{}', now() - interval '10 seconds', NULL),
         ('send.infobip', '{}', now() - interval '1 hour', now())`,
    );
    const snapshot = await readDatabaseSnapshot(db.dataSource);
    expect(snapshot.outboxUnpublished).toBe(2);
    expect(snapshot.outboxLagSeconds).toBeGreaterThanOrEqual(90);
    expect(snapshot.outboxLagSeconds).toBeLessThan(3600);

    const metrics = new SmscMetrics({ defaultMetrics: false });
    metrics.registerDatabaseSource(db.dataSource);
    const text = await metrics.render();
    expect(text).toContain('smsc_outbox_unpublished 2');
    expect(text).toContain('smsc_scrape_source_up{source="database"} 1');
  });
});
