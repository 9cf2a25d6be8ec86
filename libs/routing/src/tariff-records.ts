/**
 * Fixed-size records in one ArrayBuffer, read through BigInt64 (money), Int32 and Float64 views, so that everything
 * routing needs about one rate or price sits in one cache line.
 */
export interface SealedRecords {
  readonly bigints: BigInt64Array;
  readonly words: Int32Array;
  readonly floats: Float64Array;
  readonly count: number;
}

/**
 * Rate: 32 bytes = cost per segment in micro-units (int64, for the frozen amounts), four Int32 words, and the same
 * cost as an exact double (for comparing without allocating bigints).
 */
export const RATE_RECORD_BYTES = 32;
/** BigInt64 index of an entry's cost: entry * RATE_RECORD_BIGINTS. */
export const RATE_RECORD_BIGINTS = RATE_RECORD_BYTES / 8;
/** Int32 index of an entry's words: entry * RATE_RECORD_WORDS + RATE_*. */
export const RATE_RECORD_WORDS = RATE_RECORD_BYTES / 4;
/** Prefix length, interned country and deck slot, packed by rateKey(). */
export const RATE_KEY = 2;
export const RATE_MCC = 3;
export const RATE_MNC = 4;
export const RATE_NETWORK = 5;
/** Float64 index of a rate's cost: entry * RATE_RECORD_BIGINTS + RATE_COST_FLOAT. */
export const RATE_COST_FLOAT = 3;

const KEY_PREFIX_LENGTH_MASK = 0xf;
const KEY_COUNTRY_SHIFT = 4;
const KEY_COUNTRY_MASK = 0x3ff;
const KEY_DECK_SHIFT = 14;
/** Countries are two letters: at most 26 * 26 = 676 codes, plus 0 for none. */
export const MAX_COUNTRY_CODES = KEY_COUNTRY_MASK;
/** Deck slots fit in 16 bits. */
export const MAX_DECK_SLOTS = 0xffff;

/** The RATE_KEY word: prefix length in bits 0-3, country index in bits 4-13, deck slot in bits 14-29. */
export function rateKey(prefixLength: number, country: number, deck: number): number {
  return prefixLength | (country << KEY_COUNTRY_SHIFT) | (deck << KEY_DECK_SHIFT);
}

export function keyPrefixLength(key: number): number {
  return key & KEY_PREFIX_LENGTH_MASK;
}

export function keyCountry(key: number): number {
  return (key >>> KEY_COUNTRY_SHIFT) & KEY_COUNTRY_MASK;
}

export function keyDeck(key: number): number {
  return key >>> KEY_DECK_SHIFT;
}

/** Price plan entry: 16 bytes = price per segment (int64) + prefix length. */
export const PRICE_RECORD_BYTES = 16;
export const PRICE_RECORD_BIGINTS = PRICE_RECORD_BYTES / 8;
export const PRICE_RECORD_WORDS = PRICE_RECORD_BYTES / 4;
export const PRICE_PREFIX_LENGTH = 2;

/** Records copied between two yields of `gather`. */
const GATHER_SLICE = 1 << 16;

export class RecordBuffer {
  private buffer: ArrayBuffer;
  bigints: BigInt64Array;
  words: Int32Array;
  floats: Float64Array;
  count = 0;

  constructor(private readonly recordBytes: number) {
    this.buffer = new ArrayBuffer(recordBytes * 1024);
    this.bigints = new BigInt64Array(this.buffer);
    this.words = new Int32Array(this.buffer);
    this.floats = new Float64Array(this.buffer);
  }

  /** Index of a new zeroed record; the views may be replaced, so read them after calling. */
  append(): number {
    if ((this.count + 1) * this.recordBytes > this.buffer.byteLength) {
      const grown = new ArrayBuffer(this.buffer.byteLength * 2);
      new Uint8Array(grown).set(new Uint8Array(this.buffer));
      this.buffer = grown;
      this.bigints = new BigInt64Array(grown);
      this.words = new Int32Array(grown);
      this.floats = new Float64Array(grown);
    }
    return this.count++;
  }

  /** The records written, in a buffer of exactly their size. */
  seal(): SealedRecords {
    const buffer = this.buffer.slice(0, this.count * this.recordBytes);
    return {
      bigints: new BigInt64Array(buffer),
      words: new Int32Array(buffer),
      floats: new Float64Array(buffer),
      count: this.count,
    };
  }

  /**
   * Records reordered: record i of the result is a copy of record `order[i]` of this buffer. Used to lay rates out
   * in trie pair order, so that the rates of one destination are adjacent. Yields between slices (see
   * RoutingTableBuilder.buildInBackground).
   */
  *gather(order: Int32Array): Generator<void, SealedRecords, void> {
    const wordsPerRecord = this.recordBytes / 4;
    const buffer = new ArrayBuffer(order.length * this.recordBytes);
    const to = new Int32Array(buffer);
    const from = this.words;
    for (let index = 0; index < order.length; index++) {
      if ((index & (GATHER_SLICE - 1)) === GATHER_SLICE - 1) yield;
      const source = order[index] * wordsPerRecord;
      const target = index * wordsPerRecord;
      for (let word = 0; word < wordsPerRecord; word++) to[target + word] = from[source + word];
    }
    return {
      bigints: new BigInt64Array(buffer),
      words: to,
      floats: new Float64Array(buffer),
      count: order.length,
    };
  }
}
