/** TEST-ONLY: a connector runtime bound to one provider simulator over real sockets (TLS for MTA). */
import { PROVIDER_PROFILES, type ProviderId } from '@app/providers';
import {
  DEFAULT_SIM_ACCOUNT,
  selfSignedCertificate,
  startProviderSim,
  type ProviderSim,
  type ProviderSimOptions,
} from '@app/provider-sim';
import type { SmppHost } from '@app/smpp';
import { ConnectorRuntime, type ConnectorOptions } from '../connector-runtime';
import { parseIndeterminatePolicy } from '../indeterminate-policy';
import { testDelivery, type ConnectorTestDatabase } from './harness';

let certificate: { key: Buffer; cert: Buffer } | undefined;

/** One self-signed certificate per test process (openssl is slow enough to matter). */
export function testCertificate(): { key: Buffer; cert: Buffer } {
  certificate ??= selfSignedCertificate(1);
  return certificate;
}

export function startSim(
  provider: ProviderId,
  options: Omit<ProviderSimOptions, 'provider'> = {},
): Promise<ProviderSim> {
  const tls = PROVIDER_PROFILES[provider].connection.tls === 'required' ? { tls: testCertificate() } : {};
  return startProviderSim({ provider, dlrDelayMs: 0, ...tls, ...options });
}

/** The host entry for a simulator: TLS (trusting the self-signed certificate) when the profile requires it. */
export function simHost(sim: ProviderSim): SmppHost {
  const tls = PROVIDER_PROFILES[sim.provider].connection.tls === 'required';
  return { host: '127.0.0.1', port: sim.port, ...(tls ? { tls: { rejectUnauthorized: false } } : {}) };
}

/** A started runtime for the simulator's provider with fast test timings; `overrides` win. */
export function startSimConnector(
  context: ConnectorTestDatabase,
  sims: ProviderSim | readonly ProviderSim[],
  overrides: Partial<ConnectorOptions> = {},
): ConnectorRuntime {
  const list = Array.isArray(sims) ? (sims as readonly ProviderSim[]) : [sims as ProviderSim];
  const runtime = new ConnectorRuntime({
    profile: PROVIDER_PROFILES[list[0].provider],
    providerId: context.providerId,
    hosts: list.map(simHost),
    systemId: DEFAULT_SIM_ACCOUNT.system_id,
    password: DEFAULT_SIM_ACCOUNT.password,
    tps: 1_000,
    responseTimeoutMs: 2_000,
    sessionWaitMs: 2_000,
    maxRetries: 1,
    indeterminate: parseIndeterminatePolicy('resubmit:1'),
    reconnect: { initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
    dataSource: context.db.dataSource,
    delivery: testDelivery(context.db.dataSource),
    ...overrides,
  });
  runtime.start();
  return runtime;
}
