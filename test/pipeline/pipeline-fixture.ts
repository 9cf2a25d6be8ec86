/** TEST-ONLY: the routing data, tenant, simulators and receipt collection shared by the pipeline e2e tests. */
import { CredentialService } from '@app/gateway';
import { DEFAULT_SIM_ACCOUNT, startProviderSim, type ProviderSim } from '@app/provider-sim';
import { join } from 'node:path';
import { freePort, spawnApp, type RunningApp } from '@app/testing';
import type { DataSource } from 'typeorm';
import { TenantClient, type NodeSmppPdu } from '../../libs/gateway/src/server/testing/node-smpp-client';

export const TENANT = { systemId: 'pipe', password: 'secret' };
/** Cost 0.001 EUR, price 0.002 EUR per segment, in micro-units. */
export const COST_MICROS = 1_000n;
export const PRICE_MICROS = 2_000n;

/** Providers infobip then gatewayapi (priority) for every destination, one rate deck each, one default price plan. */
export async function seedRouting(dataSource: DataSource): Promise<void> {
  for (const provider of ['infobip', 'gatewayapi']) {
    await dataSource.query(
      `INSERT INTO providers (id, name, enabled, health) VALUES ($1, $1, true, 'up') ON CONFLICT DO NOTHING`,
      [provider],
    );
    const decks: Array<{ id: string }> = await dataSource.query(
      `INSERT INTO rate_decks (provider_id, version, currency, effective_from, row_count, status)
       VALUES ($1, 1, 'EUR', now() - interval '1 day', 1, 'ready') RETURNING id`,
      [provider],
    );
    await dataSource.query(
      `INSERT INTO rate_deck_entries (deck_id, prefix, cost_per_segment) VALUES ($1, '45', $2)`,
      [decks[0].id, COST_MICROS.toString()],
    );
  }
  const plans: Array<{ id: string }> = await dataSource.query(
    `INSERT INTO price_plans (version, currency, effective_from, row_count, status)
     VALUES (1, 'EUR', now() - interval '1 day', 1, 'ready') RETURNING id`,
  );
  await dataSource.query(
    `INSERT INTO price_plan_entries (plan_id, prefix, price_per_segment) VALUES ($1, '45', $2)`,
    [plans[0].id, PRICE_MICROS.toString()],
  );
  await dataSource.query(
    `INSERT INTO route_plans (prefix, strategy, providers, allow_providers, deny_providers, filters)
     VALUES ('45', 'priority', '["infobip","gatewayapi"]', '[]', '[]', '{}')`,
  );
  await new CredentialService(dataSource).createTenant({
    name: 'pipe',
    currency: 'EUR',
    balance: 1_000_000_000n,
    credential: { systemId: TENANT.systemId, password: TENANT.password },
  });
}

export interface Simulators {
  readonly infobip: ProviderSim;
  readonly gatewayapi: ProviderSim;
  /** The environment that points the two connectors at the simulators. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startSimulators(dlrDelayMs = 5): Promise<Simulators> {
  const infobip = await startProviderSim({ provider: 'infobip', dlrDelayMs });
  const gatewayapi = await startProviderSim({ provider: 'gatewayapi', dlrDelayMs });
  const credentials = (prefix: string, port: number): Record<string, string> => ({
    [`${prefix}_SMPP_HOSTS`]: `127.0.0.1:${port}`,
    [`${prefix}_SYSTEM_ID`]: DEFAULT_SIM_ACCOUNT.system_id,
    [`${prefix}_PASSWORD`]: DEFAULT_SIM_ACCOUNT.password,
    [`${prefix}_WINDOW`]: '50',
    [`${prefix}_TPS`]: '2000',
  });
  return {
    infobip,
    gatewayapi,
    env: { ...credentials('INFOBIP', infobip.port), ...credentials('GATEWAYAPI', gatewayapi.port) },
    stop: async () => {
      await infobip.stop();
      await gatewayapi.stop();
    },
  };
}

export async function waitForOutput(app: RunningApp, text: string, timeoutMs = 60_000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (app.output().includes(text)) return;
    if (app.child.exitCode !== null) throw new Error(`the app exited during start:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app never logged '${text}':\n${app.output()}`);
}

/** Polls `probe` every 100 ms until it returns true; fails with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface Receipt {
  readonly messageId: string;
  readonly stat: string;
  readonly final: boolean;
}

/** A bound tenant that records every receipt it is sent. */
export async function receiptCollector(
  port: number,
  bindType: 'receiver' | 'transceiver',
  credentials: { systemId: string; password: string } = TENANT,
): Promise<{
  client: TenantClient;
  receipts: Receipt[];
}> {
  const client = await TenantClient.connect(port);
  const receipts: Receipt[] = [];
  client.raw.on(
    'deliver_sm',
    (pdu: NodeSmppPdu & { short_message?: unknown; receipted_message_id?: string }) => {
      const body = pdu.short_message;
      const text = Buffer.isBuffer(body)
        ? body.toString('latin1')
        : typeof body === 'object' && body !== null && 'message' in body
          ? String(body.message)
          : '';
      const id = pdu.receipted_message_id ?? /id:(\S+)/.exec(text)?.[1] ?? '';
      const stat = /stat:(\S+)/.exec(text)?.[1] ?? '';
      receipts.push({ messageId: id, stat, final: !['ENROUTE', 'ACCEPTD'].includes(stat) });
    },
  );
  const bound = await client.bind(bindType, credentials.systemId, credentials.password);
  if (bound.command_status !== 0) throw new Error(`bind refused: 0x${bound.command_status.toString(16)}`);
  return { client, receipts };
}

/** Final receipts per message id. */
export function finalReceiptCounts(receipts: readonly Receipt[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const receipt of receipts)
    if (receipt.final) counts.set(receipt.messageId, (counts.get(receipt.messageId) ?? 0) + 1);
  return counts;
}

const REPO_ROOT = join(__dirname, '..', '..');
const appMain = (name: string): string => join(REPO_ROOT, 'apps', name, 'src', 'main.ts');

export interface Distributed {
  /** smpp-server instances first, then connector-infobip and connector-gatewayapi. */
  readonly apps: RunningApp[];
  /** The SMPP port of each smpp-server instance. */
  readonly smppPorts: number[];
}

/** Spawns `servers` smpp-server processes and the infobip and gatewayapi connector apps over RabbitMQ, ready. */
export async function startDistributed(
  env: Record<string, string>,
  servers = 1,
  rabbitmqUrl = 'amqp://guest:guest@127.0.0.1:5672',
): Promise<Distributed> {
  const common = { ...env, RABBITMQ_URL: rabbitmqUrl, LOG_LEVEL: 'log' };
  const apps: RunningApp[] = [];
  const smppPorts: number[] = [];
  for (let i = 0; i < servers; i++) {
    smppPorts.push(await freePort());
    apps.push(
      spawnApp(appMain('smpp-server'), REPO_ROOT, {
        ...common,
        SMPP_PORT: String(smppPorts[i]),
        HTTP_PORT: String(await freePort()),
      }),
    );
  }
  for (const name of ['connector-infobip', 'connector-gatewayapi']) {
    apps.push(spawnApp(appMain(name), REPO_ROOT, { ...common, HTTP_PORT: String(await freePort()) }));
  }
  await Promise.all(
    apps.map((running, i) => waitForOutput(running, i < servers ? 'SMPP server ready' : 'TPS, window')),
  );
  return { apps, smppPorts };
}

/** SIGKILLs every app still running and waits for all of them to exit. */
export async function killAll(apps: readonly RunningApp[]): Promise<void> {
  for (const running of apps) if (running.child.exitCode === null) running.child.kill('SIGKILL');
  await Promise.all(apps.map((running) => running.exited));
}
