import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SmscMetrics } from '../metrics/smsc-metrics';
import { ObservabilityController } from './observability.controller';
import { ReadinessRegistry } from './readiness';

export interface ObservabilityModuleOptions {
  /** The process's metrics; default a new `SmscMetrics` with the default process metrics. */
  readonly metrics?: SmscMetrics;
  /** Bound of each readiness check. Default 2 000 ms. */
  readonly readinessTimeoutMs?: number;
}

/**
 * GET /metrics, /health and /ready for an app, and the process's `SmscMetrics` and `ReadinessRegistry` for its
 * services to inject (global). Import once, in the app's root module.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [ObservabilityController],
      providers: [
        { provide: SmscMetrics, useValue: options.metrics ?? new SmscMetrics() },
        { provide: ReadinessRegistry, useValue: new ReadinessRegistry(options.readinessTimeoutMs) },
      ],
      exports: [SmscMetrics, ReadinessRegistry],
    };
  }
}
