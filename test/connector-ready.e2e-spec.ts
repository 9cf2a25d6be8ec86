import { join } from 'node:path';
import { DEFAULT_SIM_ACCOUNT, startProviderSim, type ProviderSim } from '@app/provider-sim';
import { createTestDatabase, freePort, spawnApp, type RunningApp, type TestDatabase } from '@app/testing';
import { eventually, waitForOutput } from './pipeline/pipeline-fixture';

const REPO_ROOT = join(__dirname, '..');
const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

describe('connector app readiness', () => {
  jest.setTimeout(120_000);
  let database: TestDatabase;
  let app: RunningApp | undefined;
  let sim: ProviderSim | undefined;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
  });
  afterAll(async () => {
    if (app !== undefined && app.child.exitCode === null) app.child.kill('SIGKILL');
    await app?.exited;
    await sim?.stop();
    await database?.drop();
  });

  it('answers /ready 503 until its provider session is bound, then 200; Number Lookup bind with INFOBIP_HLR', async () => {
    // Nothing listens on the provider's port yet: the connector keeps reconnecting until the simulator starts.
    const providerPort = await freePort();
    const httpPort = await freePort();
    app = spawnApp(join(REPO_ROOT, 'apps', 'connector-infobip', 'src', 'main.ts'), REPO_ROOT, {
      DATABASE_URL: database.url,
      RABBITMQ_URL,
      HTTP_PORT: String(httpPort),
      LOG_FORMAT: 'json',
      INFOBIP_SMPP_HOSTS: `127.0.0.1:${providerPort}`,
      INFOBIP_SYSTEM_ID: DEFAULT_SIM_ACCOUNT.system_id,
      INFOBIP_PASSWORD: DEFAULT_SIM_ACCOUNT.password,
      INFOBIP_HLR: 'true',
    });
    await waitForOutput(app, 'TPS, window');
    const base = `http://127.0.0.1:${httpPort}`;

    expect((await fetch(`${base}/health`)).status).toBe(200);
    const before = await fetch(`${base}/ready`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({
      status: 'unavailable',
      database: { up: true },
      bus: { up: true, consumers: { 'send.infobip': 1 } },
      providers: { up: false, bound: { infobip: 0 } },
    });

    sim = await startProviderSim({ provider: 'infobip', port: providerPort });
    let last: unknown;
    await eventually(
      '/ready 200 after the bind',
      async () => {
        const response = await fetch(`${base}/ready`);
        last = await response.json();
        return response.status === 200;
      },
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${JSON.stringify(last)}\n${app?.output() ?? ''}`);
    });
    expect(last).toMatchObject({ status: 'ready', providers: { up: true, bound: { infobip: 1 } } });
    // INFOBIP_HLR=true: the Number Lookup bind comes up beside the messaging one.
    const hlrBind = await sim.waitFor(
      (p) => p.command === 'bind_transceiver' && (p.pdu as { system_type?: string }).system_type === 'HLR',
    );
    expect(hlrBind.pdu).toMatchObject({ system_id: DEFAULT_SIM_ACCOUNT.system_id });

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('smsc_provider_sessions{provider="infobip",state="BOUND_TRX"} 1');
    // The JSON logger writes one object per line.
    const started = app
      .output()
      .split('\n')
      .find((line) => line.includes('TPS, window'));
    expect(JSON.parse(started ?? 'null')).toMatchObject({ level: 'log' });
  });
});
