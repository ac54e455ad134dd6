import { SeededRng } from '../src/common/rng.ts';
import { ManagerPlacementPass } from '../src/scheduler/placement-pass.ts';
import { PlacementRequestFilter } from '../src/scheduler/request-filter.ts';
import { NO_RETRY, plainRequestSpec } from '../src/scheduler/request-spec.ts';
import { novaZedStrategy } from '../strategies/nova-zed/index.ts';
import { halfFullCluster } from './fixture.ts';

const c = halfFullCluster(1000, 0, true);
const d: any = novaZedStrategy.create(c, novaZedStrategy.optionsSchema.parse({}) as any);
const rf = new PlacementRequestFilter(c, 1000);
const pass = new ManagerPlacementPass(c);
const specs = [
  [1, 2048, 20],
  [2, 4096, 40],
  [4, 8192, 80],
  [8, 16384, 160],
].map(([v, m, dd]) => plainRequestSpec({ vcpus: v, memoryMb: m, diskGb: dd, gpus: 0, gpuMilli: 0 }, 'b'));
const ctx: any = {
  cluster: c,
  rng: new SeededRng(1),
  placement: pass,
  provision: (_k: number, h: number) => pass.has(h),
  noValidHost() {},
  countHostEvaluations() {},
  alternates() {},
};
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
let i = 0;
const t0 = cpu();
while (cpu() - t0 < 5e6) {
  for (let k = 0; k < 100; k++) {
    const s = specs[i++ & 3];
    pass.begin(rf.queryFor(s), 2);
    d.scheduleRunInstance(ctx, s, NO_RETRY);
  }
}
console.log(((cpu() - t0) / i).toFixed(2), 'µs cpu per decision', d.indexedDecisions, i);
