import { CommandStatus } from '@app/smpp';
import type { ProviderSim } from '@app/provider-sim';
import { SessionStatusReporter, type ConnectorRuntime } from '@app/connectors';
import {
  eventually,
  openConnectorTestDatabase,
  queueMessage,
  type ConnectorTestDatabase,
} from '../../../libs/connectors/src/testing/harness';
import { startSim, startSimConnector } from '../../../libs/connectors/src/testing/sim-connector';
import { startAdminTestApp, TEST_ADMIN_KEY, type AdminTestApp } from './testing/admin-test-app';

jest.setTimeout(30_000);

interface SessionJson {
  instance: string;
  index: number;
  state: string;
  bound: boolean;
  bindType: string | null;
  host: string;
  windowInUse: number;
  windowSize: number;
  lastError: string | null;
  lastErrorAt: string | null;
  updatedAt: string;
  stale: boolean;
}

/**
 * A connector runtime bound to a simulator reports its sessions to provider_sessions; the admin API (here in the
 * same process, but it only reads the table, as it would in another one) shows them, then the drop and the stop.
 */
describe('GET /providers: live upstream sessions reported by the connectors', () => {
  let context: ConnectorTestDatabase;
  let sim: ProviderSim;
  let runtime: ConnectorRuntime;
  let reporter: SessionStatusReporter;
  let admin: AdminTestApp;

  const sessions = async (): Promise<SessionJson[]> => {
    const reply = await admin.call('GET', '/providers/gatewayapi', TEST_ADMIN_KEY);
    expect(reply.status).toBe(200);
    return reply.body.sessions as SessionJson[];
  };

  /** Polls the API until `check` holds for the sessions shown (bounded), then returns them. */
  const sessionsWhen = async (check: (list: SessionJson[]) => boolean): Promise<SessionJson[]> => {
    let last: SessionJson[] = [];
    await eventually(async () => check((last = await sessions())));
    return last;
  };

  beforeAll(async () => {
    context = await openConnectorTestDatabase('gatewayapi');
    sim = await startSim('gatewayapi');
    runtime = startSimConnector(context, sim, { sessions: 2, windowSize: 7, responseTimeoutMs: 30_000 });
    reporter = new SessionStatusReporter({
      dataSource: context.db.dataSource,
      runtime,
      windowSize: 7,
      intervalMs: 50,
      changeDelayMs: 0,
    });
    reporter.start();
    admin = await startAdminTestApp(context.db.dataSource);
  });

  afterAll(async () => {
    await runtime?.stop();
    await reporter?.stop();
    await admin?.close();
    await sim?.stop();
    await context?.db.drop();
  });

  it('shows every bound session with its bind type, host and window, and the in-flight submits in the window', async () => {
    await runtime.whenBound(2);
    const bound = await sessionsWhen((list) => list.length === 2 && list.every((s) => s.bound));
    expect(bound.map((s) => s.index)).toEqual([0, 1]);
    for (const session of bound) {
      expect(session).toMatchObject({
        instance: reporter.instance,
        state: 'bound',
        bindType: 'transceiver',
        host: `127.0.0.1:${sim.port}`,
        windowSize: 7,
        windowInUse: 0,
        lastError: null,
        stale: false,
      });
    }
    const list = await admin.call('GET', '/providers', TEST_ADMIN_KEY);
    expect(list.body.find((p: { id: string }) => p.id === 'gatewayapi').sessions).toHaveLength(2);

    // A submit the simulator never answers stays in the window.
    sim.setFault({ noResponse: true });
    const sent = runtime.send(await queueMessage(context, '4512345670')).catch((error: unknown) => error);
    const busy = await sessionsWhen((shown) => shown.reduce((sum, s) => sum + s.windowInUse, 0) === 1);
    expect(busy.every((s) => s.bound)).toBe(true);

    // The simulator drops every session and refuses new binds: nothing is bound, each session says why.
    sim.setFault({ rejectBind: CommandStatus.ESME_RSYSERR });
    sim.dropSessions();
    await sent;
    const dropped = await sessionsWhen(
      (shown) => shown.length === 2 && shown.every((s) => !s.bound && s.lastError !== null),
    );
    for (const session of dropped) {
      expect(session.windowInUse).toBe(0);
      expect(session.lastErrorAt).not.toBeNull();
    }

    // Binds allowed again: the connector rebinds and the API shows it.
    sim.clearFaults();
    await runtime.whenBound(2, 10_000);
    await sessionsWhen((shown) => shown.length === 2 && shown.every((s) => s.bound));
  });

  it('marks the rows of a connector that stopped reporting as stale, never bound', async () => {
    await context.db.dataSource.query(
      `INSERT INTO provider_sessions (provider_id, instance, session_index, state, bind_type, host, window_in_use,
         window_size, updated_at, expires_at)
       VALUES ('gatewayapi', 'dead-host:1:1', 0, 'bound', 'transceiver', '10.0.0.1:2775', 3, 10,
         now() - interval '1 minute', now() - interval '45 seconds')`,
    );
    const shown = await sessions();
    expect(shown.find((s) => s.instance === 'dead-host:1:1')).toMatchObject({
      state: 'bound',
      bound: false,
      stale: true,
      windowInUse: 3,
    });
    expect(shown.filter((s) => s.instance === reporter.instance && !s.stale)).toHaveLength(2);
    await context.db.dataSource.query(`DELETE FROM provider_sessions WHERE instance = 'dead-host:1:1'`);
  });

  it('a stopped connector leaves no sessions behind', async () => {
    await runtime.stop();
    await reporter.stop();
    expect(await sessions()).toEqual([]);
  });
});
