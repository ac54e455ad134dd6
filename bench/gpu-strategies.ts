import { Bench } from 'tinybench';
import type { Flavor } from '../src/model/flavor.ts';
import type { FlavorMix } from '../src/model/flavor-mix.ts';
import { NO_RETRY, type RequestSpec } from '../src/scheduler/request-spec.ts';
import type { AnyStrategy } from '../src/scheduler/strategy.ts';
import { bestFitStrategy } from '../strategies/best-fit.ts';
import { dotProductStrategy } from '../strategies/dot-product.ts';
import { fgdStrategy } from '../strategies/fgd.ts';
import { gpuClusteringStrategy } from '../strategies/gpu-clustering/index.ts';
import { gpuPackingStrategy } from '../strategies/gpu-packing.ts';
import { randomStrategy } from '../strategies/random.ts';
import { dryRunContext, halfFullCluster } from './fixture.ts';
import { type MicroResult, result } from './hot-path.ts';

const GPU_STRATEGIES: readonly AnyStrategy[] = [
  fgdStrategy,
  gpuPackingStrategy,
  gpuClusteringStrategy,
  dotProductStrategy,
  randomStrategy,
  bestFitStrategy,
];

const flavor = (vcpus: number, memoryMb: number, gpus: number, gpuMilli: number): Flavor => ({
  vcpus,
  memoryMb,
  diskGb: 40,
  gpus,
  gpuMilli,
});

/**
 * FGD's task distribution for the benchmark: openb-like, 13 types (shares of 100..900 and whole
 * 1, 2, 4 GPUs, one CPU-only type); fgd's cost grows with the types it keeps.
 */
const MIX: FlavorMix = [
  ...[100, 200, 250, 300, 400, 500, 600, 750, 900].map((m, i) => ({
    flavor: flavor(4, 8192, 1, m),
    count: 10 + i,
  })),
  { flavor: flavor(8, 32768, 1, 1000), count: 30 },
  { flavor: flavor(16, 65536, 2, 1000), count: 10 },
  { flavor: flavor(32, 131072, 4, 1000), count: 5 },
  { flavor: flavor(2, 4096, 0, 0), count: 20 },
];

const REQUESTS: readonly [string, Flavor][] = [
  ['0.5-GPU share', flavor(2, 4096, 1, 500)],
  ['2 whole GPUs', flavor(2, 4096, 2, 1000)],
];

/**
 * One decision (the default hard constraints with GpuFilter, then the strategy's score over every
 * survivor) of each GPU strategy, on a half-full cluster with 8 GPUs per host (bench/fixture.ts: a
 * quarter of its instances hold a share or 2 whole GPUs), for a share and a whole-GPU request.
 * A dry run: nothing is claimed, so every iteration decides on the same state.
 */
export async function benchGpuDecisions(sizes: readonly number[], timeMs: number): Promise<MicroResult[]> {
  const out: MicroResult[] = [];
  for (const n of sizes) {
    const cluster = halfFullCluster(n, 8);
    const ctx = dryRunContext(cluster);
    const bench = new Bench({ time: timeMs, warmup: true });
    for (const s of GPU_STRATEGIES) {
      const driver = s.create(cluster, s.optionsSchema.parse({}), MIX);
      for (const [what, f] of REQUESTS) {
        const spec: RequestSpec = {
          requestId: 'bench',
          instanceIds: ['bench'],
          flavor: f,
          time: 0,
          availabilityZone: undefined,
          group: undefined,
          extraSpecs: undefined,
          gpuSpec: undefined,
          sameHost: undefined,
          differentHost: undefined,
        };
        bench.add(`${s.name}: ${what}`, () => driver.scheduleRunInstance(ctx, spec, NO_RETRY));
      }
    }
    await bench.run();
    for (const task of bench.tasks) out.push(result(task, n));
  }
  return out;
}
