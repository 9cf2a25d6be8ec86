export interface LockoutOptions {
  /** Failed binds from one IP for one system_id before that pair is locked out. */
  readonly maxFailures: number;
  /** How long failures are remembered and how long a lockout lasts. */
  readonly windowMs: number;
  /** Pairs tracked at most; the oldest are forgotten first (bounded memory under a spray of system_ids). */
  readonly maxTracked?: number;
  readonly now?: () => number;
}

interface Entry {
  failures: number;
  /** Start of the counting window, or end of the lockout once locked. */
  since: number;
  lockedUntil: number;
}

/**
 * Repeated failed binds per (remote IP, system_id), in this process's memory: each server instance counts its own
 * (a client that spreads its guesses across N instances gets N times the attempts).
 */
export class BindFailureLockout {
  private readonly entries = new Map<string, Entry>();
  private readonly maxTracked: number;
  private readonly now: () => number;

  constructor(private readonly options: LockoutOptions) {
    this.maxTracked = options.maxTracked ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  isLocked(ip: string, systemId: string): boolean {
    const entry = this.entries.get(key(ip, systemId));
    return entry !== undefined && entry.lockedUntil > this.now();
  }

  recordFailure(ip: string, systemId: string): void {
    const k = key(ip, systemId);
    const now = this.now();
    let entry = this.entries.get(k);
    if (entry === undefined || now - entry.since > this.options.windowMs) {
      entry = { failures: 0, since: now, lockedUntil: 0 };
    }
    this.entries.delete(k);
    this.entries.set(k, entry);
    entry.failures++;
    if (entry.failures >= this.options.maxFailures) entry.lockedUntil = now + this.options.windowMs;
    while (this.entries.size > this.maxTracked) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  recordSuccess(ip: string, systemId: string): void {
    this.entries.delete(key(ip, systemId));
  }
}

function key(ip: string, systemId: string): string {
  return `${ip}\u0000${systemId}`;
}
