/** The most trees (distinct masks and classes of leaves) a fit record keeps: past them it is retired. */
const MAX_MASKS = 128;
/** Trees get a class of users of their own while there are fewer than this; then mixed ones. */
const MAX_CLASS_TREES = 64;
/** A mixed tree's class: its leaves may be any users' (a query skips those not its own). */
const MIXED = -1;

/**
 * One key's trees of a FitTrees record, one per mask, over the same leaves: node v of tree q at
 * `nodes[q * 2cap + v]` holds the max of its leaves, a leaf the host's sign·key when the host's
 * mask is q, else −Infinity. Grown as masks are added.
 */
export class FitForest {
  nodes = new Float64Array(0);
  /** Tree q's root value (node 1), side by side: a query reads every root of its trees. */
  roots = new Float64Array(0);
  private trees = 0;
  private readonly width: number;

  constructor(private readonly cap: number) {
    this.width = 2 * cap;
  }

  /** Every tree empty. */
  clear(): void {
    this.nodes.fill(Number.NEGATIVE_INFINITY);
    this.roots.fill(Number.NEGATIVE_INFINITY);
  }

  /** Room for `masks` trees (the new ones empty). */
  grow(masks: number): void {
    if (masks <= this.trees) return;
    let trees = Math.max(4, this.trees);
    while (trees < masks) trees *= 2;
    const nodes = new Float64Array(trees * this.width).fill(Number.NEGATIVE_INFINITY);
    nodes.set(this.nodes);
    this.nodes = nodes;
    const roots = new Float64Array(trees).fill(Number.NEGATIVE_INFINITY);
    roots.set(this.roots);
    this.roots = roots;
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
    if (v === 1) this.roots[q] = x;
    for (v >>= 1; v >= 1; v >>= 1) {
      const a = nodes[base + 2 * v];
      const b = nodes[base + 2 * v + 1];
      const m = b > a ? b : a;
      if (nodes[base + v] === m) return;
      nodes[base + v] = m;
    }
    this.roots[q] = nodes[base + 1];
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
      this.roots[q] = nodes[base + 1];
    }
  }
}

/**
 * The trees of a FitTrees record: tree q's mask (a bit per shape) and class (a bit per user whose
 * hosts its leaves are, or MIXED), per leaf its tree (−1: it fits no shape, or no user has it),
 * per shape and user the trees that may hold the user's hosts fitting the shape, and per user and
 * tree how many of the user's hosts it holds. A user's query reads only its own classes' trees,
 * whose leaves are all its hosts: one descent, where one mixed tree would skip the others' hosts.
 */
export class FitMasks {
  size = 0;
  private readonly bits = new Int32Array(MAX_MASKS);
  private readonly classes = new Int32Array(MAX_MASKS);
  /** Per leaf, its tree's index, or −1. */
  readonly treeOfLeaf: Int32Array;
  /** Per shape s and user u, its trees: `list[offsetOf(s, u) + j]` for j < countOf(s, u). */
  readonly list: Int32Array;
  private readonly listed: Int32Array;
  private readonly counts: Int32Array;

  constructor(
    leaves: number,
    private readonly shapes: number,
    private readonly users: number,
  ) {
    this.treeOfLeaf = new Int32Array(leaves).fill(-1);
    this.list = new Int32Array(shapes * users * MAX_MASKS);
    this.listed = new Int32Array(shapes * users);
    this.counts = new Int32Array(users * MAX_MASKS);
  }

  clear(): void {
    this.size = 0;
    this.listed.fill(0);
    this.treeOfLeaf.fill(-1);
    this.counts.fill(0);
  }

  /**
   * The tree of the leaves of mask `bits` whose users are `users` (not 0): found, or added (a mixed
   * one past MAX_CLASS_TREES); −1 when there are as many as kept. `hint`: the tree the leaf is in
   * (−1: none), tried first, since most updates leave a host's mask as it was.
   */
  treeFor(bits: number, users: number, hint = -1): number {
    if (hint >= 0 && this.is(hint, bits, users)) return hint;
    let q = this.indexOf(bits, users);
    if (q >= 0) return q;
    let c = users;
    if (this.size >= MAX_CLASS_TREES) {
      c = MIXED;
      q = this.indexOf(bits, c);
      if (q >= 0) return q;
    }
    if (this.size >= MAX_MASKS) return -1;
    q = this.size++;
    this.bits[q] = bits;
    this.classes[q] = c;
    for (let s = 0; s < this.shapes; s++) {
      if ((bits & (1 << s)) === 0) continue;
      for (let u = 0; u < this.users; u++) {
        if ((c & (1 << u)) === 0) continue;
        const at = s * this.users + u;
        this.list[at * MAX_MASKS + this.listed[at]++] = q;
      }
    }
    return q;
  }

  /** Whether tree q is the tree of mask `bits` and class `users`. */
  private is(q: number, bits: number, users: number): boolean {
    return this.bits[q] === bits && this.classes[q] === users;
  }

  private indexOf(bits: number, users: number): number {
    for (let q = 0; q < this.size; q++) if (this.is(q, bits, users)) return q;
    return -1;
  }

  /** Leaf i moves from tree `from` to `to` (−1: none); `users` its user bits. */
  move(i: number, from: number, to: number, users: number): void {
    this.treeOfLeaf[i] = to;
    for (let b = users; b !== 0; b &= b - 1) {
      const u = 31 - Math.clz32(b & -b);
      if (from >= 0) this.counts[u * MAX_MASKS + from]--;
      if (to >= 0) this.counts[u * MAX_MASKS + to]++;
    }
  }

  offsetOf(s: number, u: number): number {
    return (s * this.users + u) * MAX_MASKS;
  }

  countOf(s: number, u: number): number {
    return this.listed[s * this.users + u];
  }

  /** How many of user u's hosts fit shape s. */
  count(u: number, s: number): number {
    const at = this.offsetOf(s, u);
    let n = 0;
    for (let j = 0; j < this.countOf(s, u); j++) n += this.counts[u * MAX_MASKS + this.list[at + j]];
    return n;
  }
}
