import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { appLogger } from '@app/bootstrap';
import { ConfigError, loadConfig, type AppConfig } from '@app/config';
import { ObservabilityModule, ReadinessRegistry } from '@app/observability';
import type { ProviderId } from '@app/providers';
import { selfSignedCertificate, startProviderSim, type ProviderSim } from '@app/provider-sim';

const logger = new Logger('ProviderSim');

function readConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

function mtaCertificate(config: AppConfig): { key: Buffer; cert: Buffer } {
  if (config.simMtaTlsCert !== undefined && config.simMtaTlsKey !== undefined) {
    return { key: readFileSync(config.simMtaTlsKey), cert: readFileSync(config.simMtaTlsCert) };
  }
  logger.log('MTA: no SIM_MTA_TLS_CERT/SIM_MTA_TLS_KEY, using a self-signed certificate for localhost');
  return selfSignedCertificate();
}

/** Starts the four provider simulators (Infobip, GatewayAPI, MTA over TLS, LabsMobile) until SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const config = readConfigOrExit();
  const appLog = appLogger(config);
  Logger.overrideLogger(appLog);
  const ports: Record<ProviderId, number> = {
    infobip: config.simInfobipPort,
    gatewayapi: config.simGatewayApiPort,
    mta: config.simMtaPort,
    labsmobile: config.simLabsMobilePort,
  };
  const sims: ProviderSim[] = [];
  const http = await NestFactory.create(
    { module: class ProviderSimHttpModule {}, imports: [ObservabilityModule.forRoot()] },
    { logger: appLog, abortOnError: false },
  );
  http
    .get(ReadinessRegistry)
    .register('simulators', () =>
      Promise.resolve(
        sims.length === Object.keys(ports).length
          ? { up: true, ports: Object.fromEntries(sims.map((sim) => [sim.provider, sim.port])) }
          : { up: false, error: `${sims.length} of ${Object.keys(ports).length} simulators listening` },
      ),
    );
  await http.listen(config.httpPort);
  logger.log(`HTTP on port ${config.httpPort}: GET /metrics, GET /health, GET /ready`);
  const stopAll = async (signal: string): Promise<void> => {
    logger.log(`${signal}: unbinding every session and stopping`);
    await Promise.allSettled([...sims.map((sim) => sim.stop()), http.close()]);
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (s) => void stopAll(s));

  for (const provider of Object.keys(ports) as ProviderId[]) {
    const sim = await startProviderSim({
      provider,
      host: config.smppHost,
      port: ports[provider],
      credentials: config.simAccounts,
      dlrDelayMs: config.simDlrDelayMs,
      ...(provider === 'mta' ? { tls: mtaCertificate(config) } : {}),
    });
    sims.push(sim);
    logger.log(
      `${provider} simulator on ${config.smppHost}:${sim.port}${provider === 'mta' ? ' (TLS only)' : ''}`,
    );
  }
  logger.log(`accounts (system_id): ${config.simAccounts.map((a) => a.system_id).join(', ')}`);
}

main().catch((error: unknown) => {
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
