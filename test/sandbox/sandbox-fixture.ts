/** TEST-ONLY: `npm start` with no provider configured (the sandbox), on a scratch database and free ports. */
import { join } from 'node:path';
import { freePort, spawnApp, type RunningApp } from '@app/testing';
import { waitForOutput } from '../pipeline/pipeline-fixture';

const REPO_ROOT = join(__dirname, '..', '..');
const MAIN = join(REPO_ROOT, 'apps', 'aggregator', 'src', 'main.ts');

/** What the sandbox prints for a newcomer. */
export interface BindInfo {
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
}

export interface SandboxEnvironment {
  readonly env: Record<string, string | undefined>;
  readonly httpPort: number;
}

/** No provider credentials, no bootstrap file, no broker; every port free. */
export async function sandboxEnvironment(databaseUrl: string): Promise<SandboxEnvironment> {
  const httpPort = await freePort();
  const providerKeys = ['INFOBIP', 'GATEWAYAPI', 'MTA', 'LABSMOBILE'].flatMap((p) => [
    `${p}_SYSTEM_ID`,
    `${p}_PASSWORD`,
    `${p}_SMPP_HOSTS`,
  ]);
  return {
    httpPort,
    env: {
      ...Object.fromEntries(providerKeys.map((key) => [key, undefined])),
      AGGREGATOR_CONFIG: undefined,
      RABBITMQ_URL: undefined,
      DATABASE_URL: databaseUrl,
      SMPP_PORT: String(await freePort()),
      HTTP_PORT: String(httpPort),
      SIM_INFOBIP_PORT: String(await freePort()),
      SIM_GATEWAYAPI_PORT: String(await freePort()),
      SIM_MTA_PORT: String(await freePort()),
      SIM_LABSMOBILE_PORT: String(await freePort()),
      SIM_DLR_DELAY_MS: '5',
      LOG_LEVEL: 'log',
    },
  };
}

const BIND_LINE = /bind: host (\S+) port (\d+) system_id (\S+) password (\S+)/;

/** Spawns the aggregator from the repository root (which has no config/aggregator.yaml) and reads the printed bind line. */
export async function startSandboxApp(
  env: Record<string, string | undefined>,
): Promise<{ app: RunningApp; bind: BindInfo }> {
  const app = spawnApp(MAIN, REPO_ROOT, env);
  await waitForOutput(app, 'system_id', 90_000);
  const match = BIND_LINE.exec(app.output());
  if (match === null) throw new Error(`no bind line printed:\n${app.output()}`);
  return {
    app,
    bind: { host: match[1], port: Number(match[2]), systemId: match[3], password: match[4] },
  };
}

/** SIGTERM, then SIGKILL if it has not exited within 20 s. */
export async function stopApp(app: RunningApp | undefined): Promise<void> {
  if (app === undefined || app.child.exitCode !== null) return;
  app.child.kill('SIGTERM');
  const killer = setTimeout(() => app.child.kill('SIGKILL'), 20_000);
  await app.exited;
  clearTimeout(killer);
}
