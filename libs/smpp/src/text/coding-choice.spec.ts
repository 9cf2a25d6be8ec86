import { chooseCheapestCoding } from './coding-choice';
import { NoSuitableCodingError } from './errors';
import { encodeText } from './text-codec';

const MTA = ['ascii', 'latin1', 'ucs2'] as const;
/** Mobile Text Alerts counts 160 characters per ASCII / Latin-1 segment (providers.md §3.3). */
const MTA_CAPACITIES = { ascii: { single: 160, multi: 153 }, latin1: { single: 160, multi: 153 } };

describe('chooseCheapestCoding', () => {
  it('TV-29 picks Latin-1 for Café and UCS-2 for € and Greek capitals at Mobile Text Alerts', () => {
    const cafe = chooseCheapestCoding('Café', MTA, { capacities: MTA_CAPACITIES });
    expect(cafe).toMatchObject({ coding: 'latin1', segments: 1, units: 4 });
    expect(encodeText('Café', cafe.coding)[3]).toBe(0xe9);
    expect(chooseCheapestCoding('Price €5', MTA, { capacities: MTA_CAPACITIES }).coding).toBe('ucs2');
    expect(chooseCheapestCoding('ΔΣ', MTA, { capacities: MTA_CAPACITIES }).coding).toBe('ucs2');
    expect(chooseCheapestCoding('Hello', MTA, { capacities: MTA_CAPACITIES }).coding).toBe('ascii');
  });

  it('TV-08 picks GSM7 for plain text where GSM7 comes first', () => {
    expect(chooseCheapestCoding('Hello', ['gsm7', 'latin1', 'ucs2'])).toMatchObject({
      coding: 'gsm7',
      units: 5,
    });
  });

  it('prefers the coding with fewer segments over the earlier one', () => {
    // 150 GSM7 characters and 6 extension characters: 162 septets (2 segments) vs 156 UCS-2 units (3).
    const text = 'a'.repeat(150) + '{}{}{}';
    expect(chooseCheapestCoding(text, ['gsm7', 'ucs2'])).toMatchObject({ coding: 'gsm7', segments: 2 });
    // 165 septets (2 segments) vs 155 Latin-1 octets: 2 segments at 140, 1 at 160; ties go to gsm7.
    const latin = 'é'.repeat(145) + '^'.repeat(10);
    expect(
      chooseCheapestCoding(latin, ['gsm7', 'latin1'], { capacities: { latin1: { single: 160 } } }),
    ).toMatchObject({ coding: 'latin1', segments: 1 });
    expect(chooseCheapestCoding(latin, ['gsm7', 'latin1'])).toMatchObject({ coding: 'gsm7', segments: 2 });
  });

  it('fails with a typed error when no allowed coding fits', () => {
    expect(() => chooseCheapestCoding('😀', ['gsm7', 'latin1'])).toThrow(NoSuitableCodingError);
    expect(() => chooseCheapestCoding('😀', ['gsm7', 'latin1'])).toThrow(/gsm7, latin1: .*U\+1F600/);
    expect(() => chooseCheapestCoding('a', [])).toThrow(NoSuitableCodingError);
  });
});
