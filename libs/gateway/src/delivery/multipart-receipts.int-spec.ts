import type { StoredDeliverSm } from '@app/database';
import { parseDeliveryReceipt, Tlv } from '@app/smpp';
import { useTestDatabase } from '@app/testing';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { fromStoredDeliverSm, type DlrState } from './deliver-sm';
import { DeliveryService, type DlrEvent } from './delivery.service';
import {
  DELIVERY_TEST_OPTIONS,
  insertMessage,
  insertTenant,
  newMessageId,
  useCleanups,
} from './testing/delivery-harness';

const db = useTestDatabase({ poolSize: 10 });

const cleanups = useCleanups();
const TEST_OPTIONS = DELIVERY_TEST_OPTIONS;

/** Not started: these tests only record outcomes and read the queue in the database. */
function newService(dataSource: DataSource = db.dataSource): DeliveryService {
  return new DeliveryService(dataSource, { ...TEST_OPTIONS, registry: new Registry() });
}

/** A second connection pool to the same database, as a connector process has. */
async function otherProcess(): Promise<DataSource> {
  const dataSource = new DataSource({
    ...db.dataSource.options,
    poolSize: 4,
  } as typeof db.dataSource.options);
  await dataSource.initialize();
  cleanups.push(() => dataSource.destroy());
  return dataSource;
}

let tenantCounter = 0;
async function newTenant(mode: 'per_part' | 'aggregated'): Promise<string> {
  const id = await insertTenant(db.dataSource, `multipart-${++tenantCounter}-${Date.now() % 100_000}`);
  await db.dataSource.query(`UPDATE "tenants" SET "multipart_receipts" = $2 WHERE "id" = $1`, [id, mode]);
  return id;
}

const SUBMITTED = [
  new Date('2025-04-23T16:34:00Z'),
  new Date('2025-04-23T16:35:00Z'),
  new Date('2025-04-23T16:36:00Z'),
];

/** The parts of one long message, as the accept path stores them: part 1's id is the group id. */
async function longMessage(tenantId: string, parts: number, registeredDelivery = 0x01): Promise<string[]> {
  const ids = Array.from({ length: parts }, () => newMessageId());
  for (let index = 0; index < parts; index++) {
    await insertMessage(db.dataSource, {
      id: ids[index],
      tenant_id: tenantId,
      registered_delivery: registeredDelivery,
      group_id: ids[0],
      part_no: index + 1,
      part_total: parts,
      dlr_text: `part ${index + 1} text`,
      submitted_at: SUBMITTED[index % SUBMITTED.length],
    });
  }
  return ids;
}

function at(
  messageId: string,
  state: DlrState,
  err = '000',
  doneAt = new Date('2025-04-23T16:40:00Z'),
): DlrEvent {
  return { messageId, state, err, doneAt };
}

interface QueuedReceipt {
  id: string;
  messageId: string;
  final: boolean;
  esmClass: number;
  text: string;
  receiptedMessageId: string | undefined;
  messageState: number | undefined;
  networkErrorCode: Buffer | undefined;
}

async function receiptsOf(tenantId: string): Promise<QueuedReceipt[]> {
  const rows = await db.dataSource.query<
    Array<{ id: string; message_id: string; final: boolean; pdu: StoredDeliverSm }>
  >(
    `SELECT "id", "message_id", "final", "pdu" FROM "tenant_deliveries" WHERE "tenant_id" = $1 ORDER BY "id"`,
    [tenantId],
  );
  return rows.map((row) => {
    const pdu = fromStoredDeliverSm(row.pdu);
    const tlv = (tag: number) => pdu.tlvs.find((candidate) => candidate.tag === tag)?.value;
    return {
      id: row.id,
      messageId: row.message_id,
      final: row.final,
      esmClass: pdu.esm_class,
      text: pdu.short_message.toString('ascii'),
      receiptedMessageId: tlv(Tlv.receipted_message_id)?.toString('ascii').replace(/\0$/, ''),
      messageState: tlv(Tlv.message_state)?.readUInt8(0),
      networkErrorCode: tlv(Tlv.network_error_code),
    };
  });
}

describe('multipart receipts per tenant (tenants.multipart_receipts)', () => {
  it('per_part (the default): every part gets its own intermediate and final receipts', async () => {
    const service = newService();
    const tenantId = await insertTenant(db.dataSource, `multipart-default-${Date.now()}`);
    const [first, second] = await longMessage(tenantId, 2, 0x11);

    await service.recordDlr(at(first, 'enroute'));
    await service.recordDlrBatch([at(second, 'delivered'), at(first, 'undeliverable', '001')]);

    const receipts = await receiptsOf(tenantId);
    expect(receipts.map((r) => [r.messageId, r.final])).toEqual([
      [first, false],
      [second, true],
      [first, true],
    ]);
    expect(parseDeliveryReceipt(receipts[1].text)).toMatchObject({ id: second, stat: 'DELIVRD' });
    expect(parseDeliveryReceipt(receipts[2].text)).toMatchObject({ id: first, stat: 'UNDELIV', err: 1 });
  });

  it('aggregated: one DELIVRD receipt for part 1 when the last part is delivered, outcomes out of order in separate batches', async () => {
    const service = newService();
    const tenantId = await newTenant('aggregated');
    const [first, second, third] = await longMessage(tenantId, 3, 0x11);

    const early = await service.recordDlrBatch([
      at(third, 'enroute'),
      at(third, 'delivered', '000', new Date('2025-04-23T16:41:00Z')),
    ]);
    const middle = await service.recordDlr(at(first, 'delivered', '000', new Date('2025-04-23T16:40:00Z')));
    expect(await receiptsOf(tenantId)).toEqual([]);
    expect([...early, middle]).toEqual([{ updated: true }, { updated: true }, { updated: true }]);

    const last = await service.recordDlrBatch([
      at(second, 'enroute'),
      at(second, 'delivered', '000', new Date('2025-04-23T16:40:30Z')),
    ]);

    const receipts = await receiptsOf(tenantId);
    expect(receipts).toHaveLength(1);
    expect(last).toEqual([{ updated: true }, { updated: true, deliveryId: receipts[0].id }]);
    const [receipt] = receipts;
    expect(receipt).toMatchObject({
      messageId: first,
      final: true,
      esmClass: 0x04,
      receiptedMessageId: first,
      messageState: 2,
      networkErrorCode: undefined,
    });
    expect(receipt.text).toBe(
      `id:${first} sub:003 dlvrd:003 submit date:2504231634 done date:2504231641 stat:DELIVRD err:000 text:part 1 text`,
    );
  });

  it('aggregated: a failed part gives the state, err and network_error_code of the lowest-numbered part not delivered', async () => {
    const service = newService();
    const tenantId = await newTenant('aggregated');
    const [first, second, third] = await longMessage(tenantId, 3);
    const networkErrorCode = Buffer.from([0x03, 0x00, 0x1b]);

    // Part 3 fails first, part 2 then fails otherwise: the receipt reports part 2 (lower number), not the first in time.
    await service.recordDlr(at(third, 'expired', '003', new Date('2025-04-23T16:45:00Z')));
    await service.recordDlrBatch([
      at(first, 'delivered'),
      { ...at(second, 'undeliverable', '027'), networkErrorCode },
    ]);

    const receipts = await receiptsOf(tenantId);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({
      messageId: first,
      receiptedMessageId: first,
      messageState: 5,
      networkErrorCode,
    });
    expect(parseDeliveryReceipt(receipts[0].text)).toMatchObject({
      id: first,
      sub: 3,
      dlvrd: 1,
      stat: 'UNDELIV',
      err: 27,
      submitDate: SUBMITTED[0],
      doneDate: new Date('2025-04-23T16:45:00Z'),
      text: 'part 1 text',
    });
  });

  it('aggregated: every part in one batch, duplicates and a late ENROUTE queue exactly one receipt', async () => {
    const service = newService();
    const tenantId = await newTenant('aggregated');
    const [first, second] = await longMessage(tenantId, 2, 0x11);

    const results = await service.recordDlrBatch([
      at(second, 'delivered'),
      at(first, 'enroute'),
      at(first, 'rejected', '004'),
      at(second, 'delivered'),
      at(first, 'delivered'),
    ]);
    const receipts = await receiptsOf(tenantId);
    expect(receipts).toHaveLength(1);
    expect(results).toEqual([
      { updated: true },
      { updated: true },
      { updated: true, deliveryId: receipts[0].id },
      { updated: false },
      { updated: false },
    ]);
    expect(parseDeliveryReceipt(receipts[0].text)).toMatchObject({ id: first, stat: 'REJECTD', err: 4 });

    const late = await service.recordDlrBatch([
      at(first, 'enroute'),
      at(second, 'undeliverable', '001'),
      at(first, 'delivered'),
    ]);
    expect(late.every((result) => !result.updated)).toBe(true);
    expect(await receiptsOf(tenantId)).toHaveLength(1);
  });

  it.each([
    ['failure only (0x02), all delivered', 0x02, 'delivered', 0],
    ['failure only (0x02), a part failed', 0x02, 'undeliverable', 1],
    ['no receipt (0x00), a part failed', 0x00, 'undeliverable', 0],
  ] as const)(
    "aggregated: part 1's registered_delivery decides: %s",
    async (_, registeredDelivery, secondState, expected) => {
      const service = newService();
      const tenantId = await newTenant('aggregated');
      const [first, second] = await longMessage(tenantId, 2, registeredDelivery);
      await service.recordDlr(at(first, 'delivered'));
      await service.recordDlr(at(second, secondState, secondState === 'delivered' ? '000' : '001'));
      expect(await receiptsOf(tenantId)).toHaveLength(expected);
    },
  );

  it('aggregated: a single-part message keeps its own intermediate and final receipts', async () => {
    const service = newService();
    const tenantId = await newTenant('aggregated');
    const single = await insertMessage(db.dataSource, {
      id: newMessageId(),
      tenant_id: tenantId,
      registered_delivery: 0x11,
    });

    await service.recordDlr(at(single, 'enroute'));
    await service.recordDlr(at(single, 'delivered'));

    const receipts = await receiptsOf(tenantId);
    expect(receipts.map((r) => [r.messageId, r.final, r.esmClass])).toEqual([
      [single, false, 0x20],
      [single, true, 0x04],
    ]);
  });

  it('aggregated: the last two parts finalised by two processes at once give exactly one receipt', async () => {
    const tenantId = await newTenant('aggregated');
    const [first, second] = await longMessage(tenantId, 2);
    const here = newService();
    const there = newService(await otherProcess());

    // Part 1 is final in an open transaction of this process while the other process finalises part 2: neither
    // transaction sees the other's part final when it writes its own.
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const holding = db.dataSource.transaction(async (tx) => {
      const result = await here.recordDlr(at(first, 'delivered'), tx);
      await committed;
      return result;
    });
    await waitForPartRow(first, true);
    const racing = there.recordDlr(at(second, 'undeliverable', '001'));
    // The other process waits for this transaction (on the group's lock) instead of deciding without part 1.
    await waitForGroupLockWaiter();
    commit();
    const results = [await holding, await racing];

    const receipts = await receiptsOf(tenantId);
    expect(receipts).toHaveLength(1);
    expect(results).toEqual([{ updated: true }, { updated: true, deliveryId: receipts[0].id }]);
    expect(parseDeliveryReceipt(receipts[0].text)).toMatchObject({ id: first, stat: 'UNDELIV', err: 1 });
  });

  it('aggregated: many long messages whose parts are recorded concurrently by two processes, in mixed batches, get one receipt each', async () => {
    const tenantId = await newTenant('aggregated');
    const services = [newService(), newService(await otherProcess())];
    const groups: string[][] = [];
    for (let index = 0; index < 24; index++) groups.push(await longMessage(tenantId, 3, 0x11));
    // Interleaved so that most groups have parts in both processes' batches; batches of 6 events.
    const events = groups.flatMap((parts, group) =>
      parts.flatMap((id, part) => [
        at(id, 'enroute'),
        at(id, (group + part) % 5 === 0 ? 'expired' : 'delivered'),
      ]),
    );
    const batches: DlrEvent[][][] = [[], []];
    events.forEach((event, index) => {
      const lane = batches[index % 2];
      if (lane.length === 0 || lane[lane.length - 1].length === 6) lane.push([]);
      lane[lane.length - 1].push(event);
    });

    await Promise.all(
      batches.map(async (lane, process) => {
        for (const batch of lane) await services[process].recordDlrBatch(batch);
      }),
    );

    const receipts = await receiptsOf(tenantId);
    expect(receipts.map((r) => r.messageId).sort()).toEqual(groups.map((parts) => parts[0]).sort());
    expect(receipts.every((r) => r.final)).toBe(true);
    const failed = new Set(
      groups.filter((parts, group) => parts.some((_, part) => (group + part) % 5 === 0)).map((p) => p[0]),
    );
    for (const receipt of receipts) {
      const stat = parseDeliveryReceipt(receipt.text).stat;
      expect([receipt.messageId, stat]).toEqual([
        receipt.messageId,
        failed.has(receipt.messageId) ? 'EXPIRED' : 'DELIVRD',
      ]);
    }
  });

  it('aggregated: the synthetic final UNKNOWN of a part without a receipt completes the message', async () => {
    const service = newService();
    const tenantId = await newTenant('aggregated');
    const [first, second] = await longMessage(tenantId, 2);
    await service.recordDlr(at(first, 'delivered'));
    await service.recordDlr(at(second, 'unknown_final', '000', new Date('2025-04-23T18:00:00Z')));

    const receipts = await receiptsOf(tenantId);
    expect(receipts).toHaveLength(1);
    expect(parseDeliveryReceipt(receipts[0].text)).toMatchObject({ id: first, stat: 'UNKNOWN', dlvrd: 1 });
  });

  it('a change of the setting applies to outcomes recorded after it', async () => {
    const service = newService();
    const tenantId = await newTenant('per_part');
    const [first, second] = await longMessage(tenantId, 2);
    await service.recordDlr(at(second, 'delivered'));
    await db.dataSource.query(`UPDATE "tenants" SET "multipart_receipts" = 'aggregated' WHERE "id" = $1`, [
      tenantId,
    ]);
    await service.recordDlr(at(first, 'delivered'));

    const receipts = await receiptsOf(tenantId);
    expect(receipts.map((r) => r.messageId)).toEqual([second, first]);
    expect(parseDeliveryReceipt(receipts[1].text)).toMatchObject({ id: first, sub: 2, dlvrd: 2 });
  });

  it('refuses an unknown mode in the database', async () => {
    const tenantId = await newTenant('per_part');
    await expect(
      db.dataSource.query(`UPDATE "tenants" SET "multipart_receipts" = 'both' WHERE "id" = $1`, [tenantId]),
    ).rejects.toThrow(/CHK_tenants_multipart_receipts/);
  });
});

/** Re-reads the database until `done` holds; bounded (a hang guard, not a timing assertion). */
async function eventually(done: () => Promise<boolean>, what: string): Promise<void> {
  for (let round = 0; round < 200; round++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what}: condition not met in the database`);
}

/** Waits until the message row is locked by an open transaction (its update is written, not committed). */
function waitForPartRow(messageId: string, locked: boolean): Promise<void> {
  return eventually(async () => {
    const rows = await db.dataSource.query<unknown[]>(
      `SELECT 1 FROM "messages" WHERE "id" = $1 FOR UPDATE SKIP LOCKED`,
      [messageId],
    );
    return (rows.length === 0) === locked;
  }, `row lock on ${messageId}`);
}

/** Waits until a transaction of this database waits for an advisory lock another one holds. */
function waitForGroupLockWaiter(): Promise<void> {
  return eventually(async () => {
    const rows = await db.dataSource.query<unknown[]>(
      `SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`,
    );
    return rows.length > 0;
  }, 'a waiter on the group lock');
}
