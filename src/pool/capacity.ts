/** One probe of a capacity search: the trace replayed on the first `hosts` hosts of the cluster. */
export interface Probe {
  readonly hosts: number;
  readonly passed: boolean;
  /** NoValidHost / instances; null for a trace without instances (which then passes: none failed). */
  readonly noValidHostRate: number | null;
  readonly noValidHost: number;
  readonly instances: number;
  /** Only on a cluster with GPUs: GPUs on the probed hosts, and GPUs placed / GPUs asked for. */
  readonly gpus?: number;
  readonly gpuAllocationRate?: number | null;
}

/** What a capacity search found. */
export interface CapacityResult {
  readonly totalHosts: number;
  /** The smallest size found to pass, whose size - 1 was probed and failed; null when even all hosts fail. */
  readonly hosts: number | null;
  /** Every probe, by size. */
  readonly probes: readonly Probe[];
  /** A size above a passing one failed: the rate is not monotone here, and a smaller passing size may exist. */
  readonly nonMonotone: boolean;
  readonly rounds: number;
}

/** The sizes to probe next: up to `width` sizes spread evenly over lo < n < hi, plus `total` while unverified. */
export function nextProbes(lo: number, hi: number, total: number, width: number): number[] {
  if (hi > total) {
    // Whether all hosts pass is not known yet: probe `total`, and split (lo, total) with the rest.
    const out = new Set<number>();
    for (let j = 1; j <= width; j++) out.add(lo + Math.round((j * (total - lo)) / width));
    return [...out].filter((n) => n > lo && n <= total).sort((a, b) => a - b);
  }
  const gap = hi - lo - 1;
  if (gap <= width) return Array.from({ length: gap }, (_, k) => lo + 1 + k);
  const out = new Set<number>();
  for (let j = 1; j <= width; j++) out.add(lo + Math.round((j * (hi - lo)) / (width + 1)));
  return [...out].filter((n) => n > lo && n < hi).sort((a, b) => a - b);
}

/**
 * Find the smallest number of hosts (a prefix of the cluster order) on which `probe` passes, by a
 * (width+1)-ary search: each round probes `width` sizes in parallel and keeps the interval between
 * the largest failing size below the smallest passing one and that passing size. With width 1 it
 * is plain bisection.
 *
 * The search assumes that more hosts never hurt. That need not hold for every strategy (a bigger
 * cluster can lead a strategy into a different, worse packing), so the answer is always verified:
 * `hosts` passed and `hosts - 1` failed, both probed. When some probed size above a passing one
 * failed, `nonMonotone` says so: the answer is then a boundary, not necessarily the smallest.
 */
export async function searchCapacity(
  totalHosts: number,
  width: number,
  probe: (hosts: number) => Promise<Probe>,
): Promise<CapacityResult> {
  const seen = new Map<number, Probe>();
  let lo = -1;
  let hi = totalHosts + 1;
  let rounds = 0;
  for (;;) {
    const sizes = nextProbes(lo, hi, totalHosts, Math.max(1, width)).filter((n) => !seen.has(n));
    if (sizes.length === 0) break;
    rounds++;
    for (const p of await Promise.all(sizes.map(probe))) seen.set(p.hosts, p);
    const passing = [...seen.values()].filter((p) => p.passed).map((p) => p.hosts);
    // The first round always probes every host: when nothing passed, not even that did.
    if (passing.length === 0) break;
    hi = Math.min(...passing);
    lo = Math.max(-1, ...[...seen.values()].filter((p) => !p.passed && p.hosts < hi).map((p) => p.hosts));
    if (hi - lo === 1) break;
  }
  const probes = [...seen.values()].sort((a, b) => a.hosts - b.hosts);
  const fits = probes.some((p) => p.passed);
  return {
    totalHosts,
    hosts: fits ? hi : null,
    probes,
    nonMonotone: fits && probes.some((p) => !p.passed && p.hosts > hi),
    rounds,
  };
}
