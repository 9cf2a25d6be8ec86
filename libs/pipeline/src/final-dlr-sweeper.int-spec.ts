import { loadConfig } from '@app/config';
import { DeliveryService, deliveryOptionsFromConfig } from '@app/gateway';
import { parseDeliveryReceipt } from '@app/smpp';
import { useTestDatabase } from '@app/testing';
import { Registry } from 'prom-client';
import { FinalDlrSweeper } from './final-dlr-sweeper';

const db = useTestDatabase();

const SUBMITTED = new Date('2025-04-23T16:34:00Z');

/** A long message of `parts` parts as the accept path stores it (sent, no reservation); part 1's id is the group. */
async function longMessage(tenantId: string, parts: number): Promise<string[]> {
  const ids = Array.from({ length: parts }, (_, index) => `sweep${Date.now()}p${index + 1}`);
  for (let index = 0; index < parts; index++) {
    await db.dataSource.query(
      `INSERT INTO messages (id, tenant_id, system_id, group_id, part_no, part_total, status, source_addr,
         source_addr_ton, source_addr_npi, destination_addr, dest_addr_ton, dest_addr_npi, esm_class, protocol_id,
         priority_flag, registered_delivery, data_coding, short_message, dlr_text, segments, submitted_at)
       VALUES ($1, $2, 'sys', $3, $4, $5, 'sent', 'ACME', 5, 0, '447700900001', 1, 1, 64, 0, 0, 1, 0, $6, $7, 1,
         $8)`,
      [ids[index], tenantId, ids[0], index + 1, parts, Buffer.from('x'), `part ${index + 1}`, SUBMITTED],
    );
  }
  return ids;
}

describe('FinalDlrSweeper and long messages', () => {
  it("completes an aggregated tenant's long message: the one receipt reports the synthetic UNKNOWN", async () => {
    const [{ id: tenantId }] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO tenants (name, multipart_receipts) VALUES ('sweep-aggregated', 'aggregated') RETURNING id`,
    );
    const delivery = new DeliveryService(db.dataSource, {
      ...deliveryOptionsFromConfig(loadConfig({})),
      registry: new Registry(),
    });
    const [first, second, third] = await longMessage(tenantId, 3);
    await delivery.recordDlr({
      messageId: second,
      state: 'delivered',
      err: '000',
      doneAt: new Date(SUBMITTED.getTime() + 600_000),
    });
    const now = SUBMITTED.getTime() + 3_600_000;
    const sweeper = new FinalDlrSweeper({
      dataSource: db.dataSource,
      delivery,
      timeoutMs: 60_000,
      intervalMs: 3_600_000,
      clock: () => now,
    });

    expect(await sweeper.sweepOnce()).toBe(2);
    expect(await sweeper.sweepOnce()).toBe(0);

    const rows = await db.dataSource.query<
      { message_id: string; final: boolean; pdu: { short_message: string } }[]
    >(`SELECT message_id, final, pdu FROM tenant_deliveries WHERE tenant_id = $1`, [tenantId]);
    expect(rows.map((row) => [row.message_id, row.final])).toEqual([[first, true]]);
    expect(
      parseDeliveryReceipt(Buffer.from(rows[0].pdu.short_message, 'hex').toString('ascii')),
    ).toMatchObject({
      id: first,
      sub: 3,
      dlvrd: 1,
      stat: 'UNKNOWN',
      doneDate: new Date(Math.floor(now / 60_000) * 60_000),
      text: 'part 1',
    });
    const states = await db.dataSource.query<{ id: string; status: string; final: boolean }[]>(
      `SELECT id, status, final FROM messages WHERE group_id = $1 ORDER BY part_no`,
      [first],
    );
    expect(states).toEqual([
      { id: first, status: 'unknown', final: true },
      { id: second, status: 'delivered', final: true },
      { id: third, status: 'unknown', final: true },
    ]);
  });
});
