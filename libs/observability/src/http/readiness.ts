import { Injectable } from '@nestjs/common';

/** One check's outcome; `up: false` carries the reason in `error`. Other fields are details shown as given. */
export type ReadinessStatus =
  | { readonly up: true; readonly [detail: string]: unknown }
  | { readonly up: false; readonly error: string; readonly [detail: string]: unknown };

export type ReadinessCheck = () => Promise<ReadinessStatus>;

export interface ReadinessReport {
  readonly ready: boolean;
  /** Every check by name, in registration order. */
  readonly checks: Readonly<Record<string, ReadinessStatus>>;
}

export class ReadinessCheckError extends Error {
  override readonly name = 'ReadinessCheckError';
}

const CHECK_NAME = /^[a-z][a-zA-Z0-9_]*$/;
/** The /ready body's own key; a check may not take it. */
const RESERVED_NAMES = new Set(['status']);

/**
 * The checks behind GET /ready, registered by the app at start (database, bus consumers, provider binds). All run
 * at once on each request, each bounded by `timeoutMs`; a check that throws or times out is down with the reason.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(readonly timeoutMs = 2_000) {}

  register(name: string, check: ReadinessCheck): void {
    if (!CHECK_NAME.test(name) || RESERVED_NAMES.has(name)) {
      throw new ReadinessCheckError(
        `readiness check name ${JSON.stringify(name)} is not a camelCase identifier`,
      );
    }
    if (this.checks.has(name)) throw new ReadinessCheckError(`readiness check ${name} is already registered`);
    this.checks.set(name, check);
  }

  async run(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.bounded(check)] as const),
    );
    return { ready: entries.every(([, status]) => status.up), checks: Object.fromEntries(entries) };
  }

  private async bounded(check: ReadinessCheck): Promise<ReadinessStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ReadinessStatus>((resolve) => {
      timer = setTimeout(
        () => resolve({ up: false, error: `no answer within ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([
        check().catch((error: unknown): ReadinessStatus => ({
          up: false,
          error: error instanceof Error ? error.message : String(error),
        })),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What `Bus.health(topic)` (libs/bus) reports, as far as readiness needs it. */
export interface TopicHealthLike {
  readonly topic: string;
  readonly consumers: number;
  readonly healthy: boolean;
  readonly reason?: string;
}

/** Ready when every topic the app consumes has a consumer attached and its transport is connected. */
export function busConsumersCheck(
  bus: { health(topic: string): Promise<TopicHealthLike> },
  topics: readonly string[],
): ReadinessCheck {
  return async () => {
    const healths = await Promise.all(topics.map((topic) => bus.health(topic)));
    const consumers = Object.fromEntries(healths.map((health) => [health.topic, health.consumers]));
    const failing = healths.filter((health) => !health.healthy || health.consumers < 1);
    if (failing.length === 0) return { up: true, consumers };
    const reasons = failing.map((health) => `${health.topic}: ${health.reason ?? 'no consumer attached'}`);
    return { up: false, error: reasons.join('; '), consumers };
  };
}

/** One provider's sessions as the connector runtime knows them. */
export interface ProviderBindState {
  readonly providerId: string;
  readonly enabled: boolean;
  /** Sessions bound as transmitter or transceiver (able to submit). */
  readonly boundSessions: number;
  readonly lastError?: string;
}

/** Ready when every enabled provider has at least one bound session. */
export function providerBindsCheck(providers: () => Promise<readonly ProviderBindState[]>): ReadinessCheck {
  return async () => {
    const enabled = (await providers()).filter((provider) => provider.enabled);
    const bound = Object.fromEntries(
      enabled.map((provider) => [provider.providerId, provider.boundSessions]),
    );
    const unbound = enabled.filter((provider) => provider.boundSessions < 1);
    if (unbound.length === 0) return { up: true, bound };
    const reasons = unbound.map(
      (provider) => `${provider.providerId}: ${provider.lastError ?? 'no bound session'}`,
    );
    return { up: false, error: `no upstream bind for ${reasons.join('; ')}`, bound };
  };
}
