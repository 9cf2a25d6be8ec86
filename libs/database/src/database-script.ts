import { ConfigError, loadConfig } from '@app/config';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.options';
import { DatabaseServer } from './database-server';

export interface DatabaseScriptContext {
  server: DatabaseServer;
  dataSource: DataSource;
}

export interface DatabaseScriptOptions {
  /** Exit code when the body throws, the configuration is invalid or a signal interrupts (default 1). */
  failureExitCode?: number;
}

/**
 * Runs a command-line script (`npm run migration:run`, `npm run reconcile`, ...) against the product's database:
 * DATABASE_URL, or the embedded server started for the run. Hands `body` an initialized DataSource, then closes it
 * and stops the embedded server, also on error and on SIGINT/SIGTERM (the embedded server runs in its own process
 * group, so a terminal's Ctrl-C reaches only this process). The process exits with the code `body` returns.
 */
export function runDatabaseScript(
  name: string,
  body: (context: DatabaseScriptContext) => Promise<number>,
  options: DatabaseScriptOptions = {},
): void {
  const failureExitCode = options.failureExitCode ?? 1;
  let server: DatabaseServer | undefined;
  let dataSource: DataSource | undefined;
  const release = async (): Promise<void> => {
    if (dataSource?.isInitialized === true) await dataSource.destroy().catch(() => undefined);
    await server?.close();
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${name}: ${signal}, stopping`);
      void release().finally(() => process.exit(failureExitCode));
    });
  }

  const run = async (): Promise<number> => {
    server = await DatabaseServer.open(loadConfig(), {
      onNotice: (message) => console.warn(`${name}: ${message}`),
    });
    dataSource = createDataSource(server.url, { poolSize: 2, applicationName: name });
    await dataSource.initialize();
    return body({ server, dataSource });
  };

  run()
    .catch((error: unknown) => {
      const reason =
        error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error;
      console.error(`${name} failed: ${String(reason)}`);
      return failureExitCode;
    })
    .then(async (exitCode) => {
      await release();
      process.exitCode = exitCode;
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = failureExitCode;
    });
}
