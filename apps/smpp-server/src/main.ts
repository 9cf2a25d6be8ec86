import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { appLogger } from '@app/bootstrap';
import { loadConfigOrExit } from '@app/config';
import { DatabaseServer } from '@app/database';
import { SmppServerModule } from './smpp-server.module';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const logger = new Logger('SmppServer');

/**
 * SIGTERM / SIGINT: the gateway stops taking binds, unbinds every tenant after its in-flight submits are answered,
 * drains the group commit; then the DataSource and the embedded database close and the process exits 0.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const appLog = appLogger(config);
  Logger.overrideLogger(appLog);
  const started: { server?: DatabaseServer } = {};
  const stopDuringBoot = (signal: NodeJS.Signals): void => {
    logger.log(`${signal} during start: stopping`);
    void (started.server?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, stopDuringBoot);

  const server = await DatabaseServer.open(config, { onNotice: (message) => logger.warn(message) });
  started.server = server;
  logger.log(`database: ${server.describe()}`);
  try {
    const app = await NestFactory.create(SmppServerModule.forRoot(config, server), {
      logger: appLog,
      abortOnError: false,
    });
    for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, stopDuringBoot);
    app.enableShutdownHooks([...SHUTDOWN_SIGNALS], { useProcessExit: true });
    await app.listen(config.httpPort);
  } catch (error) {
    await server.close();
    throw error;
  }
  logger.log(`SMPP server ready; HTTP on port ${config.httpPort}: GET /metrics, GET /health, GET /ready`);
}

bootstrap().catch((error: unknown) => {
  logger.error(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
