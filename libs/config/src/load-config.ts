import { ConfigError, InvalidValueError, type ConfigIssue } from './config.error';
import { CONFIG_SCHEMA, type AppConfig } from './schema';

/**
 * Reads and validates every key of `CONFIG_SCHEMA` from `env`. Empty or blank values count as unset.
 * Throws `ConfigError` listing every invalid variable with the reason.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const issues: ConfigIssue[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_SCHEMA)) {
    const raw = env[spec.variable]?.trim();
    try {
      config[key] = spec.read(raw === '' ? undefined : raw);
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      issues.push({ variable: spec.variable, reason: error.message });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(config) as AppConfig;
}
