import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { DataSource } from 'typeorm';
import { PROVIDER_PROFILES, type ProviderId } from '@app/providers';
import {
  DEFAULT_SIM_ACCOUNT,
  SCRIPTED_OUTCOMES,
  selfSignedCertificate,
  startProviderSim,
  type ProviderSim,
} from '@app/provider-sim';
import {
  parseBootstrapConfig,
  type BootstrapConfig,
  type BootstrapProvider,
  type BootstrapTenant,
  type TariffRow,
} from './bootstrap-config';
import { applyBootstrapConfig } from './bootstrap-apply';

/** The demo tenant of the sandbox. The password is fixed: credentials are kept once created, so a restart reuses it. */
export const SANDBOX_TENANT = { name: 'demo', systemId: 'demo', password: 'demopass' } as const;

/** Every destination starts with one of these (E.164 without '+'): the decks and the price plan cover them all. */
const FIRST_DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Cost per segment in micro-EUR: a base for every first digit, and a few prefixes where the provider is the cheapest,
 * so least-cost routing picks a different provider for 44, 45, 1 and 34.
 */
const SANDBOX_DECKS: Record<ProviderId, { base: bigint; cheaper: Record<string, bigint> }> = {
  infobip: { base: 30_000n, cheaper: { '44': 20_000n } },
  gatewayapi: { base: 32_000n, cheaper: { '45': 15_000n } },
  mta: { base: 34_000n, cheaper: { '1': 10_000n } },
  labsmobile: { base: 36_000n, cheaper: { '34': 12_000n } },
};
const SANDBOX_PRICE_MICROS = 50_000n;
/** 100.00 EUR, credited once. */
const SANDBOX_OPENING_BALANCE_MICROS = 100_000_000n;
const SIM_HOST = '127.0.0.1';
const sandboxLogger = new Logger('Sandbox');

/** A deliberate Error subclass so a start failure names the sandbox. */
export class SandboxStartError extends Error {
  override readonly name = 'SandboxStartError';
}

/** True when nothing points at a real provider: no provider in the bootstrap file and no <P>_SYSTEM_ID set. */
export function sandboxWanted(config: AppConfig, bootstrap: BootstrapConfig | undefined): boolean {
  const systemIds = [
    config.infobipSystemId,
    config.gatewayApiSystemId,
    config.mtaSystemId,
    config.labsMobileSystemId,
  ];
  return (bootstrap?.providers.length ?? 0) === 0 && systemIds.every((id) => id === undefined);
}

function deckRows(provider: ProviderId): TariffRow[] {
  const { base, cheaper } = SANDBOX_DECKS[provider];
  const costs = new Map<string, bigint>(FIRST_DIGITS.map((prefix) => [prefix, base]));
  for (const [prefix, micros] of Object.entries(cheaper)) costs.set(prefix, micros);
  return [...costs].map(([prefix, micros]) => ({ prefix, micros }));
}

/** The providers (the running simulators), the demo tenant, its price plan, least-cost route plan and balance. */
export function sandboxBootstrap(ports: Readonly<Record<ProviderId, number>>): BootstrapConfig {
  const providers: BootstrapProvider[] = (Object.keys(SANDBOX_DECKS) as ProviderId[]).map((id) => ({
    id,
    name: `${PROVIDER_PROFILES[id].name} (simulator)`,
    enabled: true,
    hosts: [{ host: SIM_HOST, port: ports[id] }],
    tls: id === 'mta',
    systemId: DEFAULT_SIM_ACCOUNT.system_id,
    password: DEFAULT_SIM_ACCOUNT.password,
    sessions: 1,
    currency: 'EUR',
    rateDeck: { rows: deckRows(id) },
  }));
  const tenant: BootstrapTenant = {
    name: SANDBOX_TENANT.name,
    currency: 'EUR',
    openingBalance: SANDBOX_OPENING_BALANCE_MICROS,
    creditLimit: 0n,
    credentials: [{ systemId: SANDBOX_TENANT.systemId, password: SANDBOX_TENANT.password }],
    pricePlan: { rows: FIRST_DIGITS.map((prefix) => ({ prefix, micros: SANDBOX_PRICE_MICROS })) },
    routePlans: [
      { prefix: '', rank: 0, strategy: 'least_cost', providers: [], allowProviders: [], denyProviders: [] },
    ],
    moNumbers: [],
  };
  return { providers, tenants: [tenant], routePlans: [] };
}

/** The four provider simulators of `npm start` without providers, and the config that points the connectors at them. */
export interface Sandbox {
  /** The app's config with every connector's hosts and credentials set to its simulator. */
  readonly config: AppConfig;
  readonly bootstrap: BootstrapConfig;
  readonly ports: Readonly<Record<ProviderId, number>>;
  /** The lines to print once the SMPP server listens. */
  bindInstructions(): string[];
  stop(): Promise<void>;
}

async function startSim(
  provider: ProviderId,
  port: number,
  config: AppConfig,
  tls: { key: Buffer; cert: Buffer } | undefined,
): Promise<ProviderSim> {
  const options = {
    provider,
    host: SIM_HOST,
    dlrDelayMs: config.simDlrDelayMs,
    ...(tls === undefined ? {} : { tls }),
  };
  try {
    return await startProviderSim({ ...options, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    sandboxLogger.warn(`${provider} simulator: port ${port} is taken, using an ephemeral port`);
    return startProviderSim({ ...options, port: 0 });
  }
}

/**
 * Starts the four simulators on SIM_*_PORT (an ephemeral port when one is taken) on 127.0.0.1. MTA serves TLS only:
 * its connector trusts exactly the simulator's fresh self-signed certificate (SANDBOX ONLY: never for a real MTA).
 */
export async function startSandbox(config: AppConfig): Promise<Sandbox> {
  const wanted: Record<ProviderId, number> = {
    infobip: config.simInfobipPort,
    gatewayapi: config.simGatewayApiPort,
    mta: config.simMtaPort,
    labsmobile: config.simLabsMobilePort,
  };
  const certificate = selfSignedCertificate();
  const certDir = mkdtempSync(join(tmpdir(), 'aggregator-sandbox-'));
  const caFile = join(certDir, 'mta-sim-cert.pem');
  writeFileSync(caFile, certificate.cert);
  const sims: ProviderSim[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(sims.map((sim) => sim.stop()));
    rmSync(certDir, { recursive: true, force: true });
  };
  try {
    for (const provider of Object.keys(wanted) as ProviderId[]) {
      sims.push(
        await startSim(provider, wanted[provider], config, provider === 'mta' ? certificate : undefined),
      );
    }
  } catch (error) {
    await stop();
    throw new SandboxStartError(
      `cannot start the provider simulators: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const ports = Object.fromEntries(sims.map((sim) => [sim.provider, sim.port])) as Record<ProviderId, number>;
  const host = (provider: ProviderId): Array<{ host: string; port: number }> => [
    { host: SIM_HOST, port: ports[provider] },
  ];
  const { system_id: systemId, password } = DEFAULT_SIM_ACCOUNT;
  const sandboxConfig: AppConfig = {
    ...config,
    infobipHosts: host('infobip'),
    infobipSystemId: systemId,
    infobipPassword: password,
    gatewayApiHosts: host('gatewayapi'),
    gatewayApiSystemId: systemId,
    gatewayApiPassword: password,
    mtaHosts: host('mta'),
    mtaSystemId: systemId,
    mtaPassword: password,
    mtaTls: true,
    mtaTlsCa: caFile,
    labsMobileHosts: host('labsmobile'),
    labsMobileSystemId: systemId,
    labsMobilePassword: password,
  };
  for (const sim of sims) {
    sandboxLogger.log(
      `${sim.provider} simulator on ${SIM_HOST}:${sim.port}${sim.provider === 'mta' ? ' (TLS only)' : ''}`,
    );
  }
  sandboxLogger.warn(
    'SANDBOX ONLY: the MTA connector trusts the simulator’s self-signed certificate; never use this with a real provider',
  );
  const bindHost = config.smppHost === '0.0.0.0' ? '127.0.0.1' : config.smppHost;
  return {
    config: sandboxConfig,
    bootstrap: sandboxBootstrap(ports),
    ports,
    bindInstructions: () => [
      'no providers configured: running the SANDBOX (four provider simulators, demo tenant, least-cost routes)',
      `bind: host ${bindHost} port ${config.smppPort} system_id ${SANDBOX_TENANT.systemId} password ${SANDBOX_TENANT.password} (transceiver, or transmitter + receiver)`,
      'least cost: 44… infobip, 45… gatewayapi, 1… mta, 34… labsmobile, anything else infobip',
      `the destination's last digit scripts the outcome: ${SCRIPTED_OUTCOMES.map((outcome, digit) => `${digit} ${outcome}`).join(', ')}`,
      'ask for receipts with registered_delivery 1',
    ],
    stop,
  };
}

/** Stops the simulators after the connectors have unbound (Nest runs onApplicationShutdown after beforeApplicationShutdown). */
class SandboxShutdown implements OnApplicationShutdown {
  constructor(private readonly sandbox: Sandbox) {}

  async onApplicationShutdown(): Promise<void> {
    await this.sandbox.stop();
  }
}

/** Ties the sandbox's simulators to the application's lifetime. */
@Module({})
export class SandboxModule {
  static forRoot(sandbox: Sandbox): DynamicModule {
    return {
      module: SandboxModule,
      providers: [{ provide: SandboxShutdown, useFactory: () => new SandboxShutdown(sandbox) }],
    };
  }
}

/**
 * The sandbox when `sandboxWanted` (the bootstrap file, if any, is read and validated here: BootstrapConfigError),
 * else undefined.
 */
export async function startSandboxIfUnconfigured(
  config: AppConfig,
  bootstrapFile: string | undefined,
): Promise<Sandbox | undefined> {
  const bootstrap =
    bootstrapFile === undefined
      ? undefined
      : parseBootstrapConfig(readFileSync(bootstrapFile, 'utf8'), bootstrapFile, dirname(bootstrapFile));
  return sandboxWanted(config, bootstrap) ? startSandbox(config) : undefined;
}

/** Applies the sandbox's providers and demo tenant (idempotent) and prints how to bind. */
export async function applySandbox(dataSource: DataSource, sandbox: Sandbox): Promise<void> {
  const { changes } = await applyBootstrapConfig(dataSource, sandbox.bootstrap);
  sandboxLogger.log(`providers and demo tenant: ${changes.length === 0 ? 'up to date' : changes.join('; ')}`);
}

/** Prints the bind instructions (call once the SMPP server listens). */
export function printSandboxInstructions(sandbox: Sandbox): void {
  for (const line of sandbox.bindInstructions()) sandboxLogger.log(line);
}
