/** The codings this library can encode and decode. `binary` text is lowercase hex. */
export type TextCoding = 'gsm7' | 'ascii' | 'latin1' | 'cyrillic' | 'ucs2' | 'binary';

export const TEXT_CODINGS: readonly TextCoding[] = ['gsm7', 'ascii', 'latin1', 'cyrillic', 'ucs2', 'binary'];

export interface EncodeOptions {
  /**
   * Written in place of every character the coding cannot represent. Without it such a character
   * raises TextEncodingError; the replacement itself must be representable.
   */
  replacement?: string;
}
