import { connect as connectTcp } from 'node:net';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { JsonLogger, SmscMetrics, type JsonLogLine } from '@app/observability';
import {
  CommandStatus,
  createPdu,
  SmppSession,
  type BindType,
  type InboundRequest,
  type SubmitSmResp,
} from '@app/smpp';
import { createTestDatabase, type TestDatabase } from '@app/testing';

// The gateway logs binds; the correlation test installs its own logger.
Logger.overrideLogger(false);
import { DeliveryService } from '../delivery';
import { Gateway } from './gateway';
import { createTestTenant, seedTestProvider, testRouter, testSettings } from './testing/gateway-harness';

/** A tenant ESME on our own SmppSession: every deliver_sm waits in `received` until the test answers it. */
interface HeldEsme {
  readonly session: SmppSession;
  readonly received: InboundRequest<'deliver_sm'>[];
  submit(destination?: string): Promise<SubmitSmResp>;
}

/** Polls `probe` every 50 ms, at most `tries` times; throws naming `what` when it never holds. */
async function until(what: string, probe: () => Promise<boolean> | boolean, tries = 400): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

/** The value of one sample of the exposition, undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('tenant side observability: window gauges, correlation ids in delivery logs, expired deliveries', () => {
  let db: TestDatabase;
  const cleanups: (() => Promise<unknown>)[] = [];
  let systemIds = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedTestProvider(db.dataSource);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function startGateway(
    metrics: SmscMetrics,
    env: Record<string, string> = {},
    server: Parameters<typeof testSettings>[0] = {},
  ): Promise<Gateway> {
    const gateway = new Gateway(
      testSettings(server),
      { dataSource: db.dataSource, router: testRouter(), metrics },
      loadConfig(env),
    );
    await gateway.start();
    cleanups.push(() => gateway.stop());
    return gateway;
  }

  async function tenant(): Promise<{ systemId: string; tenantId: string; accountId: string }> {
    const systemId = `obs${++systemIds}`;
    const created = await createTestTenant(db.dataSource, { systemId });
    return { systemId, tenantId: created.tenantId, accountId: created.account.id };
  }

  async function bindEsme(gateway: Gateway, systemId: string, bindType: BindType): Promise<HeldEsme> {
    const socket = await new Promise<ReturnType<typeof connectTcp>>((resolve, reject) => {
      const opened = connectTcp(gateway.server.ports.plain!, '127.0.0.1', () => resolve(opened));
      opened.once('error', reject);
    });
    const received: InboundRequest<'deliver_sm'>[] = [];
    const session = new SmppSession(socket, {
      role: 'esme',
      enquireLinkIntervalMs: 0,
      inactivityTimeoutMs: 0,
      handler: {
        onRequest: (request) => {
          if (request.command === 'deliver_sm') received.push(request);
          else request.respond(CommandStatus.ESME_RINVCMDID);
        },
      },
    });
    session.on('error', () => undefined);
    await session.bind(bindType, { system_id: systemId, password: 'secret' });
    cleanups.push(() => session.unbind().catch(() => session.close()));
    return {
      session,
      received,
      submit: (destination = '447700900001') =>
        session.request(
          createPdu('submit_sm', {
            source_addr: 'ACME',
            destination_addr: destination,
            registered_delivery: 1,
            short_message: Buffer.from('hello'),
          }),
        ),
    };
  }

  it('reports each tenant window at scrape: submits held in the inbound window, deliver_sm awaiting their resp', async () => {
    const metrics = new SmscMetrics({ defaultMetrics: false });
    const gateway = await startGateway(metrics, {}, { server: { inboundWindow: 4, deliveryWindow: 5 } });
    const { systemId, tenantId, accountId } = await tenant();
    const esme = await bindEsme(gateway, systemId, 'transceiver');
    const submitSeries = `smsc_window_occupancy_ratio{side="tenant",peer="${tenantId}"}`;
    const deliverSeries = `smsc_window_occupancy_ratio{side="tenant_delivery",peer="${tenantId}"}`;
    expect(sample(await metrics.render(), submitSeries)).toBe(0);
    expect(sample(await metrics.render(), deliverSeries)).toBe(0);

    // Holding the tenant's account row keeps the accept transaction (its reservation) waiting: one submit in flight.
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('SELECT id FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
    const submitted = esme.submit();
    try {
      await until('one submit in the tenant window', async () => {
        return sample(await metrics.render(), submitSeries) === 0.25;
      });
    } finally {
      await runner.commitTransaction();
      await runner.release();
    }
    expect((await submitted).command_status).toBe(CommandStatus.ESME_ROK);
    expect(sample(await metrics.render(), submitSeries)).toBe(0);

    // Two MO for the tenant: both deliver_sm go out and wait for the ESME's answer.
    const delivery = gateway.delivery as DeliveryService;
    for (const text of ['one', 'two']) {
      await delivery.recordMo({
        tenantId,
        source: { addr: '447700900123', ton: 1, npi: 1 },
        destination: { addr: '4520000000', ton: 1, npi: 1 },
        dataCoding: 0,
        shortMessage: Buffer.from(text),
      });
    }
    await until('two deliver_sm held', () => esme.received.length === 2);
    expect(sample(await metrics.render(), deliverSeries)).toBe(0.4);
    for (const request of esme.received) request.respond(CommandStatus.ESME_ROK);
    await until('the deliver_sm window emptied', async () => {
      return sample(await metrics.render(), deliverSeries) === 0;
    });

    // A tenant without binds has no window series.
    await esme.session.unbind();
    const text = await metrics.render();
    expect(sample(text, submitSeries)).toBeUndefined();
    expect(sample(text, deliverSeries)).toBeUndefined();
  });

  it('writes the log lines of a receipt delivery under the message id as correlation id', async () => {
    const lines: JsonLogLine[] = [];
    const logger = new JsonLogger({ write: (line) => lines.push(JSON.parse(line) as JsonLogLine) });
    Logger.overrideLogger(logger);
    cleanups.push(() => Promise.resolve(Logger.overrideLogger(false)));
    const gateway = await startGateway(new SmscMetrics({ defaultMetrics: false }));
    const { systemId } = await tenant();
    const esme = await bindEsme(gateway, systemId, 'transceiver');
    const refused = await esme.submit();
    const delivered = await esme.submit();
    const delivery = gateway.delivery as DeliveryService;
    for (const messageId of [refused.message_id, delivered.message_id]) {
      await delivery.recordDlr({ messageId, state: 'delivered', err: '000', doneAt: new Date() });
    }
    await until('two receipts sent', () => esme.received.length === 2);
    const receiptOf = (messageId: string) =>
      esme.received.find((request) =>
        request.pdu.tlvs.some((tlv) => tlv.value.toString('latin1').startsWith(messageId)),
      )!;
    receiptOf(refused.message_id).respond(CommandStatus.ESME_RX_T_APPN);
    receiptOf(delivered.message_id).respond(CommandStatus.ESME_ROK);
    await until(
      'both outcomes logged',
      () => lines.filter((line) => line.context === 'TenantDelivery').length === 2,
    );

    const deliveryLines = lines.filter((line) => line.context === 'TenantDelivery');
    expect(deliveryLines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'warn',
          correlationId: refused.message_id,
          msg: expect.stringContaining('deliver_sm_resp ESME_RX_T_APPN'),
        }),
        expect.objectContaining({
          level: 'debug',
          correlationId: delivered.message_id,
          msg: expect.stringContaining('dlr delivered'),
        }),
      ]),
    );
  });

  it('counts deliveries the retention sweep expires in smsc_tenant_deliveries_expired_total', async () => {
    const metrics = new SmscMetrics({ defaultMetrics: false });
    const gateway = await startGateway(metrics, { DELIVERY_POLL_MS: '100' });
    const { tenantId } = await tenant();
    const delivery = gateway.delivery as DeliveryService;
    // No receiver bind: the MO waits; its retention is then made to have elapsed.
    const { deliveryId } = await delivery.recordMo({
      tenantId,
      source: { addr: '447700900123', ton: 1, npi: 1 },
      destination: { addr: '4520000000', ton: 1, npi: 1 },
      dataCoding: 0,
      shortMessage: Buffer.from('late'),
    });
    await db.dataSource.query(
      `UPDATE tenant_deliveries SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [deliveryId],
    );
    const series = 'smsc_tenant_deliveries_expired_total{kind="mo"}';
    await until('the sweep counted the expired MO', async () => {
      return sample(await metrics.render(), series) === 1;
    });
    const [row] = await db.dataSource.query<{ status: string }[]>(
      'SELECT status FROM tenant_deliveries WHERE id = $1',
      [deliveryId],
    );
    expect(row.status).toBe('expired');
  });
});
