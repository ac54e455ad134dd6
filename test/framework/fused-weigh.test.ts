// The fused weighing (src/framework/fast/fused-weigh.ts, fused-kernel.ts) against WeightHandler, bit
// for bit, with hand-made weighers that reach each of its shortcuts: a term skipped when lo == hi,
// a multiplier read per host or hoisted, an infinite one, clamps on either side, a group weigher off
// its policy (the zeros source) and on it (negated), and a plugin without a form called per host.
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { FusedWeigher } from '../../src/framework/fast/fused-weigh.ts';
import type { WeigherForm } from '../../src/framework/fused-form.ts';
import { reusableFilterRequest } from '../../src/framework/request.ts';
import type { FilterRequest, HostWeigher } from '../../src/framework/types.ts';
import { WeightHandler } from '../../src/framework/weight-handler.ts';
import { simpleCluster } from '../helpers/cluster.ts';

const N = 12;

function weigher(
  name: string,
  values: (h: number, req: FilterRequest) => number,
  form: WeigherForm | undefined,
  multipliers: Float64Array,
  minval: number | undefined,
  maxval: number | undefined,
  log?: string[],
): HostWeigher {
  return {
    name,
    minval,
    maxval,
    multipliers,
    fusedForm: form,
    ...(log ? { preScore: () => log.push(`preScore ${name}`) } : {}),
    weigh: (h, req) => {
      log?.push(`weigh ${name} ${h}`);
      return values(h, req);
    },
  };
}

/** A random weigher of a random kind, clamps and multipliers. */
function randomWeigher(rng: SeededRng, j: number, cluster: ClusterState, log: string[]): HostWeigher {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const m = pick([1, -1, 2.5, 0, Number.POSITIVE_INFINITY, 'per-host'] as const);
  const multipliers = new Float64Array(N).map(() => (m === 'per-host' ? pick([0, 1, -3, 0.1]) : m));
  const minval = pick([undefined, 0, -2, 1, Number.NEGATIVE_INFINITY]);
  const maxval = pick([undefined, undefined, 3, 0, Number.POSITIVE_INFINITY]);
  // Values with ties and an all-equal case, so lo == hi happens.
  const flat = rng.int(4) === 0;
  const values = new Float64Array(N).map(() => (flat ? 2 : rng.int(7) - 2));
  const ints = Int32Array.from(values);
  switch (rng.int(4)) {
    case 0:
      return weigher(`a${j}`, (h) => values[h], { kind: 'array', values }, multipliers, minval, maxval);
    case 1:
      return weigher(`i${j}`, (h) => ints[h], { kind: 'array', values: ints }, multipliers, minval, maxval);
    case 2: {
      const policy = pick(['soft-affinity', 'soft-anti-affinity'] as const);
      const sign = pick([1, -1] as const);
      return weigher(
        `g${j}`,
        (h, req) =>
          req.group.group?.policy === policy ? (sign === 1 ? req.group.count(h) : 0 - req.group.count(h)) : 0,
        { kind: 'group', policy, sign },
        multipliers,
        minval,
        maxval,
      );
    }
    default: {
      const t = cluster.hosts;
      return weigher(
        `p${j}`,
        (h) => t.vcpusTotal[h] - values[h],
        undefined,
        multipliers,
        minval,
        maxval,
        log,
      );
    }
  }
}

describe('FusedWeigher', () => {
  it('weighs as WeightHandler, bit for bit, with the same plugin calls and the leftmost best', () => {
    let nans = 0;
    let skipped = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const rng = new SeededRng(seed);
      const cluster = new ClusterState(
        simpleCluster(Array.from({ length: N }, (_, i) => ({ vcpus: 4 + (i % 5) }))),
      );
      const groups = (['soft-affinity', 'soft-anti-affinity'] as const).map((p) =>
        cluster.groups.intern(p, p),
      );
      for (let i = 0; i < 10; i++)
        cluster.claim(
          rng.int(N),
          `x${i}`,
          { vcpus: 1, memoryMb: 1, diskGb: 0, gpus: 0, gpuMilli: 0 },
          groups[rng.int(2)],
        );
      const refLog: string[] = [];
      const fusedLog: string[] = [];
      const k = 1 + rng.int(4);
      const wseed = rng.int(1 << 30);
      const make = (log: string[]) => {
        const r = new SeededRng(wseed);
        return Array.from({ length: k }, (_, j) => randomWeigher(r, j, cluster, log));
      };
      const req = reusableFilterRequest(N);
      req.group.refresh(rng.int(3) === 0 ? undefined : groups[rng.int(2)]);
      const list = Int32Array.from({ length: N }, (_, h) => h).filter(() => rng.int(4) !== 0);
      if (list.length < 2) continue;
      const a = new Float64Array(list.length);
      const b = new Float64Array(list.length);
      new WeightHandler(make(refLog), N).weigh(list, list.length, req, a);
      const fused = new FusedWeigher(cluster.hosts, make(fusedLog));
      fused.weigh(list, list.length, req, b);
      expect(
        Array.from(b).map((x) => (Object.is(x, -0) ? '-0' : x)),
        `seed ${seed}`,
      ).toEqual(Array.from(a).map((x) => (Object.is(x, -0) ? '-0' : x)));
      expect(fusedLog, `seed ${seed}`).toEqual(refLog);
      let best = 0;
      for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
      fusedLog.length = 0;
      refLog.length = 0;
      new WeightHandler(make(refLog), N).weigh(list, list.length, req, a);
      expect(
        new FusedWeigher(cluster.hosts, make(fusedLog)).best(list, list.length, req),
        `seed ${seed}`,
      ).toBe(best);
      expect(fusedLog).toEqual(refLog);
      if (a.some(Number.isNaN)) nans++;
      if (a.every((x) => x === 0)) skipped++;
    }
    // The random weighers did reach the infinite-multiplier and all-zero (lo == hi) cases.
    expect(nans).toBeGreaterThan(5);
    expect(skipped).toBeGreaterThan(5);
  });

  it('by hand: a term with lo == hi adds nothing, a clamped off-policy group weigher adds a constant', () => {
    const cluster = new ClusterState(simpleCluster([{}, {}, {}]));
    const req = reusableFilterRequest(3);
    const list = Int32Array.from([0, 1, 2]);
    const ones = new Float64Array(3).fill(1);
    const ram = new Float64Array([4, 8, 2]);
    const weighers = [
      // Over [0, 8]: 0.5, 1, 0.25.
      weigher('ram', (h) => ram[h], { kind: 'array', values: ram }, ones, 0, undefined),
      // All 5: lo == hi, adds 0.
      weigher(
        'flat',
        () => 5,
        { kind: 'array', values: new Float64Array(3).fill(5) },
        ones,
        undefined,
        undefined,
      ),
      // No group: raw 0 everywhere, clamped to [-1, ...]: lo -1, hi 0, (0 - -1) / 1 = 1, times 3.
      weigher(
        'group',
        () => 0,
        { kind: 'group', policy: 'soft-affinity', sign: 1 },
        ones.map(() => 3),
        -1,
        undefined,
      ),
    ];
    const w = new Float64Array(3);
    new FusedWeigher(cluster.hosts, weighers).weigh(list, 3, req, w);
    expect(Array.from(w)).toEqual([3.5, 4, 3.25]);
    expect(new FusedWeigher(cluster.hosts, weighers).best(list, 3, req)).toBe(1);
  });
});
