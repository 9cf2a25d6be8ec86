// `npm run bench:ledger`: batched reservations (group commit) on one hot tenant and spread over 100 tenants.
// Runs against DATABASE_URL, or the embedded server when it is unset, in a scratch database created, migrated and
// dropped here. Progress goes to stderr; stdout gets exactly one JSON line:
// {"bench":"ledger","hot_tenant_reserved_per_s":…,"spread_tenants_reserved_per_s":…}
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { LedgerRepository, type AccountSnapshot, type ReserveRequest } from '@app/billing';
import { loadConfig } from '@app/config';
import { DatabaseServer, createDataSource, runMigrations } from '@app/database';
import type { DataSource } from 'typeorm';
import { databaseUrl, withAdmin } from './scratch-database';

const BATCH_SIZE = 500;
const WRITERS = 4;
/** Per scenario: stop after this many messages or this much time, whichever comes first. */
const MAX_MESSAGES = 200_000;
const MAX_MILLISECONDS = 15_000;
const SPREAD_TENANTS = 100;
const PRICE_PER_SEGMENT = 3_750n;

interface ScenarioResult {
  reserved: number;
  refused: number;
  seconds: number;
}

async function openAccounts(
  ledger: LedgerRepository,
  dataSource: DataSource,
  count: number,
): Promise<AccountSnapshot[]> {
  const accounts: AccountSnapshot[] = [];
  for (let n = 0; n < count; n++) {
    const [tenant] = await dataSource.query<{ id: string }[]>(
      'INSERT INTO tenants (name) VALUES ($1) RETURNING id',
      [`bench-${randomBytes(6).toString('hex')}`],
    );
    const account = await ledger.openAccount(dataSource.manager, { tenantId: tenant.id, currency: 'EUR' });
    await ledger.topUp(dataSource.manager, {
      accountId: account.id,
      currency: 'EUR',
      amount: 10n ** 15n,
      idempotencyKey: `bench-topup-${account.id}`,
    });
    accounts.push(account);
  }
  return accounts;
}

/** WRITERS concurrent writers, each committing one reserveBatch of BATCH_SIZE per transaction. */
async function runScenario(
  name: string,
  ledger: LedgerRepository,
  dataSource: DataSource,
  pickAccount: (n: number) => AccountSnapshot,
  maxMessages = MAX_MESSAGES,
): Promise<ScenarioResult> {
  let issued = 0;
  let reserved = 0;
  let refused = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + MAX_MILLISECONDS;
  const writer = async (): Promise<void> => {
    while (issued < maxMessages && Date.now() < deadline) {
      const first = issued;
      issued += BATCH_SIZE;
      const batch: ReserveRequest[] = Array.from({ length: BATCH_SIZE }, (_, i) => {
        const account = pickAccount(first + i);
        return {
          idempotencyKey: `${name}-${first + i}`,
          accountId: account.id,
          currency: account.currency,
          segments: 1 + ((first + i) % 3),
          pricePerSegment: PRICE_PER_SEGMENT,
          messageRef: `${name}-${first + i}`,
          destinationPrefix: '4915',
        };
      });
      const results = await dataSource.transaction((manager) => ledger.reserveBatch(manager, batch));
      for (const result of results) {
        if (result.ok) reserved++;
        else refused++;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.error(
    `${name}: ${reserved} reserved, ${refused} refused in ${seconds.toFixed(2)} s ` +
      `(${WRITERS} writers, batches of ${BATCH_SIZE}) = ${Math.round(reserved / seconds)} reservations/s`,
  );
  return { reserved, refused, seconds };
}

async function main(): Promise<void> {
  const server = await DatabaseServer.open(loadConfig());
  const scratch = `bench_ledger_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource | undefined;
  try {
    await withAdmin(server.url, (client) => client.query(`CREATE DATABASE "${scratch}"`));
    console.error(`bench:ledger on ${server.describe()}, scratch database ${scratch}`);
    dataSource = createDataSource(databaseUrl(server.url, scratch), {
      poolSize: WRITERS + 2,
      applicationName: 'bench-ledger',
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
    const ledger = new LedgerRepository(dataSource);

    const [hot] = await openAccounts(ledger, dataSource, 1);
    const spread = await openAccounts(ledger, dataSource, SPREAD_TENANTS);
    // A short warm-up so that neither scenario pays for cold caches and JIT.
    await runScenario('warmup', ledger, dataSource, () => hot, 10_000);

    const hotResult = await runScenario('hot', ledger, dataSource, () => hot);
    const spreadResult = await runScenario(
      'spread',
      ledger,
      dataSource,
      (n) => spread[(n * 7919) % SPREAD_TENANTS],
    );
    if (hotResult.refused > 0 || spreadResult.refused > 0)
      throw new Error('the bench accounts ran out of money');

    console.log(
      JSON.stringify({
        bench: 'ledger',
        hot_tenant_reserved_per_s: Math.round(hotResult.reserved / hotResult.seconds),
        spread_tenants_reserved_per_s: Math.round(spreadResult.reserved / spreadResult.seconds),
      }),
    );
  } finally {
    if (dataSource?.isInitialized === true) await dataSource.destroy();
    await withAdmin(server.url, (client) =>
      client.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`),
    );
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
