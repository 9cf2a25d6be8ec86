import 'reflect-metadata';
import { Logger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, LOG_LEVELS, loadConfig, type AppConfig, type LogLevel } from '@app/config';
import { DatabaseServer } from '@app/database';
import { SmppServerModule } from './smpp-server.module';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const logger = new Logger('SmppServer');

function enabledLevels(level: LogLevel): NestLogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

function readConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/**
 * SIGTERM / SIGINT: the gateway stops taking binds, unbinds every tenant after its in-flight submits are answered,
 * drains the group commit; then the DataSource and the embedded database close and the process exits 0.
 */
async function bootstrap(): Promise<void> {
  const config = readConfigOrExit();
  Logger.overrideLogger(enabledLevels(config.logLevel));
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
    const app = await NestFactory.createApplicationContext(SmppServerModule.forRoot(config, server), {
      logger: enabledLevels(config.logLevel),
      abortOnError: false,
    });
    for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, stopDuringBoot);
    app.enableShutdownHooks([...SHUTDOWN_SIGNALS], { useProcessExit: true });
    await app.init();
  } catch (error) {
    await server.close();
    throw error;
  }
  logger.log('SMPP server ready');
}

bootstrap().catch((error: unknown) => {
  logger.error(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
