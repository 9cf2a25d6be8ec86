import { RoutingDataError } from './errors';

/** Number of set bits of every 10-bit child mask. */
const POPCOUNT_10 = (() => {
  const table = new Uint8Array(1 << 10);
  for (let mask = 1; mask < table.length; mask++) table[mask] = table[mask >> 1] + (mask & 1);
  return table;
})();

const DIGIT_0 = 48;
const MAX_PREFIX_DIGITS = 15;
/** Nodes (or pairs) processed between two yields of a cooperative build. */
const BUILD_SLICE = 1 << 15;

/** Int32 words per node: first child index; child mask (bits 0-9) with the pair count above it. */
const NODE_WORDS = 2;
const FIRST_CHILD = 0;
const MASK_AND_COUNT = 1;
const DIGIT_MASK = 0x3ff;
const COUNT_SHIFT = 10;

/**
 * An immutable digit trie for longest-prefix match over several columns at once (a column is a rate deck, say).
 *
 * Each node is two Int32 words (8 bytes, so that large tries still mostly fit in cache): the index of its first
 * child, and a 10-bit mask with bit d set when it has a child for digit d, with the number of its (column, value)
 * pairs above the mask. The pairs of node n start at `pairBegin[n]` in `pairColumn`/`pairValue`, read only for the
 * node a lookup ends on. Children of a node are contiguous, so the child for digit d is
 * `firstChild + popcount(mask & ((1 << d) - 1))`; child blocks are laid out in depth-first order, so that the nodes
 * on one path sit close together. The pairs of a node that ends some column's prefix include, for every other
 * column, the value of that column's longest prefix above the node: one lookup gives every column's longest match.
 */
export class DigitTrie {
  private constructor(
    private readonly nodes: Int32Array,
    private readonly pairBegins: Int32Array,
    readonly pairColumn: Uint16Array,
    readonly pairValue: Int32Array,
  ) {}

  /** @internal Used by DigitTrieBuilder only. */
  static fromArrays(
    nodes: Int32Array,
    pairBegins: Int32Array,
    pairColumn: Uint16Array,
    pairValue: Int32Array,
  ): DigitTrie {
    return new DigitTrie(nodes, pairBegins, pairColumn, pairValue);
  }

  static empty(): DigitTrie {
    return new DigitTrie(
      new Int32Array(NODE_WORDS),
      new Int32Array(1),
      new Uint16Array(0),
      new Int32Array(0),
    );
  }

  get nodeCount(): number {
    return this.nodes.length / NODE_WORDS;
  }

  get pairCount(): number {
    return this.pairColumn.length;
  }

  /**
   * The deepest node on the path of `digits` that carries pairs, or -1 when no prefix matches. `digits` must be
   * ASCII digits only (the caller validates destinations once).
   */
  longestMatch(digits: string): number {
    const nodes = this.nodes;
    let node = 0;
    let word = nodes[MASK_AND_COUNT];
    let best = -1;
    for (let i = 0; i < digits.length; i++) {
      const bit = 1 << (digits.charCodeAt(i) - DIGIT_0);
      if ((word & bit) === 0) break;
      node = nodes[node * NODE_WORDS + FIRST_CHILD] + POPCOUNT_10[word & (bit - 1) & DIGIT_MASK];
      word = nodes[node * NODE_WORDS + MASK_AND_COUNT];
      if (word >>> COUNT_SHIFT !== 0) best = node;
    }
    return best;
  }

  /** Index of the first pair of `node`. */
  pairBegin(node: number): number {
    return this.pairBegins[node];
  }

  /** Index after the last pair of `node`. */
  pairEnd(node: number): number {
    return this.pairBegins[node] + (this.nodes[node * NODE_WORDS + MASK_AND_COUNT] >>> COUNT_SHIFT);
  }

  /** The value of `column` at `node` (its longest prefix on the node's path), or -1. */
  valueAt(node: number, column: number): number {
    if (node < 0) return -1;
    for (let pair = this.pairBegin(node); pair < this.pairEnd(node); pair++) {
      if (this.pairColumn[pair] === column) return this.pairValue[pair];
    }
    return -1;
  }
}

/** Builds a DigitTrie. Insertion uses a dense 10-way trie; `build` compacts it into the immutable layout. */
export class DigitTrieBuilder {
  private nodeCount = 1;
  /** 10 slots per node; 0 means no child (the root, node 0, is nobody's child). */
  private children = new Int32Array(10 * 1024);
  /** Head of each node's own (column, value) list in the pair pool, -1 when none. */
  private ownHead = new Int32Array(1024).fill(-1);
  private poolColumn = new Uint16Array(1024);
  private poolValue = new Int32Array(1024);
  private poolNext = new Int32Array(1024);
  private poolSize = 0;
  private built = false;

  constructor(private readonly columnLimit = 0xffff) {}

  /** Number of (prefix, column) values inserted so far. */
  get size(): number {
    return this.poolSize;
  }

  /**
   * Adds `value` for `prefix` (1 to 15 ASCII digits) in `column`. Returns false, changing nothing, when the column
   * already has a value for this prefix.
   */
  insert(prefix: string, column: number, value: number): boolean {
    if (this.built) throw new RoutingDataError('DigitTrieBuilder: insert after build');
    if (!Number.isInteger(column) || column < 0 || column > this.columnLimit) {
      throw new RoutingDataError(`column ${column} is out of range 0..${this.columnLimit}`);
    }
    if (prefix.length === 0 || prefix.length > MAX_PREFIX_DIGITS) {
      throw new RoutingDataError(`prefix '${prefix}' must have 1 to ${MAX_PREFIX_DIGITS} digits`);
    }
    let node = 0;
    for (let i = 0; i < prefix.length; i++) {
      const digit = prefix.charCodeAt(i) - DIGIT_0;
      if (digit < 0 || digit > 9) throw new RoutingDataError(`prefix '${prefix}' must contain digits only`);
      const slot = node * 10 + digit;
      let child = this.children[slot];
      if (child === 0) {
        child = this.allocateNode();
        this.children[slot] = child;
      }
      node = child;
    }
    for (let pair = this.ownHead[node]; pair !== -1; pair = this.poolNext[pair]) {
      if (this.poolColumn[pair] === column) return false;
    }
    const pair = this.allocatePair();
    this.poolColumn[pair] = column;
    this.poolValue[pair] = value;
    this.poolNext[pair] = this.ownHead[node];
    this.ownHead[node] = pair;
    return true;
  }

  /** Builds synchronously. */
  build(): DigitTrie {
    const steps = this.buildSteps();
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
    }
  }

  /**
   * The compaction as a generator that yields after every slice of work, so that a caller can interleave it with
   * other work (see `RoutingTableBuilder.buildInBackground`). The builder is unusable afterwards.
   */
  *buildSteps(): Generator<void, DigitTrie, void> {
    if (this.built) throw new RoutingDataError('DigitTrieBuilder: build called twice');
    this.built = true;
    const nodeCount = this.nodeCount;
    const children = this.children;
    const ownHead = this.ownHead;
    const poolColumn = this.poolColumn;
    const poolValue = this.poolValue;
    const poolNext = this.poolNext;
    const nodes = new Int32Array(nodeCount * NODE_WORDS);
    const pairBegins = new Int32Array(nodeCount);
    let outColumn = new Uint16Array(Math.max(16, this.poolSize * 2));
    let outValue = new Int32Array(outColumn.length);
    let outSize = 0;
    // Depth-first walk of the insertion trie. Each stack item: the source node, its index in the compact trie, and
    // the index of its nearest ancestor with pairs (-1: none). A node's child block is allocated when it is visited.
    const stackSource = new Int32Array(nodeCount);
    const stackIndex = new Int32Array(nodeCount);
    const stackAncestor = new Int32Array(nodeCount);
    let stackSize = 1;
    stackAncestor[0] = -1;
    let allocated = 1;
    for (let visited = 0; stackSize > 0; visited++) {
      if ((visited & (BUILD_SLICE - 1)) === BUILD_SLICE - 1) yield;
      stackSize--;
      const source = stackSource[stackSize];
      const index = stackIndex[stackSize];
      const ancestor = stackAncestor[stackSize];
      const own = ownHead[source];
      pairBegins[index] = outSize;
      if (own !== -1) {
        const ancestorBegin = ancestor === -1 ? 0 : pairBegins[ancestor];
        const ancestorEnd =
          ancestor === -1
            ? 0
            : ancestorBegin + (nodes[ancestor * NODE_WORDS + MASK_AND_COUNT] >>> COUNT_SHIFT);
        let ownCount = 0;
        for (let pair = own; pair !== -1; pair = poolNext[pair]) ownCount++;
        const needed = outSize + ownCount + ancestorEnd - ancestorBegin;
        if (needed > outColumn.length) {
          const grownColumn = new Uint16Array(Math.max(needed, outColumn.length * 2));
          grownColumn.set(outColumn.subarray(0, outSize));
          const grownValue = new Int32Array(grownColumn.length);
          grownValue.set(outValue.subarray(0, outSize));
          outColumn = grownColumn;
          outValue = grownValue;
        }
        for (let pair = own; pair !== -1; pair = poolNext[pair]) {
          outColumn[outSize] = poolColumn[pair];
          outValue[outSize] = poolValue[pair];
          outSize++;
        }
        for (let pair = ancestorBegin; pair < ancestorEnd; pair++) {
          const column = outColumn[pair];
          let overridden = false;
          for (let mine = own; mine !== -1; mine = poolNext[mine]) {
            if (poolColumn[mine] === column) {
              overridden = true;
              break;
            }
          }
          if (!overridden) {
            outColumn[outSize] = column;
            outValue[outSize] = outValue[pair];
            outSize++;
          }
        }
      }
      const pairCount = outSize - pairBegins[index];
      const childrenAncestor = own !== -1 ? index : ancestor;
      const base = source * 10;
      let mask = 0;
      let childCount = 0;
      for (let digit = 0; digit < 10; digit++) {
        if (children[base + digit] !== 0) {
          mask |= 1 << digit;
          childCount++;
        }
      }
      nodes[index * NODE_WORDS + FIRST_CHILD] = allocated;
      nodes[index * NODE_WORDS + MASK_AND_COUNT] = mask | (pairCount << COUNT_SHIFT);
      // Pushed from the highest digit down, so that the lowest digit is visited next.
      let childIndex = allocated + childCount;
      for (let digit = 9; digit >= 0; digit--) {
        const child = children[base + digit];
        if (child === 0) continue;
        childIndex--;
        stackSource[stackSize] = child;
        stackIndex[stackSize] = childIndex;
        stackAncestor[stackSize] = childrenAncestor;
        stackSize++;
      }
      allocated += childCount;
    }
    this.children = new Int32Array(0);
    this.ownHead = new Int32Array(0);
    return DigitTrie.fromArrays(nodes, pairBegins, outColumn.slice(0, outSize), outValue.slice(0, outSize));
  }

  private allocateNode(): number {
    if (this.nodeCount === this.ownHead.length) {
      const capacity = this.ownHead.length * 2;
      const children = new Int32Array(capacity * 10);
      children.set(this.children);
      this.children = children;
      const ownHead = new Int32Array(capacity).fill(-1);
      ownHead.set(this.ownHead);
      this.ownHead = ownHead;
    }
    return this.nodeCount++;
  }

  private allocatePair(): number {
    if (this.poolSize === this.poolColumn.length) {
      const capacity = this.poolColumn.length * 2;
      const column = new Uint16Array(capacity);
      column.set(this.poolColumn);
      this.poolColumn = column;
      const value = new Int32Array(capacity);
      value.set(this.poolValue);
      this.poolValue = value;
      const next = new Int32Array(capacity);
      next.set(this.poolNext);
      this.poolNext = next;
    }
    return this.poolSize++;
  }
}
