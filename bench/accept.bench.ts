// npm run bench:accept: the SMPP gateway's durable accept path, end to end over loopback sockets.
// Starts the gateway in this process against a scratch database (on DATABASE_URL, or the embedded server when it
// is unset; created, migrated and dropped here); a load client in a worker thread (its own event loop, like an
// external ESME) binds several transmitters of one tenant, keeps `window` submits in flight on each and submits a
// bounded number of messages. Every submit_sm_resp ESME_ROK means the message row,
// its reservation and its outbox row were committed. Progress goes to stderr; stdout gets exactly one JSON line:
// {"bench":"accept","msgs_per_s":…,"p50_submit_resp_ms":…,"p99_submit_resp_ms":…,"binds":…,"window":…}
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { DatabaseServer, createDataSource, runMigrations } from '@app/database';
import { Gateway } from '@app/gateway';
import { CommandStatus, SmppSession, createPdu } from '@app/smpp';
import {
  createTestTenant,
  seedTestProvider,
  testRouter,
  testSettings,
} from '../libs/gateway/src/server/testing/gateway-harness';
import { cpuDelta, databaseUrl, postgresCpuMs, withAdmin } from './scratch-database';

// `npm run bench:accept -- [binds] [window]`
// (The load client's worker thread gets them from the main thread.)
const { binds: BINDS, window: WINDOW } = isMainThread
  ? { binds: Number(process.argv[2] ?? 4), window: Number(process.argv[3] ?? 50) }
  : (workerData as { binds: number; window: number });
const MESSAGES = 60_000;
const WARMUP = 2_000;
const SYSTEM_ID = 'bench';

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Submits `count` messages over `sessions`, `WINDOW` in flight on each; returns latencies of the OK ones. */
async function drive(
  sessions: SmppSession[],
  count: number,
): Promise<{ ok: number; failed: number; latencies: number[] }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const latencies: number[] = [];
  const worker = async (session: SmppSession, slot: number): Promise<void> => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      const resp = await session.request(
        createPdu('submit_sm', {
          source_addr: 'BENCH',
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: `4477${String(index % 10_000_000).padStart(8, '0')}`,
          short_message: Buffer.from(`bench message ${index} slot ${slot}`),
        }),
      );
      if (resp.command_status === CommandStatus.ESME_ROK) {
        ok++;
        latencies.push(performance.now() - started);
      } else failed++;
    }
  };
  await Promise.all(
    sessions.flatMap((session) => Array.from({ length: WINDOW }, (_, slot) => worker(session, slot))),
  );
  return { ok, failed, latencies };
}

interface ClientJob {
  readonly port: number;
  readonly binds: number;
  readonly window: number;
}

interface ClientResult {
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  readonly latencies: Float64Array;
}

/** The load client (worker thread): binds, warms up, then submits MESSAGES and reports the latencies. */
async function client({ port }: ClientJob): Promise<ClientResult> {
  const sessions: SmppSession[] = [];
  try {
    for (let i = 0; i < BINDS; i++) {
      const session = new SmppSession(await openSocket(port), {
        role: 'esme',
        windowSize: WINDOW,
        maxQueuedRequests: WINDOW,
        enquireLinkIntervalMs: 0,
      });
      session.on('error', () => undefined);
      await session.bind('transmitter', { system_id: SYSTEM_ID, password: 'secret' });
      sessions.push(session);
    }
    await drive(sessions, WARMUP);
    const started = performance.now();
    const { ok, failed, latencies } = await drive(sessions, MESSAGES);
    const seconds = (performance.now() - started) / 1000;
    return { ok, failed, seconds, latencies: Float64Array.from(latencies) };
  } finally {
    await Promise.all(sessions.map((session) => session.unbind()));
  }
}

function runClient(job: ClientJob): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load client exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const config = loadConfig();
  const server = await DatabaseServer.open(config);
  const scratch = `bench_accept_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource | undefined;
  let gateway: Gateway | undefined;
  try {
    await withAdmin(server.url, (client) => client.query(`CREATE DATABASE "${scratch}"`));
    console.error(`bench:accept on ${server.describe()}, scratch database ${scratch}`);
    dataSource = createDataSource(databaseUrl(server.url, scratch), {
      poolSize: 8,
      applicationName: 'bench-accept',
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
    await seedTestProvider(dataSource);
    await createTestTenant(
      dataSource,
      { systemId: SYSTEM_ID, tpsLimit: 1_000_000, maxBinds: BINDS },
      10n ** 15n,
    );

    const settings = testSettings({
      server: { inboundWindow: WINDOW },
      // The group commit as configured (SMPP_GROUP_COMMIT_* or their defaults).
      accept: {
        groupCommitWindowMs: config.smppGroupCommitWindowMs,
        groupCommitMaxBatch: config.smppGroupCommitMaxBatch,
        groupCommitConcurrency: config.smppGroupCommitConcurrency,
      },
    });
    gateway = new Gateway(settings, { dataSource, router: testRouter() }, loadConfig({}));
    await gateway.start();
    const port = gateway.server.ports.plain!;

    const backends = (sql: string) => dataSource!.query<Array<{ pid: number }>>(sql);
    const backendsSql = `SELECT pid FROM pg_stat_activity WHERE application_name = 'bench-accept'`;
    const pgBefore = await postgresCpuMs(backends, backendsSql);
    const cpuBefore = process.cpuUsage();
    const { ok, failed, seconds, latencies } = await runClient({ port, binds: BINDS, window: WINDOW });
    const cpu = process.cpuUsage(cpuBefore);
    const pgMs = cpuDelta(pgBefore, await postgresCpuMs(backends, backendsSql));
    const submitted = ok + failed + WARMUP;
    console.error(
      `CPU per submitted message: this process (gateway + load client) ${((cpu.user + cpu.system) / submitted).toFixed(0)} us` +
        (pgMs === undefined ? '' : `, Postgres backends ${((pgMs * 1000) / submitted).toFixed(0)} us`),
    );
    const sorted = latencies.sort();
    const [{ count }] = await dataSource.query<{ count: string }[]>(`SELECT count(*) FROM messages`);
    console.error(
      `${ok} accepted, ${failed} refused in ${seconds.toFixed(2)} s over ${BINDS} binds with window ${WINDOW}; ` +
        `messages table holds ${count} rows (warm-up included)`,
    );
    console.log(
      JSON.stringify({
        bench: 'accept',
        msgs_per_s: Math.round(ok / seconds),
        p50_submit_resp_ms: Number(percentile(sorted, 50).toFixed(2)),
        p99_submit_resp_ms: Number(percentile(sorted, 99).toFixed(2)),
        binds: BINDS,
        window: WINDOW,
      }),
    );
  } finally {
    await gateway?.stop();
    if (dataSource?.isInitialized === true) await dataSource.destroy();
    await withAdmin(server.url, (client) =>
      client.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`),
    );
    await server.close();
  }
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  void client(workerData as ClientJob).then((result) => parentPort?.postMessage(result));
}
