// Issue 15's requests the index once declined: server groups (every policy) and multi-instance rows
// (2-5 instances, with and without an anti-affinity group), at 1,000 and 10,000 hosts, the default
// config against `reference_scan: true`, interleaved rounds, medians of per-request means and CPU
// time. Each request's instances are claimed for real (so the index and the group views move) and
// released after it, so the cluster stays half full. Run: npx tsx bench/index-rows.ts [ms per round]
import { SeededRng } from '../src/common/rng.ts';
import { DEFAULT_FILTER_OPTIONS } from '../src/framework/options.ts';
import { GROUP_POLICIES } from '../src/model/group-policy.ts';
import type { DriverContext } from '../src/scheduler/driver.ts';
import { NO_RETRY, type RequestSpec } from '../src/scheduler/request-spec.ts';
import { FilterScheduler } from '../strategies/filter/index.ts';
import { halfFullClusterFast } from './fixture.ts';

const roundMs = Number(process.argv[2] ?? 400);
const ROUNDS = 5;

function requests(
  cluster: ReturnType<typeof halfFullClusterFast>,
  kind: 'group' | 'row' | 'row+anti',
): RequestSpec[] {
  const rng = new SeededRng(5);
  const out: RequestSpec[] = [];
  for (let i = 0; i < 64; i++) {
    const count = kind === 'group' ? 1 : 2 + rng.int(4);
    const policy = kind === 'group' ? GROUP_POLICIES[i % GROUP_POLICIES.length] : 'anti-affinity';
    const group = kind === 'row' ? undefined : cluster.groups.intern(policy, policy);
    out.push({
      requestId: `q${i}`,
      instanceIds: Array.from({ length: count }, (_, k) => `q${i}-${k}`),
      flavor: {
        vcpus: 1 << rng.int(3),
        memoryMb: 1024 << rng.int(4),
        diskGb: 10 << rng.int(3),
        gpus: 0,
        gpuMilli: 0,
      },
      time: 0,
      availabilityZone: undefined,
      group,
      extraSpecs: undefined,
      gpuSpec: undefined,
      sameHost: undefined,
      differentHost: undefined,
    });
  }
  return out;
}

for (const hosts of [1000, 10_000]) {
  const cluster = halfFullClusterFast(hosts);
  const slots: number[] = [];
  let spec: RequestSpec | undefined;
  const ctx: DriverContext = {
    cluster,
    rng: new SeededRng(1),
    provision: (k, h, gpu) => {
      const slot = cluster.claim(h, spec!.instanceIds[k], spec!.flavor, spec!.group, spec!.requestId, 1, gpu);
      if (slot >= 0) slots.push(slot);
      return slot >= 0;
    },
    noValidHost: () => {},
    placement: undefined,
    alternates: () => {},
    countHostEvaluations: () => {},
  };
  const fast = new FilterScheduler(cluster, DEFAULT_FILTER_OPTIONS);
  const reference = new FilterScheduler(cluster, { ...DEFAULT_FILTER_OPTIONS, reference_scan: true });
  for (const kind of ['group', 'row', 'row+anti'] as const) {
    const reqs = requests(cluster, kind);
    const med: Record<string, number[]> = { index: [], reference: [] };
    const cpu: Record<string, number> = { index: 0, reference: 0 };
    const done: Record<string, number> = { index: 0, reference: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, s] of [
        ['index', fast],
        ['reference', reference],
      ] as const) {
        const per: number[] = [];
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        let i = 0;
        while (performance.now() - t0 < roundMs) {
          const b0 = performance.now();
          for (let k = 0; k < 16; k++, i++) {
            spec = reqs[i % reqs.length];
            s.scheduleRunInstance(ctx, spec, NO_RETRY);
            for (const slot of slots) cluster.release(slot);
            slots.length = 0;
          }
          per.push(((performance.now() - b0) * 1000) / 16);
        }
        const c = process.cpuUsage(c0);
        cpu[name] += (c.user + c.system) / 1000;
        done[name] += i;
        per.sort((a, b) => a - b);
        med[name].push(per[per.length >> 1]);
      }
    }
    const m = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
    const line = (name: string) =>
      `${kind.padEnd(9)} ${String(hosts).padStart(6)} hosts  ${name.padEnd(9)} median ${m(med[name]).toFixed(2).padStart(8)} µs/request  ` +
      `${Math.round(1e6 / m(med[name]))
        .toLocaleString('en')
        .padStart(9)} requests/s  cpu ${((cpu[name] * 1000) / done[name]).toFixed(2)} µs/request`;
    console.log(line('index'));
    console.log(line('reference'));
    console.log(`${' '.repeat(26)}speed-up (median) ${(m(med.reference) / m(med.index)).toFixed(1)}x`);
  }
}
