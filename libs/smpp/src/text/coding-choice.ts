import { NoSuitableCodingError, TextEncodingError } from './errors';
import {
  countSegments,
  type ConcatenationMethod,
  type SegmentCapacity,
  type SegmentCount,
} from './segmentation';
import type { TextCoding } from './types';

/** Codings that carry characters; binary data is never a candidate for text. */
export type CharacterCoding = Exclude<TextCoding, 'binary'>;

export interface ChooseCodingOptions {
  /** Default `udh8`. */
  method?: ConcatenationMethod;
  /** Per-coding capacity overrides, e.g. `{ latin1: { single: 160, multi: 153 } }` for Mobile Text Alerts. */
  capacities?: Partial<Record<CharacterCoding, Partial<SegmentCapacity>>>;
}

export interface CodingChoice extends SegmentCount {
  coding: CharacterCoding;
}

/**
 * The allowed coding that represents the text in the fewest segments; on a tie the one listed
 * first. `allowed` is the destination's list in order of preference, e.g. [gsm7, latin1, ucs2] or
 * Mobile Text Alerts' [ascii, latin1, ucs2].
 */
export function chooseCheapestCoding(
  text: string,
  allowed: readonly CharacterCoding[],
  options: ChooseCodingOptions = {},
): CodingChoice {
  let best: CodingChoice | undefined;
  let firstFailure: TextEncodingError | undefined;
  for (const coding of allowed) {
    try {
      const count = countSegments(text, coding, {
        method: options.method,
        capacity: options.capacities?.[coding],
      });
      if (!best || count.segments < best.segments) best = { ...count, coding };
    } catch (error) {
      if (!(error instanceof TextEncodingError)) throw error;
      firstFailure ??= error;
    }
  }
  if (!best) throw new NoSuitableCodingError(allowed, firstFailure);
  return best;
}
