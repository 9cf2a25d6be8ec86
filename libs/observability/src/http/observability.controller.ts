import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { prometheusContentType } from 'prom-client';
import { SmscMetrics } from '../metrics/smsc-metrics';
import { ReadinessRegistry, type ReadinessStatus } from './readiness';

export type ReadyBody = { status: 'ready' | 'unavailable' } & Record<string, ReadinessStatus | string>;

@Controller()
export class ObservabilityController {
  constructor(
    private readonly metrics: SmscMetrics,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Prometheus text exposition of the process's registry. */
  @Get('metrics')
  @Header('Content-Type', prometheusContentType)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.render();
  }

  /** Liveness: the process serves HTTP. Touches nothing else, so a slow database never restarts the pod. */
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every registered check by name; 503 with each check and its reason when one is down. */
  @Get('ready')
  async ready(): Promise<ReadyBody> {
    const report = await this.readiness.run();
    if (!report.ready) throw new ServiceUnavailableException({ status: 'unavailable', ...report.checks });
    return { status: 'ready', ...report.checks };
  }
}
