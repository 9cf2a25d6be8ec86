import { ReassemblyError } from './errors';

export interface ReceivedSegment {
  source: string;
  destination: string;
  reference: number;
  total: number;
  /** 1-based. */
  sequence: number;
  /** The part's user data, UDH removed (see parseMessageBody). */
  userData: Buffer;
}

export interface ReassemblerOptions {
  /** A message whose first part arrived longer ago than this is dropped. */
  ttlMs: number;
  /** Upper bound on buffered user data octets; the oldest incomplete messages are dropped to stay within it. */
  maxBufferedOctets: number;
  /** Upper bound on incomplete messages held at once. Default 10,000. */
  maxPendingMessages?: number;
}

export interface SegmentGroupKey {
  source: string;
  destination: string;
  reference: number;
  total: number;
}

export interface DroppedMessage extends SegmentGroupKey {
  reason: 'expired' | 'over-budget' | 'too-many-pending';
  receivedParts: number;
}

export type ReassemblyOutcome = SegmentGroupKey & { dropped: DroppedMessage[] } & (
    | { status: 'complete'; userData: Buffer; parts: Buffer[] }
    | { status: 'pending' | 'duplicate'; receivedParts: number }
  );

interface PendingMessage {
  key: SegmentGroupKey;
  firstSeenAt: number;
  parts: Array<Buffer | undefined>;
  receivedParts: number;
  octets: number;
}

/**
 * Collects the parts of concatenated messages, keyed by (source, destination, reference, total).
 * A repeated part is ignored (the first copy is kept). Memory is bounded by octets and by number
 * of messages; the clock is passed in.
 */
export class SegmentReassembler {
  private readonly pending = new Map<string, PendingMessage>();
  private octets = 0;
  private readonly maxPendingMessages: number;

  constructor(private readonly options: ReassemblerOptions) {
    this.maxPendingMessages = options.maxPendingMessages ?? 10_000;
    for (const [name, value] of Object.entries({ ...options, maxPendingMessages: this.maxPendingMessages })) {
      if (!Number.isFinite(value) || value <= 0)
        throw new RangeError(`${name} must be a positive number, got ${value}`);
    }
  }

  get bufferedOctets(): number {
    return this.octets;
  }

  get pendingMessages(): number {
    return this.pending.size;
  }

  add(segment: ReceivedSegment, now: number = Date.now()): ReassemblyOutcome {
    const { source, destination, reference, total, sequence, userData } = segment;
    if (!Number.isInteger(total) || total < 1 || total > 255) {
      throw new ReassemblyError('invalid-total', `total parts ${total} is not 1..255`);
    }
    if (!Number.isInteger(sequence) || sequence < 1 || sequence > total) {
      throw new ReassemblyError('invalid-sequence', `part number ${sequence} is not 1..${total}`);
    }
    if (userData.length > this.options.maxBufferedOctets) {
      throw new ReassemblyError(
        'over-budget',
        `a ${userData.length}-octet part exceeds the ${this.options.maxBufferedOctets}-octet budget`,
      );
    }
    const key: SegmentGroupKey = { source, destination, reference, total };
    const dropped = this.sweep(now);
    const id = JSON.stringify([source, destination, reference, total]);
    let message = this.pending.get(id);
    if (message?.parts[sequence - 1]) {
      return { ...key, dropped, status: 'duplicate', receivedParts: message.receivedParts };
    }
    if (!message) {
      if (this.pending.size >= this.maxPendingMessages) dropped.push(this.dropOldest('too-many-pending'));
      message = this.start(id, key, now);
    }
    // Each pass drops one message; once only this one is left (restarted, empty) the part fits, as checked above.
    while (this.octets + userData.length > this.options.maxBufferedOctets) {
      dropped.push(this.dropOldest('over-budget'));
      if (!this.pending.has(id)) message = this.start(id, key, now);
    }
    message.parts[sequence - 1] = Buffer.from(userData);
    message.receivedParts++;
    message.octets += userData.length;
    this.octets += userData.length;
    if (message.receivedParts < total) {
      return { ...key, dropped, status: 'pending', receivedParts: message.receivedParts };
    }
    this.forget(id, message);
    const parts = message.parts as Buffer[];
    return { ...key, dropped, status: 'complete', userData: Buffer.concat(parts), parts };
  }

  /** Drops the messages whose first part is older than the TTL. */
  sweep(now: number = Date.now()): DroppedMessage[] {
    const dropped: DroppedMessage[] = [];
    // Insertion order is first-seen order, so expired messages are at the front.
    for (const [id, message] of this.pending) {
      if (now - message.firstSeenAt <= this.options.ttlMs) break;
      dropped.push(this.remove(id, message, 'expired'));
    }
    return dropped;
  }

  private start(id: string, key: SegmentGroupKey, now: number): PendingMessage {
    const message = {
      key,
      firstSeenAt: now,
      parts: new Array<Buffer | undefined>(key.total),
      receivedParts: 0,
      octets: 0,
    };
    this.pending.set(id, message);
    return message;
  }

  private dropOldest(reason: DroppedMessage['reason']): DroppedMessage {
    const [id, message] = this.pending.entries().next().value!;
    return this.remove(id, message, reason);
  }

  private remove(id: string, message: PendingMessage, reason: DroppedMessage['reason']): DroppedMessage {
    this.forget(id, message);
    return { ...message.key, reason, receivedParts: message.receivedParts };
  }

  private forget(id: string, message: PendingMessage): void {
    this.pending.delete(id);
    this.octets -= message.octets;
  }
}
