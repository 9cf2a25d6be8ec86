import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { RoutingDataError, TariffImportError } from './errors';
import { TariffImportRepository } from './tariff-import.repository';

const EFFECTIVE = new Date('2025-03-01T00:00:00Z');
const csv = (...lines: string[]) => Readable.from([lines.join('\n') + '\n']);

describe('TariffImportRepository (Postgres)', () => {
  let database: TestDatabase;
  let imports: TariffImportRepository;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    imports = new TariffImportRepository(database.dataSource);
    await database.dataSource.query(
      `INSERT INTO providers (id, name, health) VALUES ('infobip', 'Infobip', 'up'), ('labsmobile', 'LabsMobile', 'up')`,
    );
    const [tenant] = await database.dataSource.query<{ id: string }[]>(
      `INSERT INTO tenants (name) VALUES ('acme') RETURNING id`,
    );
    tenantId = tenant.id;
  });

  afterAll(async () => {
    await database.drop();
  });

  async function count(sql: string, parameters: unknown[] = []): Promise<number> {
    const [row] = await database.dataSource.query<{ count: string }[]>(sql, parameters);
    return Number(row.count);
  }

  it('imports a rate deck as a new ready version with exact costs', async () => {
    const first = await imports.importRateDeck(
      csv(
        'prefix,cost,country,mcc,mnc,network',
        '4477,0.00375,GB,234,15,"Vodafone\tUK \\ Ltd"',
        '44,0.01,,,,',
      ),
      { providerId: 'infobip', currency: 'EUR', effectiveFrom: EFFECTIVE },
    );
    expect(first).toMatchObject({ version: 1, rowCount: 2, effectiveFrom: EFFECTIVE });
    const [deck] = await database.dataSource.query(`SELECT * FROM rate_decks WHERE id = $1`, [first.id]);
    expect(deck).toMatchObject({
      provider_id: 'infobip',
      version: 1,
      currency: 'EUR',
      status: 'ready',
      row_count: 2,
    });
    expect(deck.effective_from).toEqual(EFFECTIVE);
    const entries = await database.dataSource.query(
      `SELECT prefix, cost_per_segment, country, mcc, mnc, network FROM rate_deck_entries WHERE deck_id = $1 ORDER BY prefix`,
      [first.id],
    );
    expect(entries).toEqual([
      { prefix: '44', cost_per_segment: '10000', country: null, mcc: null, mnc: null, network: null },
      {
        prefix: '4477',
        cost_per_segment: '3750',
        country: 'GB',
        mcc: '234',
        mnc: '15',
        network: 'Vodafone\tUK \\ Ltd',
      },
    ]);
    const second = await imports.importRateDeck(csv('prefix,cost', '44,0.02'), {
      providerId: 'infobip',
      currency: 'EUR',
      effectiveFrom: new Date('2025-04-01T00:00:00Z'),
    });
    expect(second.version).toBe(2);
  });

  it('applies nothing when any row is invalid, and reports every error with its line', async () => {
    const decksBefore = await count(`SELECT count(*) FROM rate_decks`);
    const entriesBefore = await count(`SELECT count(*) FROM rate_deck_entries`);
    const rows = ['prefix,cost,country'];
    for (let index = 0; index < 5_000; index++) rows.push(`${700_000 + index},0.001,FR`);
    rows.push(
      '+33,0.01,FR',
      '34,-1,ES',
      '35,x,PT',
      '36,0.1234567,IE',
      '700000,0.01,FR',
      '37,0.01',
      '38,0.01,FRA',
    );
    const rejected = imports.importRateDeck(csv(...rows), {
      providerId: 'labsmobile',
      currency: 'EUR',
      effectiveFrom: EFFECTIVE,
    });
    await expect(rejected).rejects.toThrow(TariffImportError);
    const error = (await rejected.catch((caught: unknown) => caught)) as TariffImportError;
    expect(error.totalErrors).toBe(7);
    expect(error.errors.map((item) => item.line)).toEqual([5002, 5003, 5004, 5005, 5006, 5007, 5008]);
    expect(error.errors[4].message).toBe('duplicate prefix 700000 (first on line 2)');
    expect(await count(`SELECT count(*) FROM rate_decks`)).toBe(decksBefore);
    expect(await count(`SELECT count(*) FROM rate_deck_entries`)).toBe(entriesBefore);
    // The failed import did not use up a version number.
    const next = await imports.importRateDeck(csv('prefix,cost', '33,0.01'), {
      providerId: 'labsmobile',
      currency: 'EUR',
      effectiveFrom: EFFECTIVE,
    });
    expect(next.version).toBe(1);
  });

  it('refuses an unknown provider or tenant, a bad currency and a bad date, applying nothing', async () => {
    const decksBefore = await count(`SELECT count(*) FROM rate_decks`);
    await expect(
      imports.importRateDeck(csv('prefix,cost', '44,1'), {
        providerId: 'nobody',
        currency: 'EUR',
        effectiveFrom: EFFECTIVE,
      }),
    ).rejects.toThrow(RoutingDataError);
    await expect(
      imports.importRateDeck(csv('prefix,cost', '44,1'), {
        providerId: 'infobip',
        currency: 'eur',
        effectiveFrom: EFFECTIVE,
      }),
    ).rejects.toThrow(RoutingDataError);
    await expect(
      imports.importRateDeck(csv('prefix,cost', '44,1'), {
        providerId: 'infobip',
        currency: 'EUR',
        effectiveFrom: new Date('x'),
      }),
    ).rejects.toThrow(RoutingDataError);
    await expect(
      imports.importPricePlan(csv('prefix,price', '44,1'), {
        tenantId: '00000000-0000-4000-8000-000000000000',
        currency: 'EUR',
        effectiveFrom: EFFECTIVE,
      }),
    ).rejects.toThrow(RoutingDataError);
    expect(await count(`SELECT count(*) FROM rate_decks`)).toBe(decksBefore);
  });

  it('imports price plan versions per owner with their refund policy', async () => {
    const defaultPlan = await imports.importPricePlan(csv('prefix,price', '44,0.05', '4477,0.045'), {
      tenantId: null,
      currency: 'EUR',
      effectiveFrom: EFFECTIVE,
    });
    const tenantPlan = await imports.importPricePlan(csv('prefix,price', '44,0.04'), {
      tenantId,
      currency: 'EUR',
      effectiveFrom: EFFECTIVE,
      refundOnUndeliverable: true,
      refundOnRejected: false,
    });
    const defaultAgain = await imports.importPricePlan(csv('prefix,price', '44,0.06'), {
      tenantId: null,
      currency: 'EUR',
      effectiveFrom: EFFECTIVE,
    });
    expect([defaultPlan.version, tenantPlan.version, defaultAgain.version]).toEqual([1, 1, 2]);
    const plans = await database.dataSource.query(
      `SELECT tenant_id, version, status, row_count, refund_on_undeliverable, refund_on_expired, refund_on_rejected
       FROM price_plans ORDER BY created_at, version`,
    );
    expect(plans).toEqual([
      {
        tenant_id: null,
        version: 1,
        status: 'ready',
        row_count: 2,
        refund_on_undeliverable: false,
        refund_on_expired: false,
        refund_on_rejected: true,
      },
      {
        tenant_id: tenantId,
        version: 1,
        status: 'ready',
        row_count: 1,
        refund_on_undeliverable: true,
        refund_on_expired: false,
        refund_on_rejected: false,
      },
      {
        tenant_id: null,
        version: 2,
        status: 'ready',
        row_count: 1,
        refund_on_undeliverable: false,
        refund_on_expired: false,
        refund_on_rejected: true,
      },
    ]);
    const prices = await database.dataSource.query(
      `SELECT prefix, price_per_segment FROM price_plan_entries WHERE plan_id = $1 ORDER BY prefix`,
      [defaultPlan.id],
    );
    expect(prices).toEqual([
      { prefix: '44', price_per_segment: '50000' },
      { prefix: '4477', price_per_segment: '45000' },
    ]);
    await expect(
      imports.importPricePlan(csv('prefix,price', '44,0.05', '44,0.06'), {
        tenantId,
        currency: 'EUR',
        effectiveFrom: EFFECTIVE,
      }),
    ).rejects.toMatchObject({ totalErrors: 1, errors: [{ line: 3, column: 'prefix' }] });
  });

  it('streams a 500,000-row file from disk into one version', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'rate-deck-'));
    try {
      const path = join(directory, 'deck.csv');
      const file = createWriteStream(path);
      file.write('prefix,cost,country,network\n');
      for (let index = 0; index < 500_000; index += 10_000) {
        const chunk: string[] = [];
        for (let offset = 0; offset < 10_000; offset++) {
          const prefix = 1_000_000 + index + offset;
          chunk.push(`${prefix},0.${String(prefix % 1_000_000).padStart(6, '0')},GB,Net ${prefix % 7}\n`);
        }
        if (!file.write(chunk.join(''))) await once(file, 'drain');
      }
      file.end();
      await once(file, 'finish');

      const result = await imports.importRateDeck(createReadStream(path), {
        providerId: 'labsmobile',
        currency: 'EUR',
        effectiveFrom: EFFECTIVE,
      });
      expect(result.rowCount).toBe(500_000);
      const [summary] = await database.dataSource.query(
        `SELECT count(*)::int AS rows, sum(cost_per_segment)::text AS total, max(prefix) AS last
         FROM rate_deck_entries WHERE deck_id = $1`,
        [result.id],
      );
      // Costs are prefix mod 10^6 micro-units: the sum of 0..499,999.
      expect(summary).toEqual({ rows: 500_000, total: String((499_999 * 500_000) / 2), last: '1499999' });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 120_000);
});
