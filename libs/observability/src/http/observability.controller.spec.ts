import { Injectable, Module, type INestApplication, type OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { SmscMetrics } from '../metrics/smsc-metrics';
import { ObservabilityModule } from './observability.module';
import {
  busConsumersCheck,
  providerBindsCheck,
  ReadinessCheckError,
  ReadinessRegistry,
  type ReadinessStatus,
} from './readiness';

/** What an app's service does at start: register its checks and count through the injected metrics. */
@Injectable()
class DatabaseProbe implements OnModuleInit {
  status: ReadinessStatus = { up: true, latencyMs: 1.5 };

  constructor(
    private readonly readiness: ReadinessRegistry,
    readonly metrics: SmscMetrics,
  ) {}

  onModuleInit(): void {
    this.readiness.register('database', () => Promise.resolve(this.status));
  }
}

@Module({ providers: [DatabaseProbe] })
class ProbeModule {}

describe('ObservabilityModule over HTTP', () => {
  let app: INestApplication;
  let base: string;
  let probe: DatabaseProbe;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRoot({ metrics: new SmscMetrics({ defaultMetrics: false }) }),
        ProbeModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    probe = app.get(DatabaseProbe);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves liveness as 200 {"status":"ok"}', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves /metrics in the Prometheus text format with what the app counted', async () => {
    probe.metrics.submitAnswered('acme', 'submit_sm', 0, 0.003);
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;/);
    expect(response.headers.get('content-type')).toContain('version=0.0.4');
    expect(await response.text()).toContain(
      'smsc_submits_total{tenant="acme",command="submit_sm",status="ESME_ROK"} 1',
    );
  });

  it("answers /ready 200 in the aggregator health controller's shape while every check passes", async () => {
    probe.status = { up: true, latencyMs: 1.5 };
    const response = await fetch(`${base}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', database: { up: true, latencyMs: 1.5 } });
  });

  it('answers /ready 503 with each check and the reason of the failing one', async () => {
    probe.status = { up: false, error: 'connection refused' };
    app
      .get(ReadinessRegistry)
      .register('providers', () => Promise.resolve({ up: true, bound: { infobip: 1 } }));
    const response = await fetch(`${base}/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      database: { up: false, error: 'connection refused' },
      providers: { up: true, bound: { infobip: 1 } },
    });
  });
});

describe('ReadinessRegistry', () => {
  it('reports a check that throws or never answers as down with the reason', async () => {
    const readiness = new ReadinessRegistry(20);
    readiness.register('broken', () => Promise.reject(new Error('socket hang up')));
    readiness.register('stuck', () => new Promise<never>(() => undefined));
    await expect(readiness.run()).resolves.toEqual({
      ready: false,
      checks: {
        broken: { up: false, error: 'socket hang up' },
        stuck: { up: false, error: 'no answer within 20 ms' },
      },
    });
  });

  it('is ready with no checks, and refuses duplicate and reserved names', async () => {
    const readiness = new ReadinessRegistry();
    await expect(readiness.run()).resolves.toEqual({ ready: true, checks: {} });
    readiness.register('database', () => Promise.resolve({ up: true }));
    expect(() => readiness.register('database', () => Promise.resolve({ up: true }))).toThrow(
      ReadinessCheckError,
    );
    expect(() => readiness.register('status', () => Promise.resolve({ up: true }))).toThrow(
      ReadinessCheckError,
    );
    expect(() => readiness.register('not a name', () => Promise.resolve({ up: true }))).toThrow(
      ReadinessCheckError,
    );
  });

  it('checks bus consumers per topic', async () => {
    const healths = {
      'send.infobip': { topic: 'send.infobip', consumers: 1, healthy: true },
      'dlr.events': { topic: 'dlr.events', consumers: 0, healthy: false, reason: 'no consumer' },
    };
    const bus = { health: (topic: string) => Promise.resolve(healths[topic as keyof typeof healths]) };
    await expect(busConsumersCheck(bus, ['send.infobip'])()).resolves.toEqual({
      up: true,
      consumers: { 'send.infobip': 1 },
    });
    await expect(busConsumersCheck(bus, ['send.infobip', 'dlr.events'])()).resolves.toEqual({
      up: false,
      error: 'dlr.events: no consumer',
      consumers: { 'send.infobip': 1, 'dlr.events': 0 },
    });
  });

  it('requires a bound session for every enabled provider, ignoring disabled ones', async () => {
    const check = providerBindsCheck(() =>
      Promise.resolve([
        { providerId: 'infobip', enabled: true, boundSessions: 2 },
        { providerId: 'mta', enabled: true, boundSessions: 0, lastError: 'ESME_RBINDFAIL' },
        { providerId: 'labsmobile', enabled: false, boundSessions: 0 },
      ]),
    );
    await expect(check()).resolves.toEqual({
      up: false,
      error: 'no upstream bind for mta: ESME_RBINDFAIL',
      bound: { infobip: 2, mta: 0 },
    });
  });
});
