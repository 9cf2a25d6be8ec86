// One connector against its instant simulator (dlrDelayMs 0) on loopback, over a scratch database (on DATABASE_URL,
// or the embedded server when it is unset): submits per second through ConnectorRuntime.send (attempt rows, submit_sm,
// submit_sm_resp, message marked sent) and receipts per second taken in (correlated, recorded, queued to the tenant).
// Prints one JSON line on stdout; progress on stderr. The first argument picks the provider (default gatewayapi).
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { ConnectorRuntime, parseIndeterminatePolicy, type SendMessage } from '@app/connectors';
import { DatabaseServer, createDataSource, runMigrations } from '@app/database';
import { DeliveryService } from '@app/gateway';
import { PROVIDER_PROFILES, type ProviderId } from '@app/providers';
import { DEFAULT_SIM_ACCOUNT, selfSignedCertificate, startProviderSim } from '@app/provider-sim';
import { Registry } from 'prom-client';
import { databaseUrl, withAdmin } from './scratch-database';

const WARMUP = 1_000;
const MESSAGES = 10_000;
// Sends in flight = sessions x window, as the connector's dispatcher prefetches (libs/pipeline). GatewayAPI publishes
// neither a session limit nor a window (providers.md §2, "Max sessions: unknown"); 4 binds x 250 keep the window full
// while each batch of attempt rows is being written.
const SESSIONS = 4;
const WINDOW = 250;
const DEADLINE_MS = 120_000;

async function queueMessages(dataSource: DataSource, tenantId: string, count: number, tag: string) {
  // Destinations end in 0: the simulator accepts and sends DELIVRD.
  const rows: Array<{ id: string; destination_addr: string }> = await dataSource.query(
    `INSERT INTO messages (id, tenant_id, system_id, group_id, status, source_addr, source_addr_ton, source_addr_npi,
       destination_addr, dest_addr_ton, dest_addr_npi, esm_class, protocol_id, priority_flag, registered_delivery,
       data_coding, short_message, segments, submitted_at)
     SELECT $2 || lpad(i::text, 8, '0'), $1, 'bench', $2 || lpad(i::text, 8, '0'), 'queued', '4512345678', 1, 1,
            '45' || lpad((i * 10)::text, 8, '0'), 1, 1, 0, 0, 0, 1, 0, 'hi', 1, now()
     FROM generate_series(1, $3) AS i
     RETURNING id, destination_addr`,
    [tenantId, tag, count],
  );
  return rows.map((row): SendMessage => ({
    tenantId,
    routeAttempt: 1,
    message: {
      id: row.id,
      source: { type: 'number', number: '4512345678' },
      destination: { number: row.destination_addr },
      body: { kind: 'text', text: 'bench message' },
      registeredDelivery: 1,
    },
  }));
}

async function drive(
  runtime: ConnectorRuntime,
  messages: readonly SendMessage[],
  inFlight: number,
): Promise<number> {
  let next = 0;
  let accepted = 0;
  const worker = async () => {
    while (next < messages.length) {
      const outcome = await runtime.send(messages[next++]);
      if (outcome.kind === 'accepted') accepted++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return accepted;
}

async function waitForReceipts(runtime: ConnectorRuntime, count: number, deadline: number): Promise<void> {
  // Bounded by the deadline.
  while (runtime.counters.dlrs < count && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const provider = (process.argv[2] ?? 'gatewayapi') as ProviderId;
  const profile = PROVIDER_PROFILES[provider];
  if (profile === undefined) throw new Error(`unknown provider ${provider}`);
  const tls = profile.connection.tls === 'required';
  const server = await DatabaseServer.open(loadConfig());
  const scratch = `bench_connector_${randomBytes(4).toString('hex')}`;
  const sim = await startProviderSim({
    provider,
    dlrDelayMs: 0,
    ...(tls ? { tls: selfSignedCertificate(1) } : {}),
  });
  let dataSource: DataSource | undefined;
  let runtime: ConnectorRuntime | undefined;
  try {
    await withAdmin(server.url, (client) => client.query(`CREATE DATABASE "${scratch}"`));
    console.error(`bench:connector ${provider} on ${server.describe()}, scratch database ${scratch}`);
    dataSource = createDataSource(databaseUrl(server.url, scratch), {
      poolSize: 16,
      applicationName: 'bench-connector',
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
    const tenantId = '00000000-0000-4000-8000-000000000001';
    await dataSource.query(`INSERT INTO tenants (id, name, status) VALUES ($1, 'bench', 'active')`, [
      tenantId,
    ]);
    await dataSource.query(`INSERT INTO providers (id, name) VALUES ($1, $1)`, [provider]);
    const warmup = await queueMessages(dataSource, tenantId, WARMUP, 'w');
    const messages = await queueMessages(dataSource, tenantId, MESSAGES, 'm');

    runtime = new ConnectorRuntime({
      profile,
      hosts: [{ host: '127.0.0.1', port: sim.port, ...(tls ? { tls: { rejectUnauthorized: false } } : {}) }],
      systemId: DEFAULT_SIM_ACCOUNT.system_id,
      password: DEFAULT_SIM_ACCOUNT.password,
      sessions: SESSIONS,
      windowSize: WINDOW,
      tps: 1_000_000,
      indeterminate: parseIndeterminatePolicy('give-up'),
      dataSource,
      delivery: new DeliveryService(dataSource, {
        retentionMs: 3_600_000,
        retryMinMs: 1_000,
        retryMaxMs: 60_000,
        windowPerSession: 10,
        leaseMs: 60_000,
        pollMs: 5_000,
        registry: new Registry(),
      }),
    });
    runtime.start();
    const sessions = Math.min(SESSIONS, profile.session.maxSessions ?? SESSIONS);
    await runtime.whenBound(sessions);
    const inFlight = sessions * WINDOW;
    const deadline = performance.now() + DEADLINE_MS;

    await drive(runtime, warmup, inFlight);
    await waitForReceipts(runtime, WARMUP, deadline);
    const receiptsBefore = runtime.counters.dlrs;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const accepted = await drive(runtime, messages, inFlight);
    const submitSeconds = (performance.now() - started) / 1000;
    await waitForReceipts(runtime, receiptsBefore + MESSAGES, deadline);
    const receiptSeconds = (performance.now() - started) / 1000;
    const receipts = runtime.counters.dlrs - receiptsBefore;
    const cpu = process.cpuUsage(cpuBefore);
    console.error(
      `${accepted}/${MESSAGES} accepted in ${submitSeconds.toFixed(2)} s, ${receipts} receipts in ` +
        `${receiptSeconds.toFixed(2)} s; ${sessions} sessions x window ${WINDOW}, ${inFlight} sends in flight; ` +
        `this process (connector and simulator) used ${Math.round((cpu.user + cpu.system) / MESSAGES)} us CPU per message`,
    );
    console.log(
      JSON.stringify({
        bench: 'connector',
        provider,
        msgs_per_s: Math.round(accepted / submitSeconds),
        dlr_per_s: Math.round(receipts / receiptSeconds),
        messages: MESSAGES,
        sessions,
        window: WINDOW,
        in_flight: inFlight,
      }),
    );
  } finally {
    await runtime?.stop();
    await sim.stop();
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
