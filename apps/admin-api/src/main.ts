import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { serveAdminDocs } from '@app/admin';
import { appLogger } from '@app/bootstrap';
import { loadConfigOrExit } from '@app/config';
import { DatabaseServer } from '@app/database';
import { AdminApiModule } from './admin-api.module';

const logger = new Logger('AdminApi');

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const appLog = appLogger(config);
  Logger.overrideLogger(appLog);
  const server = await DatabaseServer.open(config, { onNotice: (message) => logger.warn(message) });
  try {
    const app = await NestFactory.create(AdminApiModule.forRoot(config, server), {
      logger: appLog,
      abortOnError: false,
    });
    app.enableShutdownHooks(['SIGINT', 'SIGTERM'], { useProcessExit: true });
    serveAdminDocs(app);
    await app.listen(config.httpPort);
  } catch (error) {
    await server.close();
    throw error;
  }
  logger.log(`admin API on port ${config.httpPort}, docs at /docs, GET /metrics, GET /health, GET /ready`);
}

bootstrap().catch((error: unknown) => {
  logger.error(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
