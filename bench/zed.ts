// Zed mode's decision speed (issue 18): nova-zed and `filter` under the candidate step beside the
// classic `filter` on the same half-full clusters, one thread, dry runs (no claim: every decision
// sees the same state). A zed decision is the whole of Nova's select_destinations for one
// instance: the request filters, GET /allocation_candidates, then the driver. Medians of
// per-decision CPU time (process.cpuUsage over batches of about 5 ms), so other programs on the
// machine slow the figures less than they would wall time.
import type { ClusterState } from '../src/cluster/cluster-state.ts';
import { DEFAULT_MAX_PLACEMENT_RESULTS } from '../src/common/limits.ts';
import { SeededRng } from '../src/common/rng.ts';
import { DEFAULT_FILTER_OPTIONS, type FilterOptions } from '../src/framework/options.ts';
import { formatTable } from '../src/report/summary-table.ts';
import type { DriverContext, SchedulerDriver } from '../src/scheduler/driver.ts';
import { ManagerPlacementPass } from '../src/scheduler/placement-pass.ts';
import { PlacementRequestFilter } from '../src/scheduler/request-filter.ts';
import { NO_RETRY, plainRequestSpec, type RequestSpec } from '../src/scheduler/request-spec.ts';
import { FilterScheduler } from '../strategies/filter/index.ts';
import { novaZedStrategy } from '../strategies/nova-zed/index.ts';
import { BENCH_FLAVORS, halfFullCluster } from './fixture.ts';

/** Real Nova 26's decisions/s at 1,000 hosts on this machine, as issue 18 measured it. */
export const NOVA_DECISIONS_PER_S = 8;
/** The target: 10,000 times real Nova at 1,000 hosts. */
const TARGET_PER_S = 10_000 * NOVA_DECISIONS_PER_S;

export interface ZedLine {
  readonly name: string;
  readonly hosts: number;
  readonly medianUs: number;
  readonly decisionsPerS: number;
  readonly target: string;
  readonly met: boolean | null;
}

const FLAVORS = BENCH_FLAVORS.map((f) => plainRequestSpec(f, 'bench'));

/** The manager's side of a dry-run decision: Placement's candidates first in zed mode, no claim. */
class DryContext implements DriverContext {
  readonly rng = new SeededRng(1);
  placement: ManagerPlacementPass | undefined = undefined;
  private readonly filter: PlacementRequestFilter | undefined;

  constructor(
    readonly cluster: ClusterState,
    zed: boolean,
  ) {
    this.filter = zed ? new PlacementRequestFilter(cluster, DEFAULT_MAX_PLACEMENT_RESULTS) : undefined;
    this.placement = zed ? new ManagerPlacementPass(cluster) : undefined;
  }

  decide(driver: SchedulerDriver, spec: RequestSpec): void {
    // As the manager: the query first, the list when the driver reads it (max_attempts 3).
    if (this.filter !== undefined) this.placement!.begin(this.filter.queryFor(spec), 2);
    driver.scheduleRunInstance(this, spec, NO_RETRY);
  }

  /** The manager's candidate test, without the claim. */
  provision(_k: number, h: number): boolean {
    return this.placement === undefined || this.placement.has(h);
  }
  noValidHost(): void {}
  countHostEvaluations(): void {}
  alternates(): void {}
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Median per-decision CPU µs: a warm-up, then batches of about 5 ms CPU for `timeMs` of wall time. */
function medianCpuUs(decide: (i: number) => void, timeMs: number): number {
  let i = 0;
  const warm = performance.now();
  while (i < 4000 && performance.now() - warm < 1000) decide(i++);
  let batch = 1;
  for (let t0 = cpuUs(); cpuUs() - t0 < 5000; batch++) decide(i++);
  const per: number[] = [];
  const start = performance.now();
  while (performance.now() - start < timeMs || per.length < 5) {
    const t0 = cpuUs();
    for (let k = 0; k < batch; k++) decide(i++);
    per.push((cpuUs() - t0) / batch);
  }
  per.sort((a, b) => a - b);
  return per[per.length >> 1];
}

function zedLine(name: string, hosts: number, medianUs: number, target: boolean): ZedLine {
  const decisionsPerS = 1e6 / medianUs;
  return {
    name,
    hosts,
    medianUs,
    decisionsPerS,
    target: target ? `>= ${TARGET_PER_S.toLocaleString('en-US')} /s (10,000 x Nova)` : '-',
    met: target ? decisionsPerS >= TARGET_PER_S : null,
  };
}

/** nova-zed, filter under placement zed and classic filter at each size. */
export function benchZed(sizes: readonly number[], timeMs: number): ZedLine[] {
  const out: ZedLine[] = [];
  for (const hosts of sizes) {
    const classic = halfFullCluster(hosts);
    const zed = halfFullCluster(hosts, 0, true);
    const run = (cluster: ClusterState, driver: SchedulerDriver, zedMode: boolean) => {
      const ctx = new DryContext(cluster, zedMode);
      return medianCpuUs((i) => ctx.decide(driver, FLAVORS[i % FLAVORS.length]), timeMs);
    };
    const options = novaZedStrategy.optionsSchema.parse({}) as FilterOptions;
    out.push(
      zedLine(
        'nova-zed (Zed defaults)',
        hosts,
        run(zed, novaZedStrategy.create(zed, options), true),
        hosts === 1000,
      ),
    );
    out.push(
      zedLine(
        'filter, placement=zed',
        hosts,
        run(zed, new FilterScheduler(zed, DEFAULT_FILTER_OPTIONS), true),
        false,
      ),
    );
    out.push(
      zedLine(
        'filter, classic',
        hosts,
        run(classic, new FilterScheduler(classic, DEFAULT_FILTER_OPTIONS), false),
        false,
      ),
    );
  }
  return out;
}

/** The lines as a table: decisions/s, the multiple of real Nova's, the target where there is one. */
export function zedTable(lines: readonly ZedLine[]): string {
  return formatTable(
    ['case', 'hosts', 'median CPU µs', 'decisions/s', 'x Nova', 'target', 'met'],
    lines.map((l) => [
      l.name,
      l.hosts.toLocaleString('en-US'),
      l.medianUs.toFixed(2),
      Math.round(l.decisionsPerS).toLocaleString('en-US'),
      Math.round(l.decisionsPerS / NOVA_DECISIONS_PER_S).toLocaleString('en-US'),
      l.target,
      l.met === null ? '-' : l.met ? 'yes' : 'no',
    ]),
  );
}
