import {
  Injectable,
  Module,
  type DynamicModule,
  type LoggerService,
  type OnModuleInit,
} from '@nestjs/common';
import { enabledLogLevels, type AppConfig } from '@app/config';
import { DatabaseHealth } from '@app/database';
import { createAppLogger, ObservabilityModule, ReadinessRegistry, SmscMetrics } from '@app/observability';
import { DataSource } from 'typeorm';

/** The app's logger from LOG_FORMAT, LOG_REDACT and LOG_LEVEL; pass it to `Logger.overrideLogger` and Nest. */
export function appLogger(config: AppConfig): LoggerService {
  return createAppLogger({
    logFormat: config.logFormat,
    logRedact: config.logRedact,
    levels: enabledLogLevels(config.logLevel),
  });
}

/** Registers the `database` readiness check and the Postgres-derived gauges at start. */
@Injectable()
export class DatabaseObservation implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: SmscMetrics,
    private readonly health: DatabaseHealth,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.readiness.register('database', () => this.health.check());
    this.metrics.registerDatabaseSource(this.dataSource);
  }
}

/**
 * GET /metrics, /health and /ready for an app on the product database (needs `DatabaseModule`): the `database`
 * readiness check and the database scrape source are registered; the app registers its other checks itself.
 */
@Module({})
export class ObservedAppModule {
  static forRoot(metrics?: SmscMetrics): DynamicModule {
    return {
      module: ObservedAppModule,
      imports: [ObservabilityModule.forRoot(metrics === undefined ? {} : { metrics })],
      providers: [DatabaseObservation],
    };
  }
}
