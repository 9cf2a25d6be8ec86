import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { serveAdminDocs } from '@app/admin';
import {
  appLogger,
  applyBootstrapFile,
  applySandbox,
  bootstrapFile,
  printSandboxInstructions,
  startSandboxIfUnconfigured,
} from '@app/bootstrap';
import { loadConfigOrExit } from '@app/config';
import { DatabaseServer } from '@app/database';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const logger = new Logger('Aggregator');
const postgresLogger = new Logger('postgres');

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const appLog = appLogger(config);
  Logger.overrideLogger(appLog);

  // Until Nest's shutdown hooks take over, a signal stops whatever has started so far and exits 0.
  const started: { server?: DatabaseServer } = {};
  const stopDuringBoot = (signal: NodeJS.Signals): void => {
    logger.log(`${signal} during start: stopping`);
    void (started.server?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, stopDuringBoot);

  const server = await DatabaseServer.open(config, {
    onLog: (line) => postgresLogger.verbose(line),
    onNotice: (message) => logger.warn(message),
  });
  started.server = server;
  logger.log(`database: ${server.describe()}`);
  try {
    const file = bootstrapFile(config);
    // No provider configured anywhere: the four simulators run here and the connectors point at them.
    const sandbox = await startSandboxIfUnconfigured(config, file);
    const app = await NestFactory.create(AppModule.forRoot(sandbox?.config ?? config, server, sandbox), {
      logger: appLog,
      abortOnError: false,
    });
    for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, stopDuringBoot);
    // Closes the HTTP server, then the DataSource and the embedded server (DatabaseModule), then exits 0.
    app.enableShutdownHooks([...SHUTDOWN_SIGNALS], { useProcessExit: true });
    if (file !== undefined) {
      const { applied } = await applyBootstrapFile(app.get(DataSource), file);
      logger.log(
        `bootstrap ${file}: ${applied.changes.length === 0 ? 'up to date' : applied.changes.join('; ')}`,
      );
    }
    if (sandbox !== undefined) await applySandbox(app.get(DataSource), sandbox);
    serveAdminDocs(app);
    await app.listen(config.httpPort);
    if (sandbox !== undefined) printSandboxInstructions(sandbox);
  } catch (error) {
    await server.close();
    throw error;
  }
  logger.log(
    `HTTP listening on port ${config.httpPort}: GET /metrics, GET /health, GET /ready, the admin API (docs at /docs)`,
  );
  logger.log(
    `SMPP listening on port ${config.smppPort}${config.smppTlsPort ? `, TLS on ${config.smppTlsPort}` : ''}`,
  );
}

bootstrap().catch((error: unknown) => {
  logger.error(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
