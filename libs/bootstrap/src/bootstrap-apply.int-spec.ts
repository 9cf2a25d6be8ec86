import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { applyBootstrapConfig } from './bootstrap-apply';
import { parseBootstrapConfig } from './bootstrap-config';

const EXAMPLE = join(__dirname, '..', '..', '..', 'config', 'example.yaml');

describe('applyBootstrapConfig against Postgres', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function snapshot(): Promise<unknown> {
    const q = (sql: string) => db.dataSource.query<unknown[]>(sql);
    return {
      providers: await q('SELECT id, name, enabled FROM providers ORDER BY id'),
      tenants: await q('SELECT id, name, multipart_receipts FROM tenants ORDER BY name'),
      credentials: await q(
        'SELECT system_id, tenant_id, password_hash FROM tenant_credentials ORDER BY system_id',
      ),
      accounts: await q('SELECT tenant_id, currency, balance::text FROM accounts ORDER BY tenant_id'),
      entries: await q('SELECT kind, amount::text, idempotency_key FROM ledger_entries ORDER BY id'),
      decks: await q('SELECT provider_id, version, row_count FROM rate_decks ORDER BY provider_id, version'),
      plans: await q('SELECT tenant_id, version, row_count FROM price_plans ORDER BY tenant_id, version'),
      routes: await q('SELECT tenant_id, prefix, rank, strategy, providers FROM route_plans ORDER BY prefix'),
      mo: await q('SELECT number, tenant_id FROM mo_numbers'),
    };
  }

  it('writes the example once; running it again changes nothing and credits the opening balance once', async () => {
    const config = parseBootstrapConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, join(EXAMPLE, '..'));
    const first = await applyBootstrapConfig(db.dataSource, config);
    expect(first.changes).toEqual(
      expect.arrayContaining([
        'provider infobip created',
        'rate deck of infobip version 1 (2 rows)',
        'tenant acme created',
        'opening balance of acme credited',
        'credential acme01 created',
        'price plan of acme version 1 (1 rows)',
        'price plan of default version 1 (1 rows)',
      ]),
    );
    const after = await snapshot();
    const second = await applyBootstrapConfig(db.dataSource, config);
    expect(second.changes).toEqual([]);
    expect(await snapshot()).toEqual(after);

    const topUps = await db.dataSource.query<{ amount: string }[]>(
      `SELECT amount::text FROM ledger_entries WHERE kind = 'topup' AND idempotency_key = 'bootstrap-opening:acme'`,
    );
    expect(topUps).toEqual([{ amount: '100000000' }]);
  });

  it('writes a new tariff version and updates a route plan only when they change', async () => {
    const text = readFileSync(EXAMPLE, 'utf8')
      .replace("{ prefix: '447', cost: '0.0250' }", "{ prefix: '447', cost: '0.0200' }")
      .replace('providers: [infobip, gatewayapi]', 'providers: [gatewayapi, infobip]');
    const changed = await applyBootstrapConfig(
      db.dataSource,
      parseBootstrapConfig(text, EXAMPLE, join(EXAMPLE, '..')),
    );
    expect(changed.changes).toEqual([
      'rate deck of infobip version 2 (2 rows)',
      "route plan '44' rank 0 updated",
    ]);
  });

  it('sets multipart receipts only when the file names them, and only when they differ', async () => {
    const acme = () =>
      db.dataSource.query<{ multipart_receipts: string }[]>(
        `SELECT multipart_receipts FROM tenants WHERE name = 'acme'`,
      );
    const apply = (text: string) =>
      applyBootstrapConfig(db.dataSource, parseBootstrapConfig(text, EXAMPLE, join(EXAMPLE, '..')));
    const example = readFileSync(EXAMPLE, 'utf8');
    await apply(example);

    const aggregated = await apply(
      example.replace('multipartReceipts: per_part', 'multipartReceipts: aggregated'),
    );
    expect(aggregated.changes).toEqual(['multipart receipts of acme: aggregated']);
    expect(await acme()).toEqual([{ multipart_receipts: 'aggregated' }]);

    const absent = await apply(example.replace('multipartReceipts: per_part', ''));
    expect(absent.changes).toEqual([]);
    expect(await acme()).toEqual([{ multipart_receipts: 'aggregated' }]);

    const perPart = await apply(example);
    expect(perPart.changes).toEqual(['multipart receipts of acme: per_part']);
  });
});
