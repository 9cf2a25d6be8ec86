import { InvalidBillingRequestError } from './billing.errors';

/** SMPP 3.4 sar_total_segments is one octet, so a message has at most 255 segments. */
export const MAX_SEGMENTS = 255;

/**
 * The price of one message: segments × price per segment, in integer micro-units. The result is frozen into the
 * reservation, so a later price change never alters a message already in flight.
 */
export function rateMessage(segments: number, pricePerSegment: bigint): bigint {
  if (!Number.isInteger(segments) || segments < 1 || segments > MAX_SEGMENTS) {
    throw new InvalidBillingRequestError(
      `segments must be an integer from 1 to ${MAX_SEGMENTS}, got ${segments}`,
    );
  }
  if (pricePerSegment < 0n) {
    throw new InvalidBillingRequestError(`price per segment must not be negative, got ${pricePerSegment}`);
  }
  return BigInt(segments) * pricePerSegment;
}
