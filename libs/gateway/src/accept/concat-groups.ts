import type { ConcatInfo } from '@app/smpp';

interface Group {
  readonly groupId: string;
  readonly expiresAtMs: number;
}

export interface ConcatGroupsOptions {
  /** How long after its first part a long message's parts are still joined to it. */
  readonly ttlMs: number;
  readonly maxGroups: number;
  readonly now?: () => number;
}

/**
 * Joins the parts of one long message (UDH or SAR, submitted as separate PDUs) into one logical message: the parts
 * of a tenant with the same source, destination, reference and total share the first part's message id as
 * group_id. Kept in this process's memory: parts of one message sent over binds to two different server instances
 * get two group ids (each part is still billed and routed correctly).
 */
export class ConcatGroups {
  private readonly groups = new Map<string, Group>();
  private readonly now: () => number;

  constructor(private readonly options: ConcatGroupsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The routing key every part of the message shares (the weighted split sends all parts the same way). */
  static routingKey(tenantId: string, source: string, destination: string, concat: ConcatInfo): string {
    return `${tenantId}|${source}|${destination}|${concat.reference}|${concat.total}`;
  }

  /** The group id for this part: an earlier part's, or `candidateId` when it is the first seen. */
  groupFor(key: string, candidateId: string): string {
    const now = this.now();
    const existing = this.groups.get(key);
    if (existing !== undefined && existing.expiresAtMs > now) return existing.groupId;
    this.groups.delete(key);
    this.groups.set(key, { groupId: candidateId, expiresAtMs: now + this.options.ttlMs });
    while (this.groups.size > this.options.maxGroups) {
      this.groups.delete(this.groups.keys().next().value as string);
    }
    return candidateId;
  }
}
