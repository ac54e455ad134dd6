// The two score forms a plugin can take, on the same strategy (examples/cpu-headroom*.ts): the
// typed-array scorer against the per-host HostView function. One driver call schedules one instance
// on a 1000-host cluster whose state never changes (provision accepts and consumes nothing); a
// first-fit driver with the same three resource filters and no scoring gives the shared part.

import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import fast from '../examples/cpu-headroom.ts';
import simple from '../examples/cpu-headroom-simple.ts';
import { clusterFromObject } from '../src/cluster/cluster-spec.ts';
import { ClusterState } from '../src/cluster/cluster-state.ts';
import { formatTable } from '../src/report/summary-table.ts';
import { NO_RETRY, type RequestSpec } from '../src/scheduler/request-spec.ts';
import type { AnyStrategy } from '../src/scheduler/strategy.ts';
import { firstFitStrategy } from '../strategies/first-fit.ts';
import { dryRunContext } from './fixture.ts';

const HOSTS = 1000;

export async function run(): Promise<void> {
  const cluster = new ClusterState(
    clusterFromObject({
      groups: [{ count: HOSTS, prefix: 'h', vcpus: 64, memory_mb: 262144, disk_gb: 4000 }],
    }),
  );
  const ctx = dryRunContext(cluster);
  const spec: RequestSpec = {
    requestId: 'r',
    instanceIds: ['r'],
    flavor: { vcpus: 4, memoryMb: 8192, diskGb: 40, gpus: 0, gpuMilli: 0 },
    time: 0,
    availabilityZone: undefined,
    group: undefined,
    extraSpecs: undefined,
    gpuSpec: undefined,
    sameHost: undefined,
    differentHost: undefined,
  };
  const options = { filters: ['RamFilter', 'CoreFilter', 'DiskFilter'] };
  const driver = (s: AnyStrategy) => s.create(cluster, s.optionsSchema.parse(options));
  const bench = new Bench({ time: 1000, warmupTime: 300 });
  const cases: [string, AnyStrategy][] = [
    ['filters only (first-fit)', firstFitStrategy],
    ['typed arrays (cpu-headroom)', fast],
    ['HostView (cpu-headroom-simple)', simple],
  ];
  for (const [name, s] of cases) {
    const d = driver(s);
    bench.add(name, () => d.scheduleRunInstance(ctx, spec, NO_RETRY));
  }
  await bench.run();
  const p50 = bench.tasks.map((t) => {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}`);
    return r.latency.p50 * 1e6; // ns
  });
  const [base, typed, view] = p50;
  process.stdout.write(`\nplugin forms: one instance over ${HOSTS} hosts, median latency (tinybench)\n`);
  process.stdout.write(
    `${formatTable(
      ['driver', 'ns/instance', 'ns/host'],
      cases.map(([name], i) => [name, p50[i].toFixed(0), (p50[i] / HOSTS).toFixed(1)]),
    )}\n`,
  );
  process.stdout.write(
    `HostView / typed arrays: ${(view / typed).toFixed(2)}x per instance, ` +
      `${((view - base) / (typed - base)).toFixed(2)}x for the scoring alone\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
