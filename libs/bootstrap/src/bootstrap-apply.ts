import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { LedgerRepository } from '@app/billing';
import { CredentialService } from '@app/gateway';
import { parseDecimalMicros, TariffImportRepository } from '@app/routing';
import type { DataSource } from 'typeorm';
import type { BootstrapConfig, BootstrapRoutePlan, TariffRow, TariffSource } from './bootstrap-config';

/** What one application changed, one line per row created or updated; empty when the database already matched. */
export interface BootstrapApplied {
  readonly changes: readonly string[];
}

/** Rows of a tariff; a CSV file is read here (header `prefix,<amountColumn>`; the importer validates it fully). */
function tariffRows(source: TariffSource, amountColumn: 'cost' | 'price'): TariffRow[] | undefined {
  if ('rows' in source) return [...source.rows];
  const [header, ...lines] = readFileSync(source.csvPath, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const columns = (header ?? '').split(',').map((column) => column.trim());
  const prefixAt = columns.indexOf('prefix');
  const amountAt = columns.indexOf(amountColumn);
  const rows: TariffRow[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    const amount = parseDecimalMicros((cells[amountAt] ?? '').trim());
    if (prefixAt < 0 || amountAt < 0 || !amount.ok) return undefined;
    rows.push({ prefix: (cells[prefixAt] ?? '').trim(), micros: amount.micros });
  }
  return rows;
}

function fingerprint(rows: readonly TariffRow[]): string {
  return rows
    .map((row) => `${row.prefix}:${row.micros}`)
    .sort()
    .join(',');
}

function csvOf(source: TariffSource, rows: readonly TariffRow[] | undefined, amountColumn: string): Readable {
  if ('csvPath' in source || rows === undefined)
    return Readable.from([readFileSync((source as { csvPath: string }).csvPath)]);
  const micros = (value: bigint) => `${value / 1_000_000n}.${String(value % 1_000_000n).padStart(6, '0')}`;
  return Readable.from([
    `prefix,${amountColumn}\n${rows.map((r) => `${r.prefix},${micros(r.micros)}`).join('\n')}\n`,
  ]);
}

function sameRoutePlan(row: Record<string, unknown>, plan: BootstrapRoutePlan): boolean {
  return (
    row.strategy === plan.strategy &&
    JSON.stringify(row.providers) === JSON.stringify(plan.providers) &&
    JSON.stringify(row.allow_providers) === JSON.stringify(plan.allowProviders) &&
    JSON.stringify(row.deny_providers) === JSON.stringify(plan.denyProviders) &&
    row.enabled === true
  );
}

/**
 * Writes a validated bootstrap configuration idempotently: providers by id, tenants by name, credentials by
 * system_id (an existing credential keeps its password: rotate it through the admin API), the opening balance as
 * one top-up per tenant (idempotency key `bootstrap-opening:<tenant name>`), a tariff only when its rows differ
 * from the newest version, route plans by (tenant, prefix, rank), MO numbers by number. Running it twice changes
 * nothing the second time.
 */
export async function applyBootstrapConfig(
  dataSource: DataSource,
  config: BootstrapConfig,
): Promise<BootstrapApplied> {
  const changes: string[] = [];
  const ledger = new LedgerRepository(dataSource);
  const credentials = new CredentialService(dataSource);
  const tariffs = new TariffImportRepository(dataSource);

  for (const provider of config.providers) {
    const [row] = await dataSource.query<{ inserted: boolean }[]>(
      `INSERT INTO providers (id, name, enabled) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, enabled = EXCLUDED.enabled
         WHERE providers.name IS DISTINCT FROM EXCLUDED.name OR providers.enabled IS DISTINCT FROM EXCLUDED.enabled
       RETURNING (xmax = 0) AS inserted`,
      [provider.id, provider.name, provider.enabled],
    );
    if (row !== undefined) changes.push(`provider ${provider.id} ${row.inserted ? 'created' : 'updated'}`);
    if (provider.rateDeck !== undefined) {
      const rows = tariffRows(provider.rateDeck, 'cost');
      const [current] = await dataSource.query<{ print: string | null }[]>(
        `SELECT (SELECT string_agg(e.prefix || ':' || e.cost_per_segment, ',' ORDER BY e.prefix || ':' || e.cost_per_segment)
                   FROM rate_deck_entries e WHERE e.deck_id = d.id) AS print
         FROM rate_decks d WHERE d.provider_id = $1 AND d.status = 'ready' AND d.currency = $2
         ORDER BY d.version DESC LIMIT 1`,
        [provider.id, provider.currency],
      );
      if (rows === undefined || current === undefined || (current.print ?? '') !== fingerprint(rows)) {
        const imported = await tariffs.importRateDeck(csvOf(provider.rateDeck, rows, 'cost'), {
          providerId: provider.id,
          currency: provider.currency,
          effectiveFrom: new Date(),
        });
        changes.push(`rate deck of ${provider.id} version ${imported.version} (${imported.rowCount} rows)`);
      }
    }
  }

  const tenantIds = new Map<string, string | null>();
  for (const tenant of config.tenants) {
    let [found] = await dataSource.query<{ id: string }[]>('SELECT id FROM tenants WHERE name = $1', [
      tenant.name,
    ]);
    if (found === undefined) {
      [found] = await dataSource.query<{ id: string }[]>(
        'INSERT INTO tenants (name) VALUES ($1) RETURNING id',
        [tenant.name],
      );
      changes.push(`tenant ${tenant.name} created`);
    }
    const tenantId = found.id;
    if (tenant.multipartReceipts !== undefined) {
      const updated = await dataSource.query<[unknown[], number]>(
        `UPDATE tenants SET multipart_receipts = $2, updated_at = now()
          WHERE id = $1 AND multipart_receipts <> $2`,
        [tenantId, tenant.multipartReceipts],
      );
      if (updated[1] > 0) changes.push(`multipart receipts of ${tenant.name}: ${tenant.multipartReceipts}`);
    }
    tenantIds.set(tenant.name, tenantId);
    await dataSource.transaction(async (tx) => {
      let account = await ledger.findAccountByTenant(tx, tenantId);
      if (account === undefined) {
        account = await ledger.openAccount(tx, {
          tenantId,
          currency: tenant.currency,
          creditLimit: tenant.creditLimit,
        });
        changes.push(`account of ${tenant.name} opened (${tenant.currency})`);
      }
      if (tenant.openingBalance > 0n) {
        const key = `bootstrap-opening:${tenant.name}`;
        const [existing] = await tx.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM ledger_entries WHERE idempotency_key = $1',
          [key],
        );
        if (existing.n === 0) {
          await ledger.topUp(tx, {
            accountId: account.id,
            currency: account.currency,
            amount: tenant.openingBalance,
            idempotencyKey: key,
          });
          changes.push(`opening balance of ${tenant.name} credited`);
        }
      }
    });
    for (const credential of tenant.credentials) {
      const [existing] = await dataSource.query<{ tenant_id: string }[]>(
        'SELECT tenant_id FROM tenant_credentials WHERE system_id = $1',
        [credential.systemId],
      );
      if (existing === undefined) {
        await credentials.createCredential(tenantId, credential);
        changes.push(`credential ${credential.systemId} created`);
      } else if (existing.tenant_id !== tenantId) {
        throw new Error(`system_id ${credential.systemId} already belongs to another tenant`);
      }
    }
    for (const number of tenant.moNumbers) {
      const written = await dataSource.query<unknown[]>(
        `INSERT INTO mo_numbers (number, tenant_id) VALUES ($1, $2)
         ON CONFLICT (number) DO UPDATE SET tenant_id = EXCLUDED.tenant_id WHERE mo_numbers.tenant_id <> EXCLUDED.tenant_id
         RETURNING number`,
        [number, tenantId],
      );
      if (written.length > 0) changes.push(`MO number ${number} -> ${tenant.name}`);
    }
  }

  const pricePlans = [
    ...config.tenants.flatMap((tenant) =>
      tenant.pricePlan === undefined
        ? []
        : [
            {
              tenantId: tenantIds.get(tenant.name) ?? null,
              currency: tenant.currency,
              source: tenant.pricePlan,
              owner: tenant.name,
            },
          ],
    ),
    ...(config.defaultPricePlan === undefined
      ? []
      : [
          {
            tenantId: null,
            currency: config.defaultPricePlan.currency,
            source: config.defaultPricePlan,
            owner: 'default',
          },
        ]),
  ];
  for (const plan of pricePlans) {
    const rows = tariffRows(plan.source, 'price');
    const [current] = await dataSource.query<{ print: string | null }[]>(
      `SELECT (SELECT string_agg(e.prefix || ':' || e.price_per_segment, ',' ORDER BY e.prefix || ':' || e.price_per_segment)
                 FROM price_plan_entries e WHERE e.plan_id = p.id) AS print
       FROM price_plans p WHERE p.tenant_id IS NOT DISTINCT FROM $1 AND p.status = 'ready' AND p.currency = $2
       ORDER BY p.version DESC LIMIT 1`,
      [plan.tenantId, plan.currency],
    );
    if (rows === undefined || current === undefined || (current.print ?? '') !== fingerprint(rows)) {
      const imported = await tariffs.importPricePlan(csvOf(plan.source, rows, 'price'), {
        tenantId: plan.tenantId,
        currency: plan.currency,
        effectiveFrom: new Date(),
      });
      changes.push(`price plan of ${plan.owner} version ${imported.version} (${imported.rowCount} rows)`);
    }
  }

  const routePlans = [
    ...config.routePlans.map((plan) => ({ tenantId: null as string | null, plan })),
    ...config.tenants.flatMap((tenant) =>
      tenant.routePlans.map((plan) => ({ tenantId: tenantIds.get(tenant.name) ?? null, plan })),
    ),
  ];
  for (const { tenantId, plan } of routePlans) {
    const [existing] = await dataSource.query<Record<string, unknown>[]>(
      `SELECT id, strategy, providers, allow_providers, deny_providers, enabled FROM route_plans
       WHERE tenant_id IS NOT DISTINCT FROM $1 AND prefix = $2 AND rank = $3 ORDER BY created_at LIMIT 1`,
      [tenantId, plan.prefix, plan.rank],
    );
    const values = [
      plan.strategy,
      JSON.stringify(plan.providers),
      JSON.stringify(plan.allowProviders),
      JSON.stringify(plan.denyProviders),
    ];
    if (existing === undefined) {
      await dataSource.query(
        `INSERT INTO route_plans (tenant_id, prefix, rank, strategy, providers, allow_providers, deny_providers, filters)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, '{}'::jsonb)`,
        [tenantId, plan.prefix, plan.rank, ...values],
      );
      changes.push(`route plan '${plan.prefix}' rank ${plan.rank} created`);
    } else if (!sameRoutePlan(existing, plan)) {
      await dataSource.query(
        `UPDATE route_plans SET strategy = $2, providers = $3::jsonb, allow_providers = $4::jsonb,
           deny_providers = $5::jsonb, enabled = true, updated_at = now() WHERE id = $1`,
        [existing.id, ...values],
      );
      changes.push(`route plan '${plan.prefix}' rank ${plan.rank} updated`);
    }
  }
  if (changes.length > 0) await dataSource.query(`NOTIFY routing_changed, 'tables'`);
  return { changes };
}
