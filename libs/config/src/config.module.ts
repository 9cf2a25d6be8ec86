import { Global, Module, type DynamicModule } from '@nestjs/common';
import { loadConfig } from './load-config';
import type { AppConfig } from './schema';

/** Injection token of the `AppConfig`: `constructor(@Inject(APP_CONFIG) config: AppConfig)`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Provides `config`, or the configuration loaded from `process.env` when omitted (throws `ConfigError`). */
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
