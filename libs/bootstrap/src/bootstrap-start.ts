import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AppConfig } from '@app/config';
import type { DataSource } from 'typeorm';
import { applyBootstrapConfig, type BootstrapApplied } from './bootstrap-apply';
import { parseBootstrapConfig, type BootstrapConfig } from './bootstrap-config';

/** Used when AGGREGATOR_CONFIG is unset and this file exists (relative to the working directory). */
export const DEFAULT_BOOTSTRAP_FILE = 'config/aggregator.yaml';

/** The bootstrap file to apply: AGGREGATOR_CONFIG, else config/aggregator.yaml when present, else none. */
export function bootstrapFile(config: AppConfig): string | undefined {
  if (config.aggregatorConfig !== undefined) return resolve(config.aggregatorConfig);
  return existsSync(DEFAULT_BOOTSTRAP_FILE) ? resolve(DEFAULT_BOOTSTRAP_FILE) : undefined;
}

/** Reads, validates (throws BootstrapConfigError with every problem) and applies the bootstrap file. */
export async function applyBootstrapFile(
  dataSource: DataSource,
  file: string,
): Promise<{ config: BootstrapConfig; applied: BootstrapApplied }> {
  const config = parseBootstrapConfig(readFileSync(file, 'utf8'), file, dirname(file));
  return { config, applied: await applyBootstrapConfig(dataSource, config) };
}
