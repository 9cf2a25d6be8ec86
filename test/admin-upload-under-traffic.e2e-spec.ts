import { Readable } from 'node:stream';
import { refresherListener } from '@app/admin';
import { loadConfig } from '@app/config';
import { Gateway } from '@app/gateway';
import { Router, RoutingRepository, RoutingTableRefresher } from '@app/routing';
import { CommandStatus } from '@app/smpp';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import {
  startAdminTestApp,
  TEST_ADMIN_KEY,
  type AdminTestApp,
} from '../apps/admin-api/src/testing/admin-test-app';
import { createTestTenant, testSettings } from '../libs/gateway/src/server/testing/gateway-harness';
import { TenantClient } from '../libs/gateway/src/server/testing/node-smpp-client';

const DECK_ROWS = 200_000;
const ROWS_PER_CHUNK = 10_000;
/** Submits answered before each further chunk of the deck is handed to the upload. */
const SUBMITS_PER_CHUNK = 10;
/** The traffic stops here even if the upload is still running (balance and test length stay bounded). */
const MAX_SUBMITS = 3_000;
/** Concurrent submits on the tenant's session (below the gateway's inbound window). */
const SUBMIT_WINDOW = 5;

/** Row `n` of the big deck: prefix 4477 followed by n in 7 digits, e.g. 44770001234. */
const deckPrefix = (row: number): string => `4477${String(row).padStart(7, '0')}`;
/** A destination the big deck prices by its own row (longest match). */
const DESTINATION = `${deckPrefix(1_234)}5`;
/** Under 44 but outside the big deck: only the old prefix 44 of prov-b covers it. */
const OUTSIDE_DECK = '447912345678';

interface Routed {
  provider_id: string;
  cost: string;
  amount: string;
  deck_id: string;
}

/** Polls `probe` every 50 ms, at most `tries` times; throws naming `what` when it never holds. */
async function until(what: string, probe: () => Promise<boolean>, tries = 600): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

describe('a 200,000-row rate deck uploaded through the admin API while a tenant submits over SMPP', () => {
  jest.setTimeout(300_000);
  let db: TestDatabase;
  let admin: AdminTestApp;
  let gateway: Gateway;
  let client: TenantClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.dataSource.query(
      `INSERT INTO providers (id, name, enabled, health) VALUES ('prov-a', 'A', true, 'up'), ('prov-b', 'B', true, 'up')`,
    );
    // One Router for the gateway and the admin API, as in the all-in-one app: a change reloads it before the 201.
    const router = new Router();
    const refresher = new RoutingTableRefresher(new RoutingRepository(db.dataSource), router);
    admin = await startAdminTestApp(db.dataSource, refresherListener(refresher));
    expect((await admin.postCsv('/price-plans?currency=EUR', 'prefix,price\n44,0.005\n')).status).toBe(201);
    expect(
      (await admin.postCsv('/providers/prov-a/rate-decks?currency=EUR', 'prefix,cost\n44,0.003\n')).status,
    ).toBe(201);
    expect(
      (await admin.postCsv('/providers/prov-b/rate-decks?currency=EUR', 'prefix,cost\n44,0.002\n')).status,
    ).toBe(201);
    const route = await admin.call('POST', '/route-plans', TEST_ADMIN_KEY, {
      prefix: '',
      strategy: 'least_cost',
      providers: [],
    });
    expect(route.status).toBe(201);

    // No TPS limit in the way: every submit must be accepted (100 EUR covers MAX_SUBMITS at 0.005).
    await createTestTenant(db.dataSource, { systemId: 'traffic', tpsLimit: 1_000_000 });
    gateway = new Gateway(testSettings(), { dataSource: db.dataSource, router }, loadConfig({}));
    await gateway.start();
    client = await TenantClient.connect(gateway.server.ports.plain!);
    expect((await client.bind('transmitter', 'traffic')).command_status).toBe(CommandStatus.ESME_ROK);
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    await admin?.close();
    await db?.drop();
  });

  /** Submits one message to `destination` and returns how it was routed and reserved. */
  async function submitAndRead(destination: string): Promise<Routed> {
    const response = await client.submit({ destination_addr: destination, short_message: 'probe' });
    expect(response.command_status).toBe(CommandStatus.ESME_ROK);
    const [row] = await db.dataSource.query<Routed[]>(
      `SELECT r.provider_id, r.cost::text AS cost, r.amount::text AS amount, m.route->0->>'deckId' AS deck_id
         FROM messages m JOIN reservations r ON r.id = m.reservation_id
        WHERE m.id = $1`,
      [response.message_id],
    );
    return row;
  }

  it('answers every submit during the upload with ESME_ROK, loads all rows, and routes the next message by the new deck', async () => {
    // Before: prov-b (0.002) is cheaper than prov-a (0.003) for every 44 number.
    expect(await submitAndRead(DESTINATION)).toMatchObject({
      provider_id: 'prov-b',
      cost: '2000',
      amount: '5000',
    });

    // The traffic: SUBMIT_WINDOW submits in flight at all times until the upload has answered.
    let uploadAnswered = false;
    let issued = 0;
    const answers: Array<{ status: number; messageId: string | undefined }> = [];
    let onAnswer: (() => void) | undefined;
    const worker = async (): Promise<void> => {
      while (!uploadAnswered && issued < MAX_SUBMITS) {
        issued++;
        const response = await client.submit({
          destination_addr: issued % 2 === 0 ? DESTINATION : OUTSIDE_DECK,
          short_message: `traffic ${issued}`,
        });
        answers.push({ status: response.command_status, messageId: response.message_id });
        onAnswer?.();
      }
    };
    const answeredAtLeast = (count: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (answers.length >= Math.min(count, MAX_SUBMITS)) {
            onAnswer = undefined;
            resolve();
          } else onAnswer = check;
        };
        check();
      });

    // The deck, produced as the upload consumes it: after the first chunk the server must be inside its COPY, and
    // each further chunk waits for SUBMITS_PER_CHUNK more answers, so submits are answered mid-upload by design.
    let answeredDuringCopy = 0;
    async function* deck(): AsyncGenerator<Buffer> {
      yield Buffer.from('prefix,cost\n');
      for (let chunk = 0; chunk * ROWS_PER_CHUNK < DECK_ROWS; chunk++) {
        if (chunk === 1) {
          await until('the upload reached its COPY into rate_deck_entries', async () => {
            const [row] = await db.dataSource.query<{ n: number }[]>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND query LIKE 'COPY rate_deck_entries%'`,
            );
            return row.n === 1;
          });
          answeredDuringCopy = answers.length;
        }
        if (chunk > 0) await answeredAtLeast(answeredDuringCopy + chunk * SUBMITS_PER_CHUNK);
        let text = '';
        const end = Math.min(DECK_ROWS, (chunk + 1) * ROWS_PER_CHUNK);
        for (let row = chunk * ROWS_PER_CHUNK; row < end; row++) text += `${deckPrefix(row)},0.001\n`;
        yield Buffer.from(text);
      }
    }

    const traffic = Promise.all(Array.from({ length: SUBMIT_WINDOW }, () => worker()));
    const upload = admin
      .postCsv(
        '/providers/prov-a/rate-decks?currency=EUR',
        Readable.toWeb(Readable.from(deck())) as ReadableStream<Uint8Array>,
      )
      .finally(() => (uploadAnswered = true));
    const [uploaded] = await Promise.all([upload, traffic]);

    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ rowCount: DECK_ROWS, version: 2 });
    const [deckRow] = await db.dataSource.query<{ status: string; row_count: number; entries: number }[]>(
      `SELECT status, row_count, (SELECT count(*)::int FROM rate_deck_entries WHERE deck_id = $1) AS entries
         FROM rate_decks WHERE id = $1`,
      [uploaded.body.id],
    );
    expect(deckRow).toEqual({ status: 'ready', row_count: DECK_ROWS, entries: DECK_ROWS });

    // Every submit got its answer, all ESME_ROK with distinct ids, and each id is a stored message.
    const expectedDuringUpload = answeredDuringCopy + (DECK_ROWS / ROWS_PER_CHUNK - 1) * SUBMITS_PER_CHUNK;
    expect(answers.length).toBe(issued);
    expect(answers.length).toBeGreaterThanOrEqual(Math.min(expectedDuringUpload, MAX_SUBMITS));
    expect(answers.filter((answer) => answer.status !== CommandStatus.ESME_ROK)).toEqual([]);
    const ids = new Set(answers.map((answer) => answer.messageId));
    expect(ids.size).toBe(answers.length);
    const [stored] = await db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM messages WHERE id = ANY($1)`,
      [[...ids]],
    );
    expect(stored.n).toBe(answers.length);

    // Without a restart, the next message is routed and costed by the new deck (prov-a, 0.001, its own row), and
    // the replaced prov-a deck no longer covers the rest of 44; the tenant's price is unchanged.
    expect(await submitAndRead(DESTINATION)).toEqual({
      provider_id: 'prov-a',
      cost: '1000',
      amount: '5000',
      deck_id: uploaded.body.id,
    });
    expect(await submitAndRead(OUTSIDE_DECK)).toMatchObject({ provider_id: 'prov-b', cost: '2000' });
  });
});
