import { reconnectDelayMs, registerVendorTlv, type RandomSource } from '@app/smpp';
import type { ProviderEndpoint, ProviderProfile } from './profile';

/**
 * The profile's reconnect delays for `attempts` consecutive failures, in milliseconds. With a
 * `random` of 0 (no jitter) Mobile Text Alerts gives 1, 2, 4, 8, 16, 32, 60, 60 … s and GatewayAPI
 * 30 s each time.
 */
export function reconnectDelays(
  profile: ProviderProfile,
  attempts: number,
  random: RandomSource = Math.random,
): number[] {
  return Array.from({ length: attempts }, (_, failed) =>
    reconnectDelayMs(failed, profile.session.reconnect, random),
  );
}

/**
 * The endpoints to use: the default set or a documented region (GatewayAPI `eu`), plain or TLS.
 * A profile that requires TLS yields only TLS endpoints whatever is asked.
 */
export function endpointsFor(
  profile: ProviderProfile,
  options: { tls?: boolean; region?: string } = {},
): ProviderEndpoint[] {
  const { connection } = profile;
  const set = options.region === undefined ? connection.endpoints : connection.regions[options.region];
  if (set === undefined) {
    throw new RangeError(`${profile.name} has no region ${JSON.stringify(options.region)}`);
  }
  const tls = connection.tls === 'required' || options.tls === true;
  return set.filter((endpoint) => endpoint.tls === tls);
}

/** Teaches the codec the profile's vendor TLVs. Idempotent; call once when a connector starts. */
export function registerProviderTlvs(profile: ProviderProfile): void {
  for (const definition of profile.tlvs.vendorTlvs) registerVendorTlv(definition);
}
