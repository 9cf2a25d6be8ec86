import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { refresherListener } from '@app/admin';
import { Router, RoutingRepository, RoutingTableRefresher } from '@app/routing';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { renderAdminOpenApi } from './openapi';
import { startAdminTestApp, TEST_ADMIN_KEY as ADMIN_KEY, type AdminTestApp } from './testing/admin-test-app';

const DECK_ROWS = 200_000;

describe('admin API over HTTP against Postgres', () => {
  // The 200,000-row upload takes seconds on a shared 2-core machine; jest's default is 5 s.
  jest.setTimeout(120_000);
  let db: TestDatabase;
  let admin: AdminTestApp;
  let base: string;
  let router: Router;
  let dir: string;

  const call: AdminTestApp['call'] = (method, path, key, body) => admin.call(method, path, key, body);

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'admin-api-'));
    router = new Router();
    const refresher = new RoutingTableRefresher(new RoutingRepository(db.dataSource), router);
    admin = await startAdminTestApp(db.dataSource, refresherListener(refresher));
    base = admin.base;
    await db.dataSource.query(
      `INSERT INTO providers (id, name, enabled, health) VALUES ('prov-a', 'A', true, 'up'), ('prov-b', 'B', true, 'up')`,
    );
  });

  afterAll(async () => {
    await admin?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 without a key or with a wrong one, in both header forms', async () => {
    expect((await call('GET', '/tenants', undefined)).status).toBe(401);
    expect((await call('GET', '/tenants', 'sk_wrong')).status).toBe(401);
    const viaHeader = await fetch(`${base}/tenants`, { headers: { 'x-api-key': ADMIN_KEY } });
    expect(viaHeader.status).toBe(200);
  });

  it('manages tenants, credentials and balances with exact money, field errors and conflicts', async () => {
    const created = await call('POST', '/tenants', ADMIN_KEY, { name: 'acme', currency: 'EUR' });
    expect(created.status).toBe(201);
    const tenantId = created.body.id as string;
    expect((await call('POST', '/tenants', ADMIN_KEY, { name: 'acme', currency: 'EUR' })).status).toBe(409);

    const invalid = await call('POST', '/tenants', ADMIN_KEY, { name: '', currency: 'euro', extra: 1 });
    expect(invalid.status).toBe(400);
    const fields = (invalid.body.fields as { field: string }[]).map((problem) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'currency', 'extra']));
    expect(invalid.text).not.toMatch(/at .*\.ts/);

    expect((await call('GET', `/tenants/${tenantId}`, ADMIN_KEY)).body.name).toBe('acme');
    expect((await call('GET', '/tenants/00000000-0000-4000-8000-000000000000', ADMIN_KEY)).status).toBe(404);
    const suspended = await call('POST', `/tenants/${tenantId}/status`, ADMIN_KEY, { status: 'suspended' });
    expect(suspended.body.status).toBe('suspended');
    await call('POST', `/tenants/${tenantId}/status`, ADMIN_KEY, { status: 'active' });

    const credential = await call('POST', `/tenants/${tenantId}/credentials`, ADMIN_KEY, {
      systemId: 'acme01',
      allowedIps: ['203.0.113.0/24'],
    });
    expect(credential.status).toBe(201);
    expect(credential.body.password).toMatch(/^[A-Za-z0-9]{8}$/);
    const [stored] = await db.dataSource.query<{ password_hash: Buffer }[]>(
      `SELECT password_hash FROM tenant_credentials WHERE system_id = 'acme01'`,
    );
    expect(stored.password_hash.toString('utf8')).not.toContain(credential.body.password);
    expect(
      (await call('POST', `/tenants/${tenantId}/credentials`, ADMIN_KEY, { systemId: 'acme01' })).status,
    ).toBe(409);
    const badIp = await call('PATCH', '/credentials/acme01', ADMIN_KEY, { allowedIps: ['300.1.1.1/8'] });
    expect(badIp.status).toBe(400);
    expect(badIp.body.fields[0].field).toBe('allowedIps');
    const limited = await call('PATCH', '/credentials/acme01', ADMIN_KEY, {
      tpsLimit: 20,
      allowedSources: ['ACME'],
      allowedDestinationPrefixes: ['44'],
    });
    expect(limited.body).toMatchObject({
      tpsLimit: 20,
      allowedSources: ['ACME'],
      allowedDestinationPrefixes: ['44'],
    });
    const rotated = await call('POST', '/credentials/acme01/rotate', ADMIN_KEY);
    expect(rotated.body.password).not.toBe(credential.body.password);
    expect((await call('POST', '/credentials/acme01/revoke', ADMIN_KEY)).body.status).toBe('revoked');
    expect((await call('POST', '/credentials/nobody/rotate', ADMIN_KEY)).status).toBe(404);

    expect(
      (await call('POST', `/tenants/${tenantId}/balance/top-up`, ADMIN_KEY, { amount: '12.50' })).status,
    ).toBe(201);
    const adjusted = await call('POST', `/tenants/${tenantId}/balance/adjust`, ADMIN_KEY, {
      amount: '-2.250001',
      reason: 'correction',
    });
    expect(adjusted.body.balance).toBe('10.249999');
    const overdraw = await call('POST', `/tenants/${tenantId}/balance/adjust`, ADMIN_KEY, {
      amount: '-100',
      reason: 'too much',
    });
    expect(overdraw.status).toBe(409);
    expect(
      (await call('POST', `/tenants/${tenantId}/balance/top-up`, ADMIN_KEY, { amount: '1.0000001' })).status,
    ).toBe(400);
    const threshold = await call('PUT', `/tenants/${tenantId}/balance/low-balance-threshold`, ADMIN_KEY, {
      amount: '20.00',
    });
    expect(threshold.body).toMatchObject({ lowBalanceThreshold: '20.00', lowBalance: true });
    const statement = await call('GET', `/tenants/${tenantId}/statement`, ADMIN_KEY);
    expect(
      (statement.body as { kind: string; amount: string; runningBalance: string }[]).map((entry) => [
        entry.kind,
        entry.amount,
        entry.runningBalance,
      ]),
    ).toEqual([
      ['topup', '12.50', '12.50'],
      ['adjust', '-2.250001', '10.249999'],
    ]);
  });

  it('confines tenant keys to their tenant and read-only keys to GETs', async () => {
    const own = (await call('POST', '/tenants', ADMIN_KEY, { name: 'own', currency: 'EUR' })).body
      .id as string;
    const other = (await call('POST', '/tenants', ADMIN_KEY, { name: 'other', currency: 'EUR' })).body
      .id as string;
    const tenantKey = (
      await call('POST', '/api-keys', ADMIN_KEY, { name: 't', role: 'tenant', tenantId: own })
    ).body.key as string;
    const readKey = (await call('POST', '/api-keys', ADMIN_KEY, { name: 'r', role: 'readonly' })).body
      .key as string;
    expect((await call('POST', '/api-keys', ADMIN_KEY, { name: 'x', role: 'tenant' })).status).toBe(400);

    expect((await call('GET', `/tenants/${own}/balance`, tenantKey)).status).toBe(200);
    expect((await call('GET', `/tenants/${other}/balance`, tenantKey)).status).toBe(404);
    expect((await call('GET', `/tenants/${other}/statement`, tenantKey)).status).toBe(404);
    expect((await call('GET', '/tenants', tenantKey)).status).toBe(403);
    expect((await call('POST', `/tenants/${own}/balance/top-up`, tenantKey, { amount: '1' })).status).toBe(
      403,
    );
    expect((await call('GET', '/messages', tenantKey)).status).toBe(200);

    expect((await call('GET', '/tenants', readKey)).status).toBe(200);
    expect((await call('GET', '/reconciliation', readKey)).body.ok).toBe(true);
    expect((await call('POST', '/tenants', readKey, { name: 'no', currency: 'EUR' })).status).toBe(403);
  });

  it('streams a 200,000-row rate deck upload and the next routing plan uses it without a restart', async () => {
    const tenantId = (await call('POST', '/tenants', ADMIN_KEY, { name: 'routed', currency: 'EUR' })).body
      .id as string;
    const price = await fetch(`${base}/price-plans?currency=EUR&tenantId=${tenantId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'text/csv' },
      body: 'prefix,price\n4,0.05\n',
    });
    expect(price.status).toBe(201);
    const route = await call('POST', '/route-plans', ADMIN_KEY, {
      prefix: '',
      strategy: 'least_cost',
      providers: [],
    });
    expect(route.status).toBe(201);
    const badRoute = await call('POST', '/route-plans', ADMIN_KEY, {
      prefix: '44',
      strategy: 'weighted',
      providers: [{ providerId: 'prov-a', percent: 60 }],
    });
    expect(badRoute.status).toBe(400);

    // Longest match: row 0's prefix 44770000000 (cost 0.001).
    const request = { tenantId, destination: '4477000000001', segments: 1, messageKey: 'm1' };
    expect(router.plan(request).ok).toBe(false);

    const file = join(dir, 'deck.csv');
    const out = createWriteStream(file);
    out.write('prefix,cost\n');
    for (let row = 0; row < DECK_ROWS; row++)
      out.write(`4477${String(row).padStart(7, '0')},0.0${row % 9}1\n`);
    out.end();
    await finished(out);
    const upload = await fetch(`${base}/providers/prov-a/rate-decks?currency=EUR`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    });
    const result = (await upload.json()) as { rowCount: number; id: string };
    expect(upload.status).toBe(201);
    expect(result.rowCount).toBe(DECK_ROWS);

    const plan = router.plan(request);
    expect(plan.ok && plan.attempts[0]).toMatchObject({ providerId: 'prov-a', costPerSegment: 1_000n });

    const badDeck = await fetch(`${base}/providers/prov-b/rate-decks?currency=EUR`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'text/csv' },
      body: 'prefix,cost\n44,abc\n',
    });
    expect(badDeck.status).toBe(400);
    expect(((await badDeck.json()) as { message: string[] }).message[0]).toMatch(/^line 2/);

    expect((await call('GET', `/rate-decks/${result.id}/diff`, ADMIN_KEY)).body).toMatchObject({
      currentId: result.id,
      added: 0,
      removed: 0,
      changed: 0,
    });
    expect((await call('GET', '/providers/prov-a/rate-decks', ADMIN_KEY)).body).toHaveLength(1);

    expect((await call('POST', '/providers/prov-a/disable', ADMIN_KEY)).body.enabled).toBe(false);
    expect(router.plan(request).ok).toBe(false);
    await call('POST', '/providers/prov-a/enable', ADMIN_KEY);
    expect(router.plan(request).ok).toBe(true);
  });

  it('searches messages and exports CDRs as CSV', async () => {
    const tenantId = (await call('POST', '/tenants', ADMIN_KEY, { name: 'cdr', currency: 'EUR' })).body
      .id as string;
    for (let n = 0; n < 3; n++) {
      await db.dataSource.query(
        `INSERT INTO messages (id, tenant_id, system_id, group_id, status, source_addr, source_addr_ton,
           source_addr_npi, destination_addr, dest_addr_ton, dest_addr_npi, esm_class, protocol_id, priority_flag,
           registered_delivery, data_coding, short_message, segments, submitted_at, provider_message_id)
         VALUES ($1, $2, 'cdr', $1, 'delivered', 'ACME, Ltd', 5, 0, $3, 1, 1, 0, 0, 0, 1, 0, '\\x6869', 1,
                 $4, $5)`,
        [`msg-${n}`, tenantId, `4477${n}`, `2025-01-01T00:0${n}:00Z`, `p-${n}`],
      );
    }
    const page = await call('GET', `/messages?tenantId=${tenantId}&limit=2`, ADMIN_KEY);
    expect((page.body.items as { id: string }[]).map((item) => item.id)).toEqual(['msg-2', 'msg-1']);
    const next = await call(
      'GET',
      `/messages?tenantId=${tenantId}&limit=2&cursor=${page.body.nextCursor}`,
      ADMIN_KEY,
    );
    expect(next.body).toMatchObject({ items: [{ id: 'msg-0' }], nextCursor: null });
    expect((await call('GET', '/messages?providerMessageId=p-1', ADMIN_KEY)).body.items[0].id).toBe('msg-1');
    expect((await call('GET', '/messages?status=bogus', ADMIN_KEY)).body.fields[0].field).toBe('status');
    expect((await call('GET', '/messages/msg-1', ADMIN_KEY)).body.parts).toHaveLength(1);

    const csv = await call('GET', `/cdrs?from=2025-01-01T00:00:00Z&to=2025-01-01T00:02:00Z`, ADMIN_KEY);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(/^message_id,tenant_id/);
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['msg-0', 'msg-1']);
    expect(lines[1]).toContain('"ACME, Ltd"');
    expect((await call('GET', '/cdrs?from=yesterday&to=2025-01-01T00:02:00Z', ADMIN_KEY)).status).toBe(400);
  });

  it('manages MO numbers, provider configuration, route plans and API keys, with 400 and 404 for bad ones', async () => {
    const tenantId = (await call('POST', '/tenants', ADMIN_KEY, { name: 'mo', currency: 'EUR' })).body
      .id as string;
    const unknownId = '00000000-0000-4000-8000-000000000000';

    const assigned = await call('PUT', '/mo-numbers/4520000000', ADMIN_KEY, { tenantId, match: 'prefix' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toEqual({ number: '4520000000', match: 'prefix', tenantId });
    expect((await call('GET', '/mo-numbers', ADMIN_KEY)).body).toContainEqual(assigned.body);
    const badNumber = await call('PUT', '/mo-numbers/45abc', ADMIN_KEY, { tenantId });
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.fields).toEqual([{ field: 'number', reason: expect.any(String) }]);
    const badTenant = await call('PUT', '/mo-numbers/4530000000', ADMIN_KEY, { tenantId: 'x', match: 'all' });
    expect(badTenant.status).toBe(400);
    expect((badTenant.body.fields as { field: string }[]).map((problem) => problem.field).sort()).toEqual([
      'match',
      'tenantId',
    ]);
    expect((await call('PUT', '/mo-numbers/4530000000', ADMIN_KEY, { tenantId: unknownId })).status).toBe(
      404,
    );
    expect((await call('DELETE', '/mo-numbers/4520000000', ADMIN_KEY)).status).toBe(204);
    expect((await call('DELETE', '/mo-numbers/4520000000', ADMIN_KEY)).status).toBe(404);

    const providers = await call('GET', '/providers', ADMIN_KEY);
    expect((providers.body as { id: string }[]).map((provider) => provider.id)).toEqual(
      expect.arrayContaining(['prov-a', 'prov-b']),
    );
    expect((await call('PUT', '/providers/prov-b', ADMIN_KEY, { name: 'B renamed' })).status).toBe(200);
    expect((await call('GET', '/providers/prov-b', ADMIN_KEY)).body).toMatchObject({
      id: 'prov-b',
      name: 'B renamed',
      enabled: true,
      health: 'up',
    });
    expect((await call('PUT', '/providers/prov-b', ADMIN_KEY, { name: '' })).body.fields[0].field).toBe(
      'name',
    );
    expect((await call('GET', '/providers/nope', ADMIN_KEY)).status).toBe(404);
    expect((await call('POST', '/providers/nope/disable', ADMIN_KEY)).status).toBe(404);

    const plan = await call('POST', '/route-plans', ADMIN_KEY, {
      prefix: '4530',
      strategy: 'priority',
      providers: ['prov-b', 'prov-a'],
    });
    expect(plan.status).toBe(201);
    const planId = plan.body.id as string;
    expect((await call('GET', '/route-plans', ADMIN_KEY)).body).toContainEqual(plan.body);
    const replaced = await call('PUT', `/route-plans/${planId}`, ADMIN_KEY, {
      prefix: '4530',
      strategy: 'priority',
      providers: ['prov-a'],
      enabled: false,
    });
    expect(replaced.body).toMatchObject({ id: planId, providers: ['prov-a'], enabled: false });
    expect((await call('GET', `/route-plans/${planId}`, ADMIN_KEY)).body).toEqual(replaced.body);
    expect((await call('DELETE', `/route-plans/${planId}`, ADMIN_KEY)).status).toBe(204);
    expect((await call('GET', `/route-plans/${planId}`, ADMIN_KEY)).status).toBe(404);
    expect((await call('DELETE', `/route-plans/${planId}`, ADMIN_KEY)).status).toBe(404);
    expect((await call('GET', '/route-plans/not-a-uuid', ADMIN_KEY)).status).toBe(400);

    const key = await call('POST', '/api-keys', ADMIN_KEY, { name: 'temporary', role: 'readonly' });
    expect(key.status).toBe(201);
    expect((await call('GET', '/tenants', key.body.key as string)).status).toBe(200);
    const keys = await call('GET', '/api-keys', ADMIN_KEY);
    expect(keys.body).toContainEqual(
      expect.objectContaining({ id: key.body.id, name: 'temporary', role: 'readonly', revokedAt: null }),
    );
    expect(keys.text).not.toContain(key.body.key as string);
    expect((await call('POST', `/api-keys/${key.body.id}/revoke`, ADMIN_KEY)).status).toBe(201);
    expect((await call('GET', '/tenants', key.body.key as string)).status).toBe(401);
    expect((await call('POST', `/api-keys/${key.body.id}/revoke`, ADMIN_KEY)).status).toBe(404);
  });

  it('writes every change to the audit log with the key and without secrets', async () => {
    const before = await db.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM audit_log');
    await call('POST', '/tenants', ADMIN_KEY, { name: 'audited', currency: 'EUR' });
    await call('POST', '/credentials/acme01/rotate', ADMIN_KEY);
    const log = await call('GET', '/audit-log?limit=2', ADMIN_KEY);
    const [keyRow] = await db.dataSource.query<{ id: string }[]>(
      `SELECT id FROM api_keys WHERE name = 'bootstrap'`,
    );
    expect(log.body[1]).toMatchObject({
      method: 'POST',
      path: '/tenants',
      apiKeyId: keyRow.id,
      statusCode: 201,
    });
    expect(log.body[0]).toMatchObject({ path: '/credentials/acme01/rotate', resourceId: 'acme01' });
    const after = await db.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM audit_log');
    expect(after[0].n).toBe(before[0].n + 2);
    const secrets = await db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_log WHERE summary::text ~ 'password"\\s*:\\s*"[^*]'`,
    );
    expect(secrets[0].n).toBe(0);
  });

  it('serves the OpenAPI document, and the committed docs/openapi.json is the generated one', async () => {
    const served = await fetch(`${base}/docs-json`);
    expect(served.status).toBe(200);
    const generated = await renderAdminOpenApi();
    expect(await served.json()).toEqual(generated);
    const committed: unknown = JSON.parse(
      readFileSync(join(__dirname, '../../../docs/openapi.json'), 'utf8'),
    );
    expect(committed).toEqual(generated);
    expect((await fetch(`${base}/docs`)).status).toBe(200);
  });
});
