import type { ClusterState } from '../cluster/cluster-state.ts';
import type { Diagnosis } from '../framework/diagnosis.ts';
import type { DecisionProbe } from '../framework/probe.ts';
import type { RequestSpec } from '../scheduler/request-spec.ts';
import { fitsEmptyCluster, nearestMiss } from './nearest-miss.ts';
import type { Candidate, DecisionRecord, Draw, FunnelStep, RejectionGroup } from './record.ts';

/** Example hosts kept per rejection group. */
const EXAMPLES_PER_GROUP = 3;

interface Weighed {
  readonly weigher: string;
  readonly raw: Float64Array;
  readonly lo: number;
  readonly hi: number;
  readonly multipliers: Float64Array;
}

/** A reason's pattern: the reason with its numbers replaced by `#` (`1,536 MB` → `# MB`). */
export function reasonPattern(reason: string): string {
  return reason.replace(/\d+(?:,\d{3})*(?:\.\d+)?/g, '#');
}

/**
 * Listens to one explained decision at a time (DecisionProbe) and turns what it heard, with the
 * outcome, into a DecisionRecord. Allocates freely: it runs only for explained decisions.
 */
export class DecisionCollector implements DecisionProbe {
  private diagnosis: Diagnosis | undefined;
  private survivors: Int32Array = new Int32Array(0);
  private weighedList: Int32Array | undefined;
  private terms: Weighed[] = [];
  private scores: Float64Array | undefined;
  private scoredList: Int32Array | undefined;
  readonly draws: Draw[] = [];
  /** Whether each flavor shape fits the empty cluster: static, so asked once per shape. */
  private readonly emptyFit = new Map<string, boolean>();

  constructor(
    private readonly cluster: ClusterState,
    private readonly top: number,
  ) {}

  /** Whether the current instance's filters have run (its funnel is known). */
  get diagnosed(): boolean {
    return this.diagnosis !== undefined;
  }

  /** Forget the previous instance: called before each instance's decision. */
  reset(): void {
    this.diagnosis = undefined;
    this.survivors = new Int32Array(0);
    this.weighedList = undefined;
    this.terms = [];
    this.scores = undefined;
    this.scoredList = undefined;
    this.draws.length = 0;
  }

  filtered(diagnosis: Diagnosis, _spec: RequestSpec, _index: number, list: Int32Array, len: number): void {
    this.reset();
    this.diagnosis = diagnosis;
    this.survivors = list.slice(0, len);
  }

  weighed(
    weigher: string,
    raw: Float64Array,
    list: Int32Array,
    len: number,
    lo: number,
    hi: number,
    multipliers: Float64Array,
  ): void {
    this.weighedList = list.slice(0, len);
    const m = new Float64Array(len);
    for (let i = 0; i < len; i++) m[i] = multipliers[list[i]];
    this.terms.push({ weigher, raw: raw.slice(0, len), lo, hi, multipliers: m });
  }

  scored(list: Int32Array, len: number, scores: Float64Array): void {
    this.scoredList = list.slice(0, len);
    this.scores = scores.slice(0, len);
  }

  /** Only the funnel of the instance just settled (its record is not wanted); then forget it. */
  settledFunnel(note: string | undefined): FunnelStep[] | null {
    const d = this.diagnosis;
    const funnel = note !== undefined && d === undefined ? null : (d?.steps.map(funnelStep) ?? []);
    this.reset();
    return funnel;
  }

  /** The record of the instance just settled: sent to `host` (claim ok or not), or NoValidHost (-1). */
  record(
    base: Pick<DecisionRecord, 'decision' | 'request_id' | 'instance_id' | 'index' | 'time' | 'flavor'>,
    spec: RequestSpec,
    host: number,
    claimed: boolean,
    emptiedBy: string | undefined,
    note: string | undefined,
  ): DecisionRecord {
    const t = this.cluster.hosts;
    const d = this.diagnosis;
    const miss = host < 0 ? nearestMiss(t, spec.flavor) : undefined;
    const f = spec.flavor;
    const shape = `${f.vcpus},${f.memoryMb},${f.diskGb},${f.gpus},${f.gpuMilli}`;
    let fitsEmpty = host < 0 ? this.emptyFit.get(shape) : true;
    if (fitsEmpty === undefined) {
      fitsEmpty = fitsEmptyCluster(t, f);
      this.emptyFit.set(shape, fitsEmpty);
    }
    const rec: DecisionRecord = {
      ...base,
      funnel: note !== undefined && d === undefined ? null : (d?.steps.map(funnelStep) ?? []),
      rejected: d ? this.groups(d) : [],
      survivors: this.survivors.length,
      candidates: this.candidates(),
      draws: [...this.draws],
      outcome: host < 0 ? 'no-valid-host' : claimed ? 'placed' : 'claim-failed',
      host: host < 0 ? null : t.names[host],
      no_valid_host:
        host < 0
          ? {
              emptied_by: emptiedBy ?? d?.emptiedBy ?? null,
              nearest_miss: miss ? { host: t.names[miss.host], short: miss.short } : null,
              fits_empty_cluster: fitsEmpty,
            }
          : null,
      ...(note !== undefined ? { note } : {}),
    };
    this.reset();
    return rec;
  }

  private groups(d: Diagnosis): RejectionGroup[] {
    const names = this.cluster.hosts.names;
    const byKey = new Map<
      string,
      { filter: string; pattern: string; hosts: number; examples: RejectionGroup['examples'][number][] }
    >();
    for (const [h, r] of d.rejected) {
      const pattern = reasonPattern(r.reason);
      const key = `${r.filter}\u0000${pattern}`;
      let g = byKey.get(key);
      if (!g) {
        g = { filter: r.filter, pattern, hosts: 0, examples: [] };
        byKey.set(key, g);
      }
      g.hosts++;
      if (g.examples.length < EXAMPLES_PER_GROUP) g.examples.push({ host: names[h], reason: r.reason });
    }
    // Filter order first (the funnel's), then the bigger group.
    const order = new Map(d.steps.map((s, i) => [s.filter, i]));
    return [...byKey.values()].sort(
      (a, b) => (order.get(a.filter) ?? 0) - (order.get(b.filter) ?? 0) || b.hosts - a.hosts,
    );
  }

  private candidates(): Candidate[] {
    const names = this.cluster.hosts.names;
    if (this.weighedList && this.terms.length > 0) {
      const list = this.weighedList;
      const n = list.length;
      // The weight handler's arithmetic, in its order: weights[i] += m × normalised, from 0.
      const normalised = (w: Weighed, i: number) => (w.lo === w.hi ? 0 : (w.raw[i] - w.lo) / (w.hi - w.lo));
      const totals = new Float64Array(n);
      for (const w of this.terms)
        for (let i = 0; i < n; i++) totals[i] += w.multipliers[i] * normalised(w, i);
      return ranked(n, totals, this.top).map((i, r) => ({
        rank: r + 1,
        host: names[list[i]],
        total: totals[i],
        terms: this.terms.map((w) => {
          const x = normalised(w, i);
          return {
            weigher: w.weigher,
            raw: w.raw[i],
            normalised: x,
            multiplier: w.multipliers[i],
            contribution: w.multipliers[i] * x,
          };
        }),
      }));
    }
    if (this.scoredList && this.scores) {
      const list = this.scoredList;
      const scores = this.scores;
      return ranked(list.length, scores, this.top)
        .filter((i) => scores[i] > Number.NEGATIVE_INFINITY)
        .map((i, r) => ({ rank: r + 1, host: names[list[i]], total: scores[i] }));
    }
    // One survivor (nothing weighed) or a selection that neither weighs nor scores: list order.
    return [...this.survivors.subarray(0, this.top)].map((h, r) => ({
      rank: r + 1,
      host: names[h],
      total: 0,
    }));
  }
}

/**
 * The `top` positions of 0..n-1 by value, highest first, ties in input order (as Nova's stable
 * sort); NaN never wins. A selection, O(n × top): top is a handful.
 */
function ranked(n: number, values: Float64Array, top: number): number[] {
  const v = (i: number) => (Number.isNaN(values[i]) ? Number.NEGATIVE_INFINITY : values[i]);
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = v(i);
    // Strictly better than the one above it: an equal value stays below the earlier position.
    if (best.length === top && !(x > v(best[top - 1]))) continue;
    let at = best.length < top ? best.length : top - 1;
    best[at] = i;
    while (at > 0 && x > v(best[at - 1])) {
      best[at] = best[at - 1];
      best[--at] = i;
    }
  }
  return best;
}

function funnelStep(s: Diagnosis['steps'][number]): FunnelStep {
  return {
    filter: s.filter,
    hosts_in: s.hostsIn,
    hosts_out: s.hostsOut,
    ...(s.skipped ? { skipped: s.skipped } : {}),
  };
}
