import fc from 'fast-check';

/** Default-alphabet characters (escape excluded) and extension characters of GSM 03.38. */
export const GSM7_BASIC_CHARACTERS = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?',
  ...'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
];
export const GSM7_EXTENSION_CHARACTERS = [...'\f^{}\\[~]|€'];

/** GSM7-representable text, rich in extension characters so that splits land next to escapes. */
export function gsm7Text(maxLength = 400): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...GSM7_BASIC_CHARACTERS) },
    { weight: 1, arbitrary: fc.constantFrom(...GSM7_EXTENSION_CHARACTERS) },
  );
  return fc.string({ unit, maxLength });
}

/** Well-formed UTF-16 text mixing BMP characters and astral ones (surrogate pairs). */
export function ucs2Text(maxLength = 200): fc.Arbitrary<string> {
  const unit = fc.oneof(
    fc.constantFrom(...'aZ ЖΩ€'),
    fc.constantFrom('😀', '👍', '𝄞'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  return fc.string({ unit, maxLength });
}

/** Text of code points 0x00..upTo (0x7F ASCII, 0xFF Latin-1). */
export function singleByteText(upTo: number, maxLength = 400): fc.Arbitrary<string> {
  return fc.string({
    unit: fc.integer({ min: 0, max: upTo }).map((codePoint) => String.fromCharCode(codePoint)),
    maxLength,
  });
}
