/**
 * Reconnect delay schedule: exponential growth from `initialDelayMs` by `multiplier` up to
 * `maxDelayMs`, then shortened by up to `jitter` (a fraction) so that many connectors that lost
 * the same upstream at once do not reconnect in lockstep. Jitter only ever shortens a delay, so
 * `maxDelayMs` is a true cap. With jitter 0 and the defaults the schedule is Mobile Text Alerts'
 * 1, 2, 4, 8, 16, 32, 60, 60 … seconds (003_*.txt "Reconnection").
 */
export interface ReconnectBackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** 0 ≤ jitter < 1: the delay is multiplied by (1 - jitter × random()). */
  jitter: number;
}

export const DEFAULT_RECONNECT_BACKOFF: Readonly<ReconnectBackoffOptions> = Object.freeze({
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  multiplier: 2,
  jitter: 0.2,
});

/** A source of numbers in [0, 1), like Math.random; injectable so the schedule is testable. */
export type RandomSource = () => number;

export class ReconnectBackoffConfigError extends RangeError {
  readonly code = 'RECONNECT_BACKOFF_CONFIG';
}

export function resolveReconnectBackoff(
  options: Partial<ReconnectBackoffOptions> = {},
): ReconnectBackoffOptions {
  const resolved = { ...DEFAULT_RECONNECT_BACKOFF, ...options };
  const { initialDelayMs, maxDelayMs, multiplier, jitter } = resolved;
  if (!Number.isFinite(initialDelayMs) || initialDelayMs < 0) {
    throw new ReconnectBackoffConfigError(
      `initialDelayMs must be a finite number ≥ 0, got ${initialDelayMs}`,
    );
  }
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < initialDelayMs) {
    throw new ReconnectBackoffConfigError(
      `maxDelayMs must be finite and ≥ initialDelayMs, got ${maxDelayMs}`,
    );
  }
  if (!Number.isFinite(multiplier) || multiplier < 1) {
    throw new ReconnectBackoffConfigError(`multiplier must be a finite number ≥ 1, got ${multiplier}`);
  }
  if (!Number.isFinite(jitter) || jitter < 0 || jitter >= 1) {
    throw new ReconnectBackoffConfigError(`jitter must be in [0, 1), got ${jitter}`);
  }
  return resolved;
}

/**
 * Delay before reconnect attempt number `failedAttempts + 1`, where `failedAttempts` counts the
 * consecutive failures since the last successful bind (0 for the first retry).
 */
export function reconnectDelayMs(
  failedAttempts: number,
  options: ReconnectBackoffOptions,
  random: RandomSource = Math.random,
): number {
  const { initialDelayMs, maxDelayMs, multiplier, jitter } = options;
  let base = initialDelayMs;
  // Bounded: stops at the cap, or after `failedAttempts` steps when the multiplier is 1.
  for (let step = 0; step < failedAttempts && base < maxDelayMs; step++) {
    base *= multiplier;
    if (multiplier === 1) break;
  }
  const capped = Math.min(base, maxDelayMs);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(capped * (1 - jitter * r));
}
