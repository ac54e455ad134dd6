import type { ClusterState, UsageWatcher } from '../../cluster/cluster-state.ts';
import { FIT_TREE_LIMITS, FitTrees } from '../../cluster/fit-trees.ts';
import { HostIndex, IndexField } from '../../cluster/host-index.ts';
import type { HostWeigher } from '../types.ts';

/** The hosts one combination of static filter verdicts leaves, indexed. */
export interface Partition {
  readonly tree: HostIndex;
  /**
   * Per active weigher (in order): its multiplier, the same on every host of the partition; NaN
   * when the hosts' multipliers differ or one is not finite (the index cannot decide exactly).
   */
  readonly multipliers: Float64Array;
}

/**
 * The HostIndexes of the static partitions (hosts passing the request's AZ, extra specs, GPU
 * models and service filters), keyed by a signature of those verdicts, built on first use and
 * kept current through the cluster's usage notifications. Bounded: past `maxLeaves` leaves in
 * all, a new signature gets no index (the request falls back to the reference scan).
 */
export class PartitionCache implements UsageWatcher {
  private readonly byKey = new Map<string, Partition | null>();
  private readonly trees: HostIndex[] = [];
  /** Per host, the trees holding it: treesOf[treesAt[h] .. treesAt[h + 1]] (listTrees). */
  private treesAt = new Int32Array(1);
  private treesOf = new Int32Array(0);
  /** The fit trees the large partitions share (sharedFor). */
  private shared: FitTrees | undefined = undefined;
  /** The partitions made, one per distinct host set. */
  private readonly made: Partition[] = [];
  private leaves = 0;
  private stale = false;
  private watching = false;
  private readonly mask: Uint8Array;

  constructor(
    private readonly cluster: ClusterState,
    private readonly fields: readonly IndexField[],
    private readonly weighers: readonly HostWeigher[],
    private readonly maxLeaves: number,
    /** Called on each new partition's tree once built (e.g. to set its ComboMax combination). */
    private readonly prepare?: (tree: HostIndex, multipliers: Float64Array) => void,
  ) {
    this.mask = new Uint8Array(cluster.hosts.size);
    const io = fields.includes(IndexField.IoOpsMax) || fields.includes(IndexField.IoOpsMin);
    this.ioOpsChanged = io ? (h) => this.hostChanged(h) : undefined;
  }

  /**
   * The partition for signature `key`: on first use `fill(mask, a, b)` marks its hosts in a zeroed
   * mask (returning false when it cannot, e.g. a filter raised; a and b are its arguments, so
   * that no closure is made per call). Undefined when there is no exact index for it.
   */
  get<A, B>(key: string, fill: (mask: Uint8Array, a: A, b: B) => boolean, a: A, b: B): Partition | undefined {
    this.freshen();
    const known = this.byKey.get(key);
    if (known !== undefined) return known ?? undefined;
    const made = this.make(fill, a, b);
    // Remembered either way: a signature without an index stays without one (no retry per request).
    this.byKey.set(key, made ?? null);
    return made;
  }

  /** Rebuild the trees if the usage was rewritten since: call before reading a partition kept aside. */
  freshen(): void {
    if (!this.stale) return;
    this.shared?.rebuild();
    for (const tree of this.trees) tree.rebuild();
    this.stale = false;
  }

  /**
   * The fit trees over every host (leaf h is host h), for a partition of `count` hosts: made for the
   * first partition of at least 1/FIT_TREE_LIMITS.shareDivisor of a cluster of minHosts and more.
   */
  private sharedFor(count: number): FitTrees | undefined {
    const t = this.cluster.hosts;
    if (t.size < FIT_TREE_LIMITS.minHosts || count * FIT_TREE_LIMITS.shareDivisor < t.size) return undefined;
    if (this.shared === undefined) {
      let cap = 1;
      while (cap < t.size) cap *= 2;
      const all = new Int32Array(t.size);
      for (let h = 0; h < t.size; h++) all[h] = h;
      this.shared = new FitTrees(t, all, cap);
    }
    return this.shared;
  }

  /**
   * The fit record for a new partition of the `count` hosts marked in `mask`: the smallest of the
   * shared one (sharedFor) and those other partitions keep of their own over a superset of them, of
   * which they are 1/FIT_TREE_LIMITS.shareDivisor at least (e.g. an AZ's hosts of an aggregate
   * reading the aggregate's): its owner keeps it current, and a query skips few hosts. Undefined:
   * the partition keeps its own, if large enough.
   */
  private homeFor(count: number): FitTrees | undefined {
    let home = this.sharedFor(count);
    for (const tree of this.trees) {
      const fit = tree.fit;
      if (!tree.ownFit || fit === undefined || fit.retired) continue;
      if (count * FIT_TREE_LIMITS.shareDivisor < tree.size) continue;
      if (home !== undefined && tree.size >= home.hosts.length) continue;
      if (holdsMarked(tree, this.mask)) home = fit;
    }
    return home;
  }

  /**
   * `owner` took a fit record of its own: the partitions over a large enough part of its hosts
   * read it instead of a larger one, or of their own when no other partition reads that (their
   * host changes then cost nothing more; sharedSearched gives them one again if the skips cost more).
   */
  private rehome(owner: HostIndex): void {
    const fit = owner.fit!;
    for (const tree of this.trees) {
      if (tree === owner || tree.fit === undefined || tree.fit === fit) continue;
      if (tree.size * FIT_TREE_LIMITS.shareDivisor < owner.size || tree.size >= owner.size) continue;
      const better = tree.ownFit ? !this.read(tree.fit) : tree.fit.hosts.length > owner.size;
      if (better && holdsAll(owner, tree)) tree.readFit(fit);
    }
  }

  /** Does another partition read `fit` (kept by its owner)? */
  private read(fit: FitTrees): boolean {
    for (const tree of this.trees) if (tree.fit === fit && !tree.ownFit) return true;
    return false;
  }

  hostChanged(h: number): void {
    if (this.stale) return;
    this.shared?.update(h);
    const { trees, treesOf, treesAt } = this;
    for (let k = treesAt[h], end = treesAt[h + 1]; k < end; k++) trees[treesOf[k]].update(h);
  }

  allChanged(): void {
    this.stale = true;
  }

  /** Builds finished on h: a tree change only where num_io_ops is kept. */
  readonly ioOpsChanged: ((h: number) => void) | undefined;

  private make<A, B>(fill: (mask: Uint8Array, a: A, b: B) => boolean, a: A, b: B): Partition | undefined {
    const t = this.cluster.hosts;
    const mask = this.mask;
    mask.fill(0);
    let ok: boolean;
    try {
      ok = fill(mask, a, b);
    } catch {
      ok = false;
    }
    if (!ok) return undefined;
    let count = 0;
    for (let h = 0; h < t.size; h++) count += mask[h];
    // Signatures that leave the same hosts share one partition (e.g. a capabilities: spec the
    // extra-specs filter ignores, or `ssd=<or> true <or> yes` beside `ssd=true`): one tree to keep.
    const same = this.made.find((p) => sameHosts(p.tree.hosts, mask, count));
    if (same !== undefined) return same;
    if (this.leaves + count > this.maxLeaves) return undefined;
    const hosts = new Int32Array(count);
    for (let h = 0, i = 0; h < t.size; h++) if (mask[h] === 1) hosts[i++] = h;
    const multipliers = new Float64Array(this.weighers.length);
    this.weighers.forEach((w, j) => {
      const m = count > 0 ? w.multipliers[hosts[0]] : 0;
      let uniform = Number.isFinite(m);
      for (let i = 1; i < count && uniform; i++) uniform = w.multipliers[hosts[i]] === m;
      multipliers[j] = uniform ? m : Number.NaN;
    });
    if (!this.watching) {
      this.cluster.watchUsage(this);
      this.watching = true;
    }
    const tree = new HostIndex(t, hosts, this.fields, this.homeFor(count));
    tree.onOwnFit = (owner) => this.rehome(owner);
    this.prepare?.(tree, multipliers);
    this.trees.push(tree);
    this.leaves += count;
    this.listTrees();
    const made = { tree, multipliers };
    this.made.push(made);
    return made;
  }

  /** List the trees of each host (treesOf, treesAt), after a tree was made. */
  private listTrees(): void {
    const n = this.cluster.hosts.size;
    const at = new Int32Array(n + 1);
    for (const tree of this.trees) for (const h of tree.hosts) at[h + 1]++;
    for (let h = 0; h < n; h++) at[h + 1] += at[h];
    const of = new Int32Array(at[n]);
    const next = at.slice(0, n);
    this.trees.forEach((tree, i) => {
      for (const h of tree.hosts) of[next[h]++] = i;
    });
    this.treesAt = at;
    this.treesOf = of;
  }
}

/** Does `tree` hold every host marked in `mask`? */
function holdsMarked(tree: HostIndex, mask: Uint8Array): boolean {
  for (let h = 0; h < mask.length; h++) if (mask[h] === 1 && tree.leafOf[h] < 0) return false;
  return true;
}

/** Does `tree` hold every host of `sub`? */
function holdsAll(tree: HostIndex, sub: HostIndex): boolean {
  for (const h of sub.hosts) if (tree.leafOf[h] < 0) return false;
  return true;
}

/** Are `hosts` (ascending) exactly the `count` hosts marked in `mask`? */
function sameHosts(hosts: Int32Array, mask: Uint8Array, count: number): boolean {
  if (hosts.length !== count) return false;
  for (let i = 0; i < count; i++) if (mask[hosts[i]] !== 1) return false;
  return true;
}
