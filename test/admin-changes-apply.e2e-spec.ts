import { join } from 'node:path';
import { CommandStatus } from '@app/smpp';
import { createTestDatabase, freePort, spawnApp, type RunningApp, type TestDatabase } from '@app/testing';
import type { NodeSmppPdu, TenantClient } from '../libs/gateway/src/server/testing/node-smpp-client';
import {
  receiptCollector,
  seedRouting,
  startSimulators,
  TENANT,
  waitForOutput,
  type Simulators,
} from './pipeline/pipeline-fixture';

const REPO_ROOT = join(__dirname, '..');
const MAIN = join(REPO_ROOT, 'apps', 'aggregator', 'src', 'main.ts');
const ADMIN_KEY = 'admin-changes-e2e-key-0123456789abcdef';
const DESTINATION = '4520000000';

/**
 * One process (apps/aggregator): a change made through the admin API applies to the very next submit, with no wait
 * in between: a disabled or re-enabled provider, a replaced route plan, a credential's destination prefixes and TPS
 * limit on a session that stays bound, a suspended tenant.
 */
describe('one process: admin changes apply to the next message without a restart', () => {
  jest.setTimeout(120_000);
  let database: TestDatabase;
  let sims: Simulators;
  let app: RunningApp | undefined;
  let client: TenantClient;
  let http: string;

  const admin = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${http}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
  };

  /** Submits one message; its status and, when accepted, the provider its route starts with. */
  const submit = async (): Promise<{ status: number; provider?: string }> => {
    const response = await client.submit({
      source_addr: 'ACME',
      destination_addr: DESTINATION,
      registered_delivery: 0,
      short_message: 'hello',
    });
    if (response.command_status !== CommandStatus.ESME_ROK) return { status: response.command_status };
    const rows: Array<{ provider_id: string }> = await database.dataSource.query(
      'SELECT provider_id FROM messages WHERE id = $1',
      [response.message_id],
    );
    return { status: response.command_status, provider: rows[0].provider_id };
  };

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedRouting(database.dataSource);
    sims = await startSimulators();
    const smppPort = await freePort();
    const httpPort = await freePort();
    http = `http://127.0.0.1:${httpPort}`;
    app = spawnApp(MAIN, REPO_ROOT, {
      DATABASE_URL: database.url,
      SMPP_PORT: String(smppPort),
      HTTP_PORT: String(httpPort),
      ADMIN_BOOTSTRAP_KEY: ADMIN_KEY,
      RABBITMQ_URL: undefined,
      LOG_LEVEL: 'log',
      ...sims.env,
    });
    await waitForOutput(app, 'HTTP listening on port');
    ({ client } = await receiptCollector(smppPort, 'transceiver'));
    // A well-behaved ESME answers the server's unbind.
    client.raw.on('unbind', (pdu: NodeSmppPdu) => client.raw.send(pdu.response()));
  });

  afterAll(async () => {
    if (client !== undefined && !client.hasClosed) await client.close();
    if (app !== undefined && app.child.exitCode === null) app.child.kill('SIGKILL');
    await app?.exited;
    await sims?.stop();
    await database?.drop();
  });

  it('a disabled provider is skipped from the next message on, and used again once enabled', async () => {
    expect(await submit()).toEqual({ status: CommandStatus.ESME_ROK, provider: 'infobip' });
    expect((await admin('POST', '/providers/infobip/disable')).status).toBe(201);
    expect(await submit()).toEqual({ status: CommandStatus.ESME_ROK, provider: 'gatewayapi' });
    expect((await admin('POST', '/providers/infobip/enable')).status).toBe(201);
    expect(await submit()).toEqual({ status: CommandStatus.ESME_ROK, provider: 'infobip' });
  });

  it('a replaced route plan routes the next message', async () => {
    const plans = await admin('GET', '/route-plans');
    const plan = (plans.body as Array<{ id: string; prefix: string }>).find((p) => p.prefix === '45')!;
    const replaced = await admin('PUT', `/route-plans/${plan.id}`, {
      prefix: '45',
      strategy: 'priority',
      providers: ['gatewayapi', 'infobip'],
    });
    expect(replaced.status).toBe(200);
    expect(await submit()).toEqual({ status: CommandStatus.ESME_ROK, provider: 'gatewayapi' });
  });

  it("a credential's new destination prefixes and TPS limit apply to the bound session's next submit", async () => {
    const limited = await admin('PATCH', `/credentials/${TENANT.systemId}`, {
      allowedDestinationPrefixes: ['46'],
    });
    expect(limited.status).toBe(200);
    expect((await submit()).status).toBe(CommandStatus.ESME_RINVDSTADR);
    expect(
      (
        await admin('PATCH', `/credentials/${TENANT.systemId}`, {
          allowedDestinationPrefixes: [],
          tpsLimit: 1,
        })
      ).status,
    ).toBe(200);
    // A limit of 1 per second (it was 100): five submits sent together cannot all pass.
    const statuses = (await Promise.all([1, 2, 3, 4, 5].map(() => submit()))).map((result) => result.status);
    expect(statuses).toContain(CommandStatus.ESME_RTHROTTLED);
    expect(statuses).toContain(CommandStatus.ESME_ROK);
  });

  it("a suspended tenant's sessions are unbound at once", async () => {
    const tenants = await admin('GET', '/tenants');
    const tenant = (tenants.body as Array<{ id: string; name: string }>).find((t) => t.name === 'pipe')!;
    expect((await admin('POST', `/tenants/${tenant.id}/status`, { status: 'suspended' })).status).toBe(201);
    await client.closed;
    expect(client.hasClosed).toBe(true);
  });
});
