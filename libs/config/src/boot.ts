import type { LogLevel as NestLogLevel } from '@nestjs/common';
import { ConfigError } from './config.error';
import { loadConfig } from './load-config';
import { LOG_LEVELS, type AppConfig, type LogLevel } from './schema';

/** LOG_LEVEL names the lowest level logged; Nest wants the list of enabled levels. */
export function enabledLogLevels(level: LogLevel): NestLogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/** For an app's main(): the configuration, or every invalid variable on stderr and exit code 1. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
