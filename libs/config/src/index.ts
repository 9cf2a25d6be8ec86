export { APP_CONFIG, ConfigModule } from './config.module';
export { enabledLogLevels, loadConfigOrExit } from './boot';
export { ConfigError, InvalidValueError, type ConfigIssue } from './config.error';
export { loadConfig } from './load-config';
export { redactUrl } from './redact-url';
export {
  CONFIG_SCHEMA,
  LOG_FORMATS,
  LOG_LEVELS,
  NODE_ENVS,
  type AppConfig,
  type ConfigKey,
  type LogFormat,
  type LogLevel,
  type NodeEnv,
} from './schema';
