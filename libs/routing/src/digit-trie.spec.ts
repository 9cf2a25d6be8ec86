import fc from 'fast-check';
import { DigitTrie, DigitTrieBuilder } from './digit-trie';
import { RoutingDataError } from './errors';

/** The longest prefix of `destination` in each column, by brute force. */
function naiveLongest(columns: readonly (readonly string[])[], destination: string): Map<number, number> {
  const result = new Map<number, number>();
  columns.forEach((prefixes, column) => {
    let best = -1;
    prefixes.forEach((prefix, index) => {
      if (destination.startsWith(prefix) && (best === -1 || prefix.length > prefixes[best].length))
        best = index;
    });
    if (best !== -1) result.set(column, best);
  });
  return result;
}

function trieMatches(trie: DigitTrie, destination: string): Map<number, number> {
  const node = trie.longestMatch(destination);
  const result = new Map<number, number>();
  if (node === -1) return result;
  for (let pair = trie.pairBegin(node); pair < trie.pairEnd(node); pair++) {
    expect(result.has(trie.pairColumn[pair])).toBe(false);
    result.set(trie.pairColumn[pair], trie.pairValue[pair]);
  }
  return result;
}

const digits = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'),
    minLength: min,
    maxLength: max,
  });

describe('DigitTrie', () => {
  it('gives every column its longest prefix, as a naive scan does', () => {
    fc.assert(
      fc.property(
        // Few distinct digits keep prefixes overlapping, which is where longest-match goes wrong.
        fc.array(fc.uniqueArray(digits(1, 6), { maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.array(digits(0, 15), { minLength: 1, maxLength: 30 }),
        (columns, destinations) => {
          const builder = new DigitTrieBuilder();
          columns.forEach((prefixes, column) =>
            prefixes.forEach((prefix, index) => expect(builder.insert(prefix, column, index)).toBe(true)),
          );
          const trie = builder.build();
          const probes = [...destinations, ...columns.flat().map((prefix) => prefix + '0123')];
          for (const destination of probes) {
            expect(trieMatches(trie, destination)).toEqual(naiveLongest(columns, destination));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches over a small alphabet where prefixes nest deeply', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.uniqueArray(fc.string({ unit: fc.constantFrom('1', '2'), minLength: 1, maxLength: 8 }), {
            maxLength: 60,
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.string({ unit: fc.constantFrom('1', '2', '3'), minLength: 0, maxLength: 12 }),
        (columns, destination) => {
          const builder = new DigitTrieBuilder();
          columns.forEach((prefixes, column) =>
            prefixes.forEach((prefix, index) => builder.insert(prefix, column, index)),
          );
          expect(trieMatches(builder.build(), destination)).toEqual(naiveLongest(columns, destination));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a second value for the same prefix in one column, accepts it in another', () => {
    const builder = new DigitTrieBuilder();
    expect(builder.insert('44', 0, 1)).toBe(true);
    expect(builder.insert('44', 0, 2)).toBe(false);
    expect(builder.insert('44', 1, 3)).toBe(true);
    const trie = builder.build();
    const node = trie.longestMatch('447700');
    expect(trie.valueAt(node, 0)).toBe(1);
    expect(trie.valueAt(node, 1)).toBe(3);
    expect(trie.valueAt(node, 2)).toBe(-1);
  });

  it.each(['', '4a', '+44', '1234567890123456'])('rejects prefix %j', (prefix) => {
    expect(() => new DigitTrieBuilder().insert(prefix, 0, 0)).toThrow(RoutingDataError);
  });

  it('rejects a column above its limit', () => {
    expect(() => new DigitTrieBuilder(3).insert('1', 4, 0)).toThrow(RoutingDataError);
  });

  it('finds nothing in an empty trie', () => {
    expect(DigitTrie.empty().longestMatch('4477')).toBe(-1);
    expect(new DigitTrieBuilder().build().longestMatch('4477')).toBe(-1);
  });

  it('builds the same trie cooperatively, yielding between slices', () => {
    const builder = new DigitTrieBuilder();
    for (let index = 0; index < 100_000; index++) builder.insert(String(100_000 + index), 0, index);
    const steps = builder.buildSteps();
    let yields = 0;
    let step = steps.next();
    while (step.done !== true) {
      yields++;
      step = steps.next();
    }
    expect(yields).toBeGreaterThan(0);
    const trie = step.value;
    expect(trie.valueAt(trie.longestMatch('1234567'), 0)).toBe(23_456);
    expect(() => builder.insert('1', 0, 0)).toThrow(RoutingDataError);
  });
});
