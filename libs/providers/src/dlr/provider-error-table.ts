import type { ActionDecision } from '../action';
import type { DlrErr } from './taxonomy';

/** One error a provider reports in its delivery receipts, with what it means for us. */
export interface ProviderErrorEntry {
  /** The provider's own code: GatewayAPI SMS error 0x107E, Infobip GSM error id 1, ... */
  code: number;
  /** The provider's name or description for it. */
  name: string;
  /** The provider's grouping (GatewayAPI HLR/MSC/…, Infobip 1 handset / 2 user / 3 operator). */
  group?: string;
  /** The provider's own "permanent" flag, where it publishes one (Infobip). */
  permanent?: boolean;
  err: DlrErr;
  /** What the engine should do with the message (providers.md, [policy] columns). */
  decision: ActionDecision;
}

/** A contiguous run of codes that share one entry (Infobip 1024–1796, SS7 protocol errors). */
export interface ProviderErrorRange extends Omit<ProviderErrorEntry, 'code'> {
  from: number;
  to: number;
}

export interface ProviderErrorTable {
  lookup(code: number): ProviderErrorEntry | undefined;
}

export function createErrorTable(
  entries: readonly ProviderErrorEntry[],
  ranges: readonly ProviderErrorRange[] = [],
): ProviderErrorTable {
  const byCode = new Map<number, ProviderErrorEntry>();
  for (const entry of entries) {
    if (byCode.has(entry.code)) throw new Error(`error table lists code ${entry.code} twice`);
    byCode.set(entry.code, Object.freeze(entry));
  }
  return {
    lookup(code) {
      const entry = byCode.get(code);
      if (entry !== undefined) return entry;
      const range = ranges.find((candidate) => code >= candidate.from && code <= candidate.to);
      if (range === undefined) return undefined;
      const { from: _from, to: _to, ...shared } = range;
      return { ...shared, code };
    },
  };
}

export const EMPTY_ERROR_TABLE: ProviderErrorTable = createErrorTable([]);
