import { join } from 'node:path';
import { CredentialService } from '@app/gateway';
import { CommandStatus } from '@app/smpp';
import { createTestDatabase, freePort, spawnApp, type RunningApp, type TestDatabase } from '@app/testing';
import { TenantClient, type NodeSmppPdu } from '../libs/gateway/src/server/testing/node-smpp-client';

const REPO_ROOT = join(__dirname, '..');
const MAIN = join(REPO_ROOT, 'apps', 'smpp-server', 'src', 'main.ts');

async function waitForOutput(server: RunningApp, text: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (server.output().includes(text)) return;
    if (server.child.exitCode !== null)
      throw new Error(`the server exited during start:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server never logged '${text}':\n${server.output()}`);
}

describe('apps/smpp-server', () => {
  jest.setTimeout(90_000);
  let database: TestDatabase;
  let server: RunningApp | undefined;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) server.child.kill('SIGKILL');
    await server?.exited;
    await database.drop();
  });

  it('serves binds and submits, and on SIGTERM answers in-flight submits, unbinds the tenant and exits 0', async () => {
    const port = await freePort();
    server = spawnApp(MAIN, REPO_ROOT, {
      DATABASE_URL: database.url,
      SMPP_PORT: String(port),
      HTTP_PORT: String(await freePort()),
      LOG_LEVEL: 'log',
    });
    await waitForOutput(server, 'SMPP server ready');
    await new CredentialService(database.dataSource).createTenant({
      name: 'e2e',
      currency: 'EUR',
      balance: 1_000_000n,
      credential: { systemId: 'e2e', password: 'secret' },
    });

    const client = await TenantClient.connect(port);
    expect((await client.bind('transceiver', 'e2e')).command_status).toBe(CommandStatus.ESME_ROK);
    let unbindReceived = false;
    client.raw.on('unbind', (pdu: NodeSmppPdu) => {
      unbindReceived = true;
      client.raw.send(pdu.response());
    });

    const inFlight = Array.from({ length: 20 }, () => client.submit({}));
    server.child.kill('SIGTERM');
    const responses = await Promise.all(inFlight);
    // Every submit is answered, none lost: the ones the server read before the signal by the accept path (no
    // routing data is loaded in this test: the no-route status 0x401), any read after unbinding began by
    // ESME_RINVBNDSTS.
    const answered = new Set([0x401, CommandStatus.ESME_RINVBNDSTS]);
    expect(responses.filter((r) => !answered.has(r.command_status))).toEqual([]);
    await client.closed;
    expect(unbindReceived).toBe(true);
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
