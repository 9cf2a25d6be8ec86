/** A character the chosen coding cannot represent (and no replacement was asked for). */
export class TextEncodingError extends Error {
  override readonly name = 'TextEncodingError';

  constructor(
    readonly coding: string,
    /** The offending character (one code point, or a lone surrogate). */
    readonly character: string,
    /** Index of the character in the input string, in UTF-16 code units. */
    readonly index: number,
    reason = `cannot be encoded in ${coding}`,
  ) {
    super(`${describeCharacter(character)} at index ${index} ${reason}`);
  }
}

/** Octets that are not a valid encoding in the given coding. */
export class TextDecodingError extends Error {
  override readonly name = 'TextDecodingError';

  constructor(
    readonly coding: string,
    /** Octet offset of the problem in the input buffer. */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`cannot decode ${coding} at octet ${offset}: ${reason}`);
  }
}

/** A data_coding value that cannot be built or is out of range. */
export class DataCodingError extends Error {
  override readonly name = 'DataCodingError';
}

export type SegmentationErrorCode =
  'too-many-parts' | 'payload-too-long' | 'invalid-capacity' | 'invalid-reference';

/** A message that cannot be split as asked. */
export class SegmentationError extends Error {
  override readonly name = 'SegmentationError';

  constructor(
    readonly code: SegmentationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type MessageBodyErrorCode =
  | 'empty-udh'
  | 'udh-overflow'
  | 'ie-overflow'
  | 'invalid-concat'
  | 'incomplete-sar'
  | 'invalid-sar'
  | 'short-message-and-payload';

/** A received short_message / message_payload whose UDH or SAR TLVs are malformed. */
export class MessageBodyError extends Error {
  override readonly name = 'MessageBodyError';

  constructor(
    readonly code: MessageBodyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type ReassemblyErrorCode = 'invalid-total' | 'invalid-sequence' | 'over-budget';

/** A received segment the reassembler refuses to hold. */
export class ReassemblyError extends Error {
  override readonly name = 'ReassemblyError';

  constructor(
    readonly code: ReassemblyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function describeCharacter(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0;
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  const printable = codePoint >= 0x20 && codePoint !== 0x7f && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return printable ? `'${character}' (U+${hex})` : `U+${hex}`;
}

/** None of the allowed codings can represent the text. */
export class NoSuitableCodingError extends Error {
  override readonly name = 'NoSuitableCodingError';

  constructor(
    readonly allowed: readonly string[],
    /** Why the first allowed coding failed, which names a character it cannot represent. */
    override readonly cause: TextEncodingError | undefined,
  ) {
    super(
      allowed.length === 0
        ? 'no coding is allowed'
        : `text cannot be encoded in any of ${allowed.join(', ')}${cause ? `: ${cause.message}` : ''}`,
    );
  }
}
