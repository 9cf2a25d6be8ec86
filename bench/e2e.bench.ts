// npm run bench:e2e [messages] [one-process|distributed|both]: the whole loop, tenant submit to tenant receipt.
// Per mode, on a scratch database (created on DATABASE_URL, default postgres://root@127.0.0.1:5432/postgres;
// migrated, seeded and dropped here) and with the infobip and gatewayapi simulators answering instantly
// (dlrDelayMs 0): one-process spawns the aggregator with the in-process bus (RABBITMQ_URL unset); distributed spawns
// smpp-server and the two connector apps over RabbitMQ (RABBITMQ_URL, default amqp://guest:guest@127.0.0.1:5672).
// A load client binds as the tenant (TX_BINDS transmitters with WINDOW submits in flight each, one receiver taking
// the receipts), submits `messages` (default 5,000) and waits, bounded, for a final receipt per accepted message.
// Progress goes to stderr; stdout gets one JSON line per mode:
// {"bench":"e2e","mode":…,"msgs_per_s":…,"dlr_per_s":…,"p50_submit_resp_ms":…,"p99_submit_resp_ms":…,"lost":…,
//  "duplicated_final_dlrs":…}
// lost: accepted ids with no final receipt when the wait ends; duplicated_final_dlrs: ids with more than one.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@app/config';
import { createDataSource, runMigrations } from '@app/database';
import {
  CommandStatus,
  SmppSession,
  createPdu,
  isFinalMessageState,
  parseDeliveryReceipt,
  statToMessageState,
} from '@app/smpp';
import { freePort, spawnApp, type RunningApp } from '@app/testing';
import { TENANT, seedRouting, startSimulators, waitForOutput } from '../test/pipeline/pipeline-fixture';
import {
  cpuDelta,
  databaseUrl as urlForDatabase,
  postgresCpuMs,
  processCpuMs,
  withAdmin,
} from './scratch-database';

const MODES = ['one-process', 'distributed'] as const;
type Mode = (typeof MODES)[number];

const DEFAULT_MESSAGES = 5_000;
/** seedRouting's opening balance pays for 500,000 messages at its price. */
const MAX_MESSAGES = 400_000;
const TX_BINDS = 4;
const WINDOW = 50;
/** deliver_sm in flight to the receiver bind (DELIVERY_WINDOW, and the receiver's inbound window). */
const RECEIPT_WINDOW = 100;
/** Upstream binds per connector; their window and TPS are set high so the providers are not the limit. */
const PROVIDER_SESSIONS = '4';
const PROVIDER_WINDOW = '100';
const PROVIDER_TPS = '100000';
const DEFAULT_ADMIN_URL = 'postgres://root@127.0.0.1:5432/postgres';
const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** How long to wait for the last final receipt after the last submit_sm_resp: a base plus 20 ms per message. */
const RECEIPT_WAIT_BASE_MS = 60_000;
const RECEIPT_WAIT_PER_MESSAGE_MS = 20;
const STOP_GRACE_MS = 10_000;

const REPO_ROOT = join(__dirname, '..');
const appMain = (name: string): string => join(REPO_ROOT, 'apps', name, 'src', 'main.ts');

interface ModeResult {
  bench: 'e2e';
  mode: Mode;
  msgs_per_s: number;
  dlr_per_s: number;
  p50_submit_resp_ms: number;
  p99_submit_resp_ms: number;
  lost: number;
  duplicated_final_dlrs: number;
}

function parseArguments(argv: readonly string[]): { messages: number; modes: readonly Mode[] } {
  const [countArgument, modeArgument = 'both'] = argv;
  const messages = countArgument === undefined ? DEFAULT_MESSAGES : Number(countArgument);
  if (!Number.isInteger(messages) || messages < 1 || messages > MAX_MESSAGES) {
    throw new Error(`messages must be an integer from 1 to ${MAX_MESSAGES}, got '${countArgument}'`);
  }
  if (modeArgument === 'both') return { messages, modes: MODES };
  const mode = MODES.find((candidate) => candidate === modeArgument);
  if (mode === undefined)
    throw new Error(`mode must be one-process, distributed or both, got '${modeArgument}'`);
  return { messages, modes: [mode] };
}

/** Migrated, with the pipeline e2e routing (infobip then gatewayapi for 45) and the tenant's limits raised. */
async function prepareDatabase(url: string): Promise<void> {
  const dataSource = createDataSource(url, { poolSize: 2, applicationName: 'bench-e2e' });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    await seedRouting(dataSource);
    await dataSource.query(
      `UPDATE tenant_credentials SET tps_limit = 1000000, max_binds = $2 WHERE system_id = $1`,
      [TENANT.systemId, TX_BINDS + 1],
    );
  } finally {
    await dataSource.destroy();
  }
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Final receipts per receipted message id, and the time the latest one arrived. */
class ReceiptTally {
  readonly finals = new Map<string, number>();
  lastFinalAt = 0;

  take(text: string): void {
    const receipt = parseDeliveryReceipt(text);
    const state = receipt.messageState ?? statToMessageState(receipt.stat);
    if (state === undefined || !isFinalMessageState(state)) return;
    this.finals.set(receipt.id, (this.finals.get(receipt.id) ?? 0) + 1);
    this.lastFinalAt = performance.now();
  }
}

async function bindReceiver(port: number, tally: ReceiptTally): Promise<SmppSession> {
  const session = new SmppSession(await openSocket(port), {
    role: 'esme',
    inboundWindowSize: RECEIPT_WINDOW,
    enquireLinkIntervalMs: 0,
    handler: {
      onRequest: (request) => {
        if (request.command === 'deliver_sm') tally.take(request.pdu.short_message.toString('latin1'));
        request.respond(CommandStatus.ESME_ROK);
      },
    },
  });
  session.on('error', () => undefined);
  await session.bind('receiver', { system_id: TENANT.systemId, password: TENANT.password });
  return session;
}

async function bindTransmitter(port: number): Promise<SmppSession> {
  const session = new SmppSession(await openSocket(port), {
    role: 'esme',
    windowSize: WINDOW,
    maxQueuedRequests: WINDOW,
    enquireLinkIntervalMs: 0,
  });
  session.on('error', () => undefined);
  await session.bind('transmitter', { system_id: TENANT.systemId, password: TENANT.password });
  return session;
}

/** Submits `count` messages over `sessions`, WINDOW in flight on each; the accepted ids and their latencies. */
async function submitAll(
  sessions: readonly SmppSession[],
  count: number,
): Promise<{ accepted: string[]; refused: Map<number, number>; latencies: number[] }> {
  let next = 0;
  const accepted: string[] = [];
  const refused = new Map<number, number>();
  const latencies: number[] = [];
  const worker = async (session: SmppSession): Promise<void> => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      const response = await session.request(
        createPdu('submit_sm', {
          source_addr: 'BENCH',
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          // The simulators accept and deliver destinations ending in 0.
          destination_addr: `4530${String(index).padStart(7, '0')}0`,
          registered_delivery: 1,
          short_message: Buffer.from(`bench e2e ${index}`),
        }),
      );
      if (response.command_status === CommandStatus.ESME_ROK) {
        accepted.push(response.message_id);
        latencies.push(performance.now() - started);
      } else refused.set(response.command_status, (refused.get(response.command_status) ?? 0) + 1);
    }
  };
  await Promise.all(sessions.flatMap((session) => Array.from({ length: WINDOW }, () => worker(session))));
  return { accepted, refused, latencies };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** SIGTERM, then SIGKILL after STOP_GRACE_MS; each app by its own child process. */
async function stopApps(apps: readonly RunningApp[]): Promise<void> {
  await Promise.all(
    apps.map(async (app) => {
      if (app.child.exitCode !== null || app.child.signalCode !== null) return;
      app.child.kill('SIGTERM');
      const killer = setTimeout(() => app.child.kill('SIGKILL'), STOP_GRACE_MS);
      await app.exited;
      clearTimeout(killer);
    }),
  );
}

async function startApps(
  mode: Mode,
  common: Record<string, string | undefined>,
): Promise<{
  apps: RunningApp[];
  smppPort: number;
}> {
  const smppPort = await freePort();
  const apps: RunningApp[] = [];
  try {
    if (mode === 'one-process') {
      const aggregator = spawnApp(appMain('aggregator'), REPO_ROOT, {
        ...common,
        RABBITMQ_URL: undefined,
        SMPP_PORT: String(smppPort),
        HTTP_PORT: String(await freePort()),
      });
      apps.push(aggregator);
      await waitForOutput(aggregator, 'outbox relay started', 90_000);
    } else {
      const server = spawnApp(appMain('smpp-server'), REPO_ROOT, {
        ...common,
        SMPP_PORT: String(smppPort),
        HTTP_PORT: String(await freePort()),
      });
      apps.push(server);
      for (const name of ['connector-infobip', 'connector-gatewayapi']) {
        apps.push(spawnApp(appMain(name), REPO_ROOT, { ...common, HTTP_PORT: String(await freePort()) }));
      }
      await Promise.all([
        waitForOutput(apps[0], 'SMPP server ready', 90_000),
        waitForOutput(apps[1], 'TPS, window', 90_000),
        waitForOutput(apps[2], 'TPS, window', 90_000),
      ]);
    }
    return { apps, smppPort };
  } catch (error) {
    await stopApps(apps);
    throw error;
  }
}

async function runMode(
  mode: Mode,
  messages: number,
  adminUrl: string,
  rabbitmqUrl: string,
): Promise<ModeResult> {
  const scratch = `bench_e2e_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${scratch}"`));
  const sims = await startSimulators(0);
  let apps: RunningApp[] = [];
  const sessions: SmppSession[] = [];
  try {
    const databaseUrl = urlForDatabase(adminUrl, scratch);
    await prepareDatabase(databaseUrl);
    const providerEnv: Record<string, string> = {};
    for (const prefix of ['INFOBIP', 'GATEWAYAPI']) {
      providerEnv[`${prefix}_SESSIONS`] = PROVIDER_SESSIONS;
      providerEnv[`${prefix}_WINDOW`] = PROVIDER_WINDOW;
      providerEnv[`${prefix}_TPS`] = PROVIDER_TPS;
    }
    const started = await startApps(mode, {
      ...sims.env,
      ...providerEnv,
      DATABASE_URL: databaseUrl,
      RABBITMQ_URL: rabbitmqUrl,
      DELIVERY_WINDOW: String(RECEIPT_WINDOW),
      LOG_LEVEL: 'log',
    });
    apps = started.apps;
    console.error(`bench:e2e ${mode}: ${apps.length} process(es) up, scratch database ${scratch}`);

    const tally = new ReceiptTally();
    sessions.push(await bindReceiver(started.smppPort, tally));
    for (let i = 0; i < TX_BINDS; i++) sessions.push(await bindTransmitter(started.smppPort));

    // CPU of the apps and of the scratch database's Postgres backends, to say where a message's cost goes.
    const appCpu = (): Map<number, number> | undefined => {
      const readings = new Map<number, number>();
      for (const app of apps) {
        const ms = app.child.pid === undefined ? undefined : processCpuMs(app.child.pid);
        if (ms === undefined) return undefined;
        readings.set(app.child.pid as number, ms);
      }
      return readings;
    };
    const backendsSql = `SELECT pid FROM pg_stat_activity WHERE datname = '${scratch}'`;
    const backends = (sql: string) =>
      withAdmin(adminUrl, async (client) => (await client.query<{ pid: number }>(sql)).rows);
    const appsBefore = appCpu();
    const pgBefore = await postgresCpuMs(backends, backendsSql);

    const begin = performance.now();
    const { accepted, refused, latencies } = await submitAll(sessions.slice(1), messages);
    const submitSeconds = (performance.now() - begin) / 1000;
    const deadline = performance.now() + RECEIPT_WAIT_BASE_MS + RECEIPT_WAIT_PER_MESSAGE_MS * messages;
    const missing = (): number => accepted.filter((id) => !tally.finals.has(id)).length;
    // Bounded by the deadline.
    while (missing() > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const receiptSeconds = (Math.max(tally.lastFinalAt, begin) - begin) / 1000;
    const finals = accepted.filter((id) => tally.finals.has(id)).length;
    const lost = missing();
    const duplicated = accepted.filter((id) => (tally.finals.get(id) ?? 0) > 1).length;
    const sorted = Float64Array.from(latencies).sort();
    const appsMs = cpuDelta(appsBefore, appCpu());
    const pgMs = cpuDelta(pgBefore, await postgresCpuMs(backends, backendsSql));
    if (appsMs !== undefined && pgMs !== undefined && accepted.length > 0) {
      console.error(
        `bench:e2e ${mode}: CPU per accepted message ${(((appsMs + pgMs) * 1000) / accepted.length).toFixed(0)} us ` +
          `(apps ${((appsMs * 1000) / accepted.length).toFixed(0)} us, Postgres backends ` +
          `${((pgMs * 1000) / accepted.length).toFixed(0)} us; simulators and load client not counted)`,
      );
    }
    console.error(
      `bench:e2e ${mode}: ${accepted.length}/${messages} accepted in ${submitSeconds.toFixed(2)} s ` +
        `(refused: ${JSON.stringify(Object.fromEntries(refused))}), ${finals} final receipts in ` +
        `${receiptSeconds.toFixed(2)} s; ${TX_BINDS} transmitters x window ${WINDOW}`,
    );
    return {
      bench: 'e2e',
      mode,
      msgs_per_s: Math.round(accepted.length / submitSeconds),
      dlr_per_s: receiptSeconds > 0 ? Math.round(finals / receiptSeconds) : 0,
      p50_submit_resp_ms: Number(percentile(sorted, 50).toFixed(2)),
      p99_submit_resp_ms: Number(percentile(sorted, 99).toFixed(2)),
      lost,
      duplicated_final_dlrs: duplicated,
    };
  } finally {
    await Promise.all(sessions.map((session) => session.unbind().catch(() => session.close())));
    await stopApps(apps);
    await sims.stop();
    await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`));
  }
}

async function main(): Promise<void> {
  const { messages, modes } = parseArguments(process.argv.slice(2));
  const config = loadConfig();
  const adminUrl = config.databaseUrl ?? DEFAULT_ADMIN_URL;
  const rabbitmqUrl = config.rabbitmqUrl ?? DEFAULT_RABBITMQ_URL;
  for (const mode of modes) console.log(JSON.stringify(await runMode(mode, messages, adminUrl, rabbitmqUrl)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
