import { ReassemblyError } from './errors';
import { SegmentReassembler, type ReceivedSegment } from './reassembly';

const segment = (
  sequence: number,
  text: string,
  overrides: Partial<ReceivedSegment> = {},
): ReceivedSegment => ({
  source: '4512345678',
  destination: 'SHOP',
  reference: 42,
  total: 3,
  sequence,
  userData: Buffer.from(text),
  ...overrides,
});

describe('SegmentReassembler', () => {
  const options = { ttlMs: 60_000, maxBufferedOctets: 1_000 };

  it('returns the whole message when the last part arrives, in sequence order whatever the arrival order', () => {
    const reassembler = new SegmentReassembler(options);
    expect(reassembler.add(segment(3, 'C'), 0)).toMatchObject({ status: 'pending', receivedParts: 1 });
    expect(reassembler.add(segment(1, 'A'), 1)).toMatchObject({ status: 'pending', receivedParts: 2 });
    const outcome = reassembler.add(segment(2, 'B'), 2);
    expect(outcome).toMatchObject({ status: 'complete', reference: 42, total: 3, dropped: [] });
    expect(outcome.status === 'complete' && outcome.userData.toString()).toBe('ABC');
    expect(reassembler.pendingMessages).toBe(0);
    expect(reassembler.bufferedOctets).toBe(0);
  });

  it('ignores a duplicate part and keeps the first copy', () => {
    const reassembler = new SegmentReassembler(options);
    reassembler.add(segment(1, 'A'), 0);
    expect(reassembler.add(segment(1, 'X'), 1)).toMatchObject({ status: 'duplicate', receivedParts: 1 });
    expect(reassembler.bufferedOctets).toBe(1);
    reassembler.add(segment(2, 'B'), 2);
    const outcome = reassembler.add(segment(3, 'C'), 3);
    expect(outcome.status === 'complete' && outcome.userData.toString()).toBe('ABC');
  });

  it('keeps messages apart by source, destination, reference and total', () => {
    const reassembler = new SegmentReassembler(options);
    reassembler.add(segment(1, 'A'), 0);
    reassembler.add(segment(1, 'a', { source: 'other' }), 0);
    reassembler.add(segment(1, 'x', { reference: 43 }), 0);
    reassembler.add(segment(1, 'y', { total: 2 }), 0);
    expect(reassembler.pendingMessages).toBe(4);
  });

  it('completes a one-part message at once', () => {
    const outcome = new SegmentReassembler(options).add(segment(1, 'solo', { total: 1 }), 0);
    expect(outcome.status).toBe('complete');
  });

  it('rejects totals and sequence numbers out of range', () => {
    const reassembler = new SegmentReassembler(options);
    expect(() => reassembler.add(segment(4, 'D'), 0)).toThrow(
      expect.objectContaining({ code: 'invalid-sequence' }),
    );
    expect(() => reassembler.add(segment(0, 'D'), 0)).toThrow(ReassemblyError);
    expect(() => reassembler.add(segment(1, 'D', { total: 0 }), 0)).toThrow(
      expect.objectContaining({ code: 'invalid-total' }),
    );
    expect(() => reassembler.add(segment(1, 'D', { total: 256 }), 0)).toThrow(ReassemblyError);
    expect(reassembler.pendingMessages).toBe(0);
  });

  it('drops a message whose first part is older than the TTL', () => {
    const reassembler = new SegmentReassembler(options);
    reassembler.add(segment(1, 'A'), 0);
    expect(reassembler.sweep(60_000)).toEqual([]);
    expect(reassembler.sweep(60_001)).toEqual([
      {
        source: '4512345678',
        destination: 'SHOP',
        reference: 42,
        total: 3,
        reason: 'expired',
        receivedParts: 1,
      },
    ]);
    expect(reassembler.bufferedOctets).toBe(0);
  });

  it('sweeps expired messages on add, so a late part starts afresh', () => {
    const reassembler = new SegmentReassembler(options);
    reassembler.add(segment(1, 'A'), 0);
    const outcome = reassembler.add(segment(2, 'B'), 70_000);
    expect(outcome).toMatchObject({ status: 'pending', receivedParts: 1, dropped: [{ reason: 'expired' }] });
  });

  it('stays within the octet budget by dropping the oldest incomplete messages', () => {
    const reassembler = new SegmentReassembler({ ttlMs: 60_000, maxBufferedOctets: 10 });
    reassembler.add(segment(1, 'aaaa', { reference: 1 }), 0);
    reassembler.add(segment(1, 'bbbb', { reference: 2 }), 1);
    const outcome = reassembler.add(segment(1, 'cccc', { reference: 3 }), 2);
    expect(outcome.dropped).toEqual([expect.objectContaining({ reference: 1, reason: 'over-budget' })]);
    expect(reassembler.bufferedOctets).toBe(8);
    expect(() => reassembler.add(segment(1, 'x'.repeat(11)), 3)).toThrow(
      expect.objectContaining({ code: 'over-budget' }),
    );
  });

  it('restarts its own message when that is the oldest one over budget', () => {
    const reassembler = new SegmentReassembler({ ttlMs: 60_000, maxBufferedOctets: 6 });
    reassembler.add(segment(1, 'aaaa'), 0);
    const outcome = reassembler.add(segment(2, 'bbbb'), 1);
    expect(outcome).toMatchObject({
      status: 'pending',
      receivedParts: 1,
      dropped: [{ reason: 'over-budget' }],
    });
    expect(reassembler.bufferedOctets).toBe(4);
  });

  it('bounds the number of incomplete messages', () => {
    const reassembler = new SegmentReassembler({ ...options, maxPendingMessages: 2 });
    reassembler.add(segment(1, 'a', { reference: 1 }), 0);
    reassembler.add(segment(1, 'b', { reference: 2 }), 0);
    const outcome = reassembler.add(segment(1, 'c', { reference: 3 }), 0);
    expect(outcome.dropped).toEqual([expect.objectContaining({ reference: 1, reason: 'too-many-pending' })]);
    expect(reassembler.pendingMessages).toBe(2);
  });

  it('refuses nonsensical limits', () => {
    expect(() => new SegmentReassembler({ ttlMs: 0, maxBufferedOctets: 10 })).toThrow(RangeError);
    expect(() => new SegmentReassembler({ ttlMs: 10, maxBufferedOctets: Number.NaN })).toThrow(RangeError);
  });
});
