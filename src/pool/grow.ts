import { nextProbes, type Probe } from './capacity.ts';

/** The largest answer a non-monotone search re-checks size by size. */
export const LINEAR_SCAN_LIMIT = 256;

/** What a growth search found; every probe's `hosts` is the number of hosts ADDED to the cluster. */
export interface GrowthResult {
  /** The fewest hosts of the shape to add so the trace passes (0: it passes as it is); null: not even `maxAdded`. */
  readonly added: number | null;
  readonly maxAdded: number;
  /** Every probe, by hosts added. */
  readonly probes: readonly Probe[];
  /**
   * Some probe failed with more hosts added than a passing one: the answer came from a linear scan
   * (or, above LINEAR_SCAN_LIMIT, is a boundary: it passed and one fewer failed, a smaller one may pass).
   */
  readonly nonMonotone: boolean;
  readonly rounds: number;
}

/**
 * The smallest N in 0..maxAdded for which `probe(N)` passes, N being the hosts of one shape added
 * to the cluster. It relies on monotonicity in N: a replay that passes with N hosts added passes
 * with N + 1 (an extra idle host only adds room). That need not hold for every strategy (a spreading
 * weigher places differently once a host is added), so it is checked: after a galloping phase
 * (0, then 1, 2, 4, ... until a size passes) and a bisection of the last gap, which always probe
 * both the answer N and N - 1, the sizes N + 1 .. N + width are probed as well; any probe that
 * failed above a passing size sends the search to a linear scan from 1 upward, whose first passing
 * size is the minimum whatever the shape of the curve. `width` sizes are probed per round, in
 * parallel.
 */
export async function searchGrowth(
  maxAdded: number,
  width: number,
  probe: (added: number) => Promise<Probe>,
): Promise<GrowthResult> {
  const w = Math.max(1, width);
  const seen = new Map<number, Probe>();
  let rounds = 0;
  const run = async (sizes: number[]) => {
    const fresh = sizes.filter((n) => !seen.has(n));
    if (fresh.length === 0) return;
    rounds++;
    for (const p of await Promise.all(fresh.map(probe))) seen.set(p.hosts, p);
  };
  const result = (added: number | null, nonMonotone: boolean): GrowthResult => ({
    added,
    maxAdded,
    probes: [...seen.values()].sort((a, b) => a.hosts - b.hosts),
    nonMonotone,
    rounds,
  });
  await run([0]);
  if (seen.get(0)!.passed) return result(0, false);
  // Gallop: `w` doublings per round until one passes.
  let lo = 0;
  let hi: number | undefined;
  let next = 1;
  while (hi === undefined && lo < maxAdded) {
    const sizes: number[] = [];
    for (let k = 0; k < w && next <= maxAdded; k++, next *= 2) sizes.push(next);
    if (sizes.length < w && sizes.at(-1) !== maxAdded) sizes.push(maxAdded);
    await run(sizes);
    for (const n of sizes) {
      if (seen.get(n)!.passed) {
        hi = n;
        break;
      }
      lo = n;
    }
  }
  if (hi === undefined) return result(null, false);
  // Bisect (lo, top): lo failed, top passed.
  let top = hi;
  while (top - lo > 1) {
    await run(nextProbes(lo, top, top, w));
    const probes = [...seen.values()];
    top = Math.min(top, ...probes.filter((p) => p.passed).map((p) => p.hosts));
    const below = top;
    lo = Math.max(lo, ...probes.filter((p) => !p.passed && p.hosts < below).map((p) => p.hosts));
  }
  const boundary = top;
  // The check: the sizes just above the answer must pass too (one round of `w` probes).
  await run(Array.from({ length: Math.min(w, maxAdded - boundary) }, (_, k) => boundary + 1 + k));
  const monotone = ![...seen.values()].some((p) => !p.passed && p.hosts > boundary);
  if (monotone) return result(boundary, false);
  // Not monotone: scan every size below the boundary found, in order (when few enough).
  if (boundary > LINEAR_SCAN_LIMIT) return result(boundary, true);
  for (let start = 1; start < boundary; start += w) {
    const sizes = Array.from({ length: Math.min(w, boundary - start) }, (_, k) => start + k);
    await run(sizes);
    const first = sizes.find((n) => seen.get(n)!.passed);
    if (first !== undefined) return result(first, true);
  }
  return result(boundary, true);
}
