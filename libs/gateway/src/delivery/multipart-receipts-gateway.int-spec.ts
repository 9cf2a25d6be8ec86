import { Logger } from '@nestjs/common';
import { CommandStatus, parseDeliveryReceipt } from '@app/smpp';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import type { Gateway } from '../server/gateway';
import { createTestTenant, startTestGateway } from '../server/testing/gateway-harness';
import { TenantClient, type NodeSmppPdu } from '../server/testing/node-smpp-client';
import { DeliveryService } from './delivery.service';

type Receipt = NodeSmppPdu & {
  esm_class?: number;
  receipted_message_id?: string;
  short_message?: { message?: string | Buffer };
};

Logger.overrideLogger(false);

describe('aggregated multipart receipts through the SMPP gateway over real sockets', () => {
  let db: TestDatabase;
  let gateway: Gateway | undefined;
  let tenantClient: TenantClient | undefined;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 8 });
  });
  afterAll(async () => {
    await tenantClient?.close();
    await gateway?.stop();
    await db?.drop();
  });

  it('a transceiver submits a 2-part UDH message and gets exactly one receipt, as part 1', async () => {
    gateway = await startTestGateway(db.dataSource);
    const tenant = await createTestTenant(db.dataSource, { systemId: 'joined' });
    await db.dataSource.query(`UPDATE tenants SET multipart_receipts = 'aggregated' WHERE id = $1`, [
      tenant.tenantId,
    ]);
    const client = (tenantClient = await TenantClient.connect(gateway.server.ports.plain!));
    expect((await client.bind('transceiver', 'joined')).command_status).toBe(CommandStatus.ESME_ROK);
    const received: Receipt[] = [];
    const firstReceipt = new Promise<void>((resolve) =>
      client.raw.on('deliver_sm', (pdu: Receipt) => {
        received.push(pdu);
        resolve();
      }),
    );

    const part = (n: number): Buffer =>
      Buffer.concat([Buffer.from([0x05, 0x00, 0x03, 0x7b, 0x02, n]), Buffer.from(`part ${n} of two`)]);
    const first = await client.submit({ esm_class: 0x40, registered_delivery: 0x11, short_message: part(1) });
    const second = await client.submit({
      esm_class: 0x40,
      registered_delivery: 0x11,
      short_message: part(2),
    });
    expect([first.command_status, second.command_status]).toEqual([
      CommandStatus.ESME_ROK,
      CommandStatus.ESME_ROK,
    ]);
    const firstId = first.message_id as string;
    const secondId = second.message_id as string;

    // The provider's outcomes, as a connector records them: part 2 first, with an intermediate ENROUTE each.
    const delivery = gateway.delivery as DeliveryService;
    const doneAt = new Date();
    await delivery.recordDlrBatch([
      { messageId: secondId, state: 'enroute', err: '000', doneAt },
      { messageId: secondId, state: 'delivered', err: '000', doneAt },
    ]);
    await delivery.recordDlr({ messageId: firstId, state: 'enroute', err: '000', doneAt });
    const last = await delivery.recordDlr({ messageId: firstId, state: 'delivered', err: '000', doneAt });
    expect(last.deliveryId).toBeDefined();
    await delivery.recordDlr({ messageId: secondId, state: 'delivered', err: '000', doneAt });

    await firstReceipt;
    // Every queued row answered by the tenant: whatever was queued has been sent by now.
    for (let round = 0; round < 200; round++) {
      const [pending] = await db.dataSource.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM tenant_deliveries WHERE tenant_id = $1 AND status <> 'delivered'`,
        [tenant.tenantId],
      );
      if (pending.n === '0') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const rows = await db.dataSource.query<{ id: string; message_id: string; status: string }[]>(
      `SELECT id, message_id, status FROM tenant_deliveries WHERE tenant_id = $1`,
      [tenant.tenantId],
    );
    expect(rows).toEqual([{ id: last.deliveryId, message_id: firstId, status: 'delivered' }]);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ esm_class: 0x04, receipted_message_id: firstId });
    const text = received[0].short_message?.message;
    expect(parseDeliveryReceipt(Buffer.isBuffer(text) ? text.toString('ascii') : String(text))).toMatchObject(
      {
        id: firstId,
        stat: 'DELIVRD',
        sub: 2,
        dlvrd: 2,
        text: 'part 1 of two',
      },
    );
  }, 30_000);
});
