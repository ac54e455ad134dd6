/**
 * Hosts passing a conjunction of stable filter masks (FilterForm `mask` with `stable` set), in
 * cluster order, cached as a trie keyed by mask identity in the order the masks were added: the
 * first instance of a request then scans only the hosts its zone, aggregate and capability filters
 * leave, instead of every host. Bounded: past `budget` cached host numbers the trie starts over.
 */
export class StaticHostLists {
  readonly root: StaticNode;
  private cached = 0;

  constructor(
    hostCount: number,
    private readonly budget = 1 << 22,
  ) {
    this.root = { hosts: Int32Array.from({ length: hostCount }, (_, i) => i), children: new Map() };
  }

  /** The node for `node`'s hosts that also pass `mask` (mask[h] === 1). */
  child(node: StaticNode, mask: Uint8Array): StaticNode {
    const hit = node.children.get(mask);
    if (hit) return hit;
    const from = node.hosts;
    let count = 0;
    for (let i = 0; i < from.length; i++) if (mask[from[i]] === 1) count++;
    const hosts = new Int32Array(count);
    for (let i = 0, j = 0; i < from.length; i++) if (mask[from[i]] === 1) hosts[j++] = from[i];
    if (this.cached + count > this.budget) {
      this.root.children.clear();
      this.cached = 0;
    }
    const made: StaticNode = { hosts, children: new Map() };
    // A node dropped by a reset may still be in use by the current decision: it stays valid.
    node.children.set(mask, made);
    this.cached += count;
    return made;
  }
}

export interface StaticNode {
  /** Ascending host numbers. */
  readonly hosts: Int32Array;
  readonly children: Map<Uint8Array, StaticNode>;
}

/** The first index of ascending `a` whose value is >= `x`. */
export function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
