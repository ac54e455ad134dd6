/** The most masks (distinct sets of shapes hosts fit) a fit record keeps: past them it is retired. */
const MAX_MASKS = 64;

/**
 * One key's trees of a FitTrees record, one per mask, over the same leaves: node v of tree q at
 * `nodes[q * 2cap + v]` holds the max of its leaves, a leaf the host's sign·key when the host's
 * mask is q, else −Infinity. Grown as masks are added.
 */
export class FitForest {
  nodes = new Float64Array(0);
  private trees = 0;
  private readonly width: number;

  constructor(private readonly cap: number) {
    this.width = 2 * cap;
  }

  /** Every tree empty. */
  clear(): void {
    this.nodes.fill(Number.NEGATIVE_INFINITY);
  }

  /** Room for `masks` trees (the new ones empty). */
  grow(masks: number): void {
    if (masks <= this.trees) return;
    let trees = Math.max(4, this.trees);
    while (trees < masks) trees *= 2;
    const nodes = new Float64Array(trees * this.width).fill(Number.NEGATIVE_INFINITY);
    nodes.set(this.nodes);
    this.nodes = nodes;
    this.trees = trees;
  }

  /** Leaf i of tree q holds x now; `climb`: its path above, while values change. */
  set(q: number, i: number, x: number, climb: boolean): void {
    const nodes = this.nodes;
    const base = q * this.width;
    let v = this.cap + i;
    if (nodes[base + v] === x) return;
    nodes[base + v] = x;
    if (!climb) return;
    for (v >>= 1; v >= 1; v >>= 1) {
      const a = nodes[base + 2 * v];
      const b = nodes[base + 2 * v + 1];
      const m = b > a ? b : a;
      if (nodes[base + v] === m) return;
      nodes[base + v] = m;
    }
  }

  /** Every node of the first `masks` trees from their leaves. */
  combineAll(masks: number): void {
    const nodes = this.nodes;
    for (let q = 0; q < masks; q++) {
      const base = q * this.width;
      for (let v = this.cap - 1; v >= 1; v--) {
        const a = nodes[base + 2 * v];
        const b = nodes[base + 2 * v + 1];
        nodes[base + v] = b > a ? b : a;
      }
    }
  }
}

/**
 * The masks of a FitTrees record: mask q's bits (a bit per shape), per leaf its mask (−1: it fits
 * no shape), per shape the masks that have it, and per user and mask how many of the user's hosts
 * have it.
 */
export class FitMasks {
  size = 0;
  private readonly bits = new Int32Array(MAX_MASKS);
  /** Per leaf, its mask's index, or −1. */
  readonly treeOfLeaf: Int32Array;
  /** Per shape s, its masks: `list[offsetOf(s) + j]` for j < countOf(s). */
  readonly list: Int32Array;
  private readonly listed: Int32Array;
  private readonly counts: Int32Array;

  constructor(
    leaves: number,
    private readonly shapes: number,
    users: number,
  ) {
    this.treeOfLeaf = new Int32Array(leaves).fill(-1);
    this.list = new Int32Array(shapes * MAX_MASKS);
    this.listed = new Int32Array(shapes);
    this.counts = new Int32Array(users * MAX_MASKS);
  }

  clear(): void {
    this.size = 0;
    this.listed.fill(0);
    this.treeOfLeaf.fill(-1);
    this.counts.fill(0);
  }

  clearUser(u: number): void {
    this.counts.fill(0, u * MAX_MASKS, (u + 1) * MAX_MASKS);
  }

  indexOf(bits: number): number {
    for (let q = 0; q < this.size; q++) if (this.bits[q] === bits) return q;
    return -1;
  }

  /** A new mask: its index, or −1 when there are as many as kept. */
  add(bits: number): number {
    if (this.size >= MAX_MASKS) return -1;
    const q = this.size++;
    this.bits[q] = bits;
    for (let s = 0; s < this.shapes; s++) {
      if ((bits & (1 << s)) !== 0) this.list[s * MAX_MASKS + this.listed[s]++] = q;
    }
    return q;
  }

  /** Leaf i moves from mask `from` to `to` (−1: none); `users` its user bits. */
  move(i: number, from: number, to: number, users: number): void {
    this.treeOfLeaf[i] = to;
    for (let b = users; b !== 0; b &= b - 1) {
      const u = 31 - Math.clz32(b & -b);
      if (from >= 0) this.counts[u * MAX_MASKS + from]--;
      if (to >= 0) this.counts[u * MAX_MASKS + to]++;
    }
  }

  offsetOf(s: number): number {
    return s * MAX_MASKS;
  }

  countOf(s: number): number {
    return this.listed[s];
  }

  /** How many of user u's hosts fit shape s. */
  count(u: number, s: number): number {
    let n = 0;
    for (let j = 0; j < this.listed[s]; j++) n += this.counts[u * MAX_MASKS + this.list[s * MAX_MASKS + j]];
    return n;
  }
}
