import { createTestDatabase, type TestDatabase } from '@app/testing';
import { startAdminTestApp, TEST_ADMIN_KEY as ADMIN_KEY, type AdminTestApp } from './testing/admin-test-app';

describe('admin API: a tenant’s multipart receipts (per_part or aggregated)', () => {
  let db: TestDatabase;
  let admin: AdminTestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = await startAdminTestApp(db.dataSource);
  });

  afterAll(async () => {
    await admin?.close();
    await db?.drop();
  });

  const stored = async (tenantId: string) =>
    (
      await db.dataSource.query<{ multipart_receipts: string }[]>(
        'SELECT multipart_receipts FROM tenants WHERE id = $1',
        [tenantId],
      )
    )[0].multipart_receipts;

  it('creates with per_part by default or the mode given, changes it, and refuses other values with the field', async () => {
    const plain = await admin.call('POST', '/tenants', ADMIN_KEY, { name: 'plain', currency: 'EUR' });
    expect(plain.status).toBe(201);
    expect(plain.body.multipartReceipts).toBe('per_part');

    const joined = await admin.call('POST', '/tenants', ADMIN_KEY, {
      name: 'joined',
      currency: 'EUR',
      multipartReceipts: 'aggregated',
    });
    expect(joined.status).toBe(201);
    expect(joined.body.multipartReceipts).toBe('aggregated');
    expect(await stored(joined.body.id as string)).toBe('aggregated');

    const changed = await admin.call('POST', `/tenants/${plain.body.id}/multipart-receipts`, ADMIN_KEY, {
      multipartReceipts: 'aggregated',
    });
    expect(changed.status).toBe(201);
    expect(changed.body.multipartReceipts).toBe('aggregated');
    expect(await stored(plain.body.id as string)).toBe('aggregated');
    expect((await admin.call('GET', `/tenants/${plain.body.id}`, ADMIN_KEY)).body.multipartReceipts).toBe(
      'aggregated',
    );

    const invalid = await admin.call('POST', `/tenants/${plain.body.id}/multipart-receipts`, ADMIN_KEY, {
      multipartReceipts: 'both',
    });
    expect(invalid.status).toBe(400);
    expect((invalid.body.fields as { field: string }[]).map((problem) => problem.field)).toEqual([
      'multipartReceipts',
    ]);
    const invalidCreate = await admin.call('POST', '/tenants', ADMIN_KEY, {
      name: 'bad',
      currency: 'EUR',
      multipartReceipts: 'per-part',
    });
    expect(invalidCreate.status).toBe(400);
    expect(await stored(plain.body.id as string)).toBe('aggregated');

    const unknown = await admin.call(
      'POST',
      '/tenants/00000000-0000-4000-8000-000000000000/multipart-receipts',
      ADMIN_KEY,
      { multipartReceipts: 'per_part' },
    );
    expect(unknown.status).toBe(404);
  });
});
