// The performance targets of issue 15, measured one thread: medians of per-decision time (batches
// of decisions timed together, the median of their per-decision means), decisions/s and ns per
// host at that median, the target and whether it is met. Beside the default-config cases, the same
// decisions with `reference_scan: true` (the plain reference loop), so the growth of cost with
// cluster size and the fast paths' gain are visible in one run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterFromObject } from '../src/cluster/cluster-spec.ts';
import { ClusterState } from '../src/cluster/cluster-state.ts';
import { SeededRng } from '../src/common/rng.ts';
import { BUILTIN_PLUGINS } from '../src/framework/builtins.ts';
import { DEFAULT_FILTER_OPTIONS, type FilterOptions } from '../src/framework/options.ts';
import { generateCluster } from '../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../src/generate/options.ts';
import { formatTable } from '../src/report/summary-table.ts';
import type { DriverContext } from '../src/scheduler/driver.ts';
import { NO_RETRY, plainRequestSpec, type RequestSpec } from '../src/scheduler/request-spec.ts';
import { FilterScheduler } from '../strategies/filter/index.ts';
import {
  benchRequest,
  dryRunContext,
  BENCH_FLAVORS as FLAVORS,
  halfFullCluster,
  halfFullClusterFast,
} from './fixture.ts';

const ROOT = new URL('../', import.meta.url).pathname;

/** One line of the targets table. */
export interface TargetLine {
  readonly name: string;
  readonly hosts: number;
  readonly medianUs: number;
  readonly decisionsPerS: number;
  /** Median ns per host of the cluster (null for a whole run). */
  readonly nsPerHost: number | null;
  /** e.g. ">= 1,000,000 /s"; '-' for a comparison line. */
  readonly target: string;
  /** null for a comparison line. */
  readonly met: boolean | null;
  /** Whole-run wall seconds, for the run case. */
  readonly wallS?: number;
  /** For a speed-up line: reference-scan median over the default config's. */
  readonly ratio?: number;
}

/** Requests without zone, specs, group or hints, one per flavor. */
function plainRequests(id = 'bench'): RequestSpec[] {
  return FLAVORS.map((flavor) => plainRequestSpec(flavor, id));
}

/**
 * The steady state is what a long replay sees: the index builds its fit classes (and the JIT its
 * code) over the first few thousand decisions, so a warm-up runs WARMUP_DECISIONS (or at most
 * WARMUP_MAX_MS, for the slow reference scans) before anything is timed.
 */
const WARMUP_DECISIONS = 8000;
const WARMUP_MAX_MS = 1500;

/**
 * Median per-decision µs of `decide(i)` (i counts decisions from 0): batches sized to about 100 µs
 * after a warm-up (or `fixedBatch` decisions, no warm-up), run for `timeMs` (at least `minBatches`).
 * `decide` returns false to stop (the batch it stops in still counts, by its own mean).
 */
function medianDecisionUs(decide: (i: number) => boolean, timeMs: number, fixedBatch = 0, minBatches = 5) {
  let i = 0;
  let batch = fixedBatch;
  if (fixedBatch === 0) {
    let t0 = performance.now();
    while (i < WARMUP_DECISIONS && performance.now() - t0 < WARMUP_MAX_MS) if (!decide(i++)) break;
    // The batch size from the warm-up's last stretch, at the speed the timing will see.
    const at = i;
    t0 = performance.now();
    while (performance.now() - t0 < Math.min(200, timeMs / 4)) if (!decide(i++)) break;
    batch = Math.max(1, Math.round((0.1 * (i - at)) / Math.max(1e-3, performance.now() - t0)));
  }
  const perDecision: number[] = [];
  const start = performance.now();
  let going = true;
  while (going && (performance.now() - start < timeMs || perDecision.length < minBatches)) {
    const t0 = performance.now();
    let k = 0;
    while (k < batch) {
      k++;
      if (!decide(i++)) {
        going = false;
        break;
      }
    }
    perDecision.push(((performance.now() - t0) * 1000) / k);
  }
  perDecision.sort((a, b) => a - b);
  return { medianUs: perDecision[perDecision.length >> 1], decisions: i };
}

function line(name: string, hosts: number, medianUs: number, minPerS?: number): TargetLine {
  const decisionsPerS = 1e6 / medianUs;
  return {
    name,
    hosts,
    medianUs,
    decisionsPerS,
    nsPerHost: (medianUs * 1000) / hosts,
    target: minPerS === undefined ? '-' : `>= ${minPerS.toLocaleString('en-US')} /s`,
    met: minPerS === undefined ? null : decisionsPerS >= minPerS,
  };
}

/** Dry-run decisions of `scheduler` over `requests` (cycled) on an unchanging cluster. */
function dryRun(
  scheduler: FilterScheduler,
  ctx: DriverContext,
  requests: readonly RequestSpec[],
  timeMs: number,
) {
  return medianDecisionUs((i) => {
    scheduler.scheduleRunInstance(ctx, requests[i % requests.length], NO_RETRY);
    return true;
  }, timeMs).medianUs;
}

/** The default-config targets by cluster size. */
const DEFAULT_TARGETS: readonly [number, number][] = [
  [1000, 1_000_000],
  [10_000, 300_000],
  [100_000, 100_000],
];

/** Cases 1-3 with their reference-scan comparison lines. */
function defaultConfigLines(timeMs: number, fixture: (hosts: number) => ClusterState): TargetLine[] {
  const out: TargetLine[] = [];
  for (const [hosts, target] of DEFAULT_TARGETS) {
    const cluster = fixture(hosts);
    const ctx = dryRunContext(cluster);
    const requests = plainRequests();
    const fast = new FilterScheduler(cluster, DEFAULT_FILTER_OPTIONS);
    const reference = new FilterScheduler(cluster, { ...DEFAULT_FILTER_OPTIONS, reference_scan: true });
    out.push(line('default config', hosts, dryRun(fast, ctx, requests, timeMs), target));
    out.push(line('  same, reference_scan=true', hosts, dryRun(reference, ctx, requests, timeMs)));
    const a = out[out.length - 2];
    const b = out[out.length - 1];
    out.push({
      ...line('  speed-up (reference / default)', hosts, a.medianUs),
      ratio: b.medianUs / a.medianUs,
    });
  }
  return out;
}

/** Case 4: the three resource weighers at 10,000 hosts. */
function resourceWeighersLine(cluster: ClusterState, timeMs: number): TargetLine {
  const options: FilterOptions = {
    ...DEFAULT_FILTER_OPTIONS,
    weighers: ['RAMWeigher', 'CPUWeigher', 'DiskWeigher'],
  };
  const s = new FilterScheduler(cluster, options);
  return line(
    'RAM+CPU+Disk weighers',
    cluster.hosts.size,
    dryRun(s, dryRunContext(cluster), plainRequests(), timeMs),
    30_000,
  );
}

/** Case 5: every built-in filter and weigher, requests in soft-affinity and soft-anti-affinity groups. */
function everythingLine(cluster: ClusterState, timeMs: number): TargetLine {
  const options: FilterOptions = {
    ...DEFAULT_FILTER_OPTIONS,
    filters: [...BUILTIN_PLUGINS.filters.keys()],
    weighers: [...BUILTIN_PLUGINS.weighers.keys()],
    num_instances_weight_multiplier: 1,
  };
  const s = new FilterScheduler(cluster, options);
  const requests = (['soft-affinity', 'soft-anti-affinity'] as const).flatMap((policy) => {
    const { group } = benchRequest(cluster, policy).spec;
    return plainRequests().map((r) => ({ ...r, group }));
  });
  return line(
    'every filter and weigher, soft-affinity groups',
    cluster.hosts.size,
    dryRun(s, dryRunContext(cluster), requests, timeMs),
    10_000,
  );
}

/**
 * Case 6: an empty cluster filled with real claims (default config) until the first NoValidHost;
 * the median of per-decision time including the claim, in batches of 16. Flavors twice the
 * dry-run ones (about 12 instances fill a host). `maxDecisions` cuts it short (--quick).
 */
export function fillLine(hosts: number, warmupHosts: number, maxDecisions: number): TargetLine {
  const big = FLAVORS.map((f) => ({ ...f, memoryMb: f.memoryMb * 2, vcpus: f.vcpus * 2 }));
  const fill = (n: number) => {
    const file = generateCluster({ ...DEFAULT_GENERATOR_OPTIONS, hosts: n, seed: 7 });
    const cluster = new ClusterState(clusterFromObject(file, 'bench'));
    const scheduler = new FilterScheduler(cluster, DEFAULT_FILTER_OPTIONS);
    const requests = plainRequests().map((r, k) => ({ ...r, flavor: big[k] }));
    let full = false;
    let id = '';
    let flavor = big[0];
    const ctx: DriverContext = {
      cluster,
      rng: new SeededRng(1),
      provision: (_k, h, gpu) => cluster.claim(h, id, flavor, undefined, id, 1, gpu) >= 0,
      noValidHost: () => {
        full = true;
      },
      placement: undefined,
      alternates: () => {},
      countHostEvaluations: () => {},
    };
    const ids: string[] = [];
    return medianDecisionUs(
      (i) => {
        if (i >= ids.length) for (let j = ids.length; j < i + 4096; j++) ids.push(`f${j}`);
        const spec = requests[i % requests.length];
        id = ids[i];
        flavor = spec.flavor;
        scheduler.scheduleRunInstance(ctx, spec, NO_RETRY);
        return !full && i + 1 < maxDecisions;
      },
      Number.POSITIVE_INFINITY,
      16,
      0,
    );
  };
  fill(warmupHosts); // JIT warm-up on a smaller cluster
  const { medianUs, decisions } = fill(hosts);
  const what =
    decisions >= maxDecisions
      ? `fill from empty, first ${decisions.toLocaleString('en-US')} decisions (claims)`
      : `fill from empty to NoValidHost, ${decisions.toLocaleString('en-US')} decisions (claims)`;
  return line(what, hosts, medianUs, 200_000);
}

/** The CLI as installed (compiled, no TypeScript loader) and as a checkout runs it (tsx). */
const COMPILED = 'dist/src/cli/entry.js';
const CHECKOUT = 'bin/schedbench.js';

/** `node ENTRY ARGS`; resolves with wall seconds, rejects on a non-zero exit. */
function node(entry: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawn('node', [join(ROOT, entry), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0
        ? resolve((performance.now() - t0) / 1000)
        : reject(new Error(`node ${entry} ${args.join(' ')}: exit ${code}`)),
    ),
  );
}

/**
 * Case 7: a whole `run` (one cell, `filter`) of a generated canonical trace of `rows` rows on 1,000
 * hosts, by the compiled CLI as the package installs it (dist/, built from these sources first),
 * then by bin/ through tsx as a checkout runs it, for comparison. The trace is generated once into
 * reports/bench/cache/ (not committed) and reused.
 */
async function wholeRunLines(rows: number): Promise<TargetLine[]> {
  const cache = join(ROOT, 'reports/bench/cache');
  const prefix = join(cache, `canonical-${rows}-h1000-s1-load0.8`);
  if (!existsSync(`${prefix}-trace.csv`)) {
    mkdirSync(cache, { recursive: true });
    process.stdout.write(`(generating ${rows.toLocaleString('en-US')} rows into ${prefix}-*, once)\n`);
    const tmp = `${prefix}.partial`;
    await node(CHECKOUT, [
      'generate',
      '--hosts',
      '1000',
      '--rows',
      String(rows),
      '--seed',
      '1',
      '--target-load',
      '0.8',
      '--out',
      tmp,
    ]);
    renameSync(`${tmp}-cluster.json`, `${prefix}-cluster.json`);
    renameSync(`${tmp}-trace.csv`, `${prefix}-trace.csv`);
  }
  await node('scripts/build.mjs', []);
  const out = mkdtempSync(join(tmpdir(), 'schedbench-targets-'));
  const run = (entry: string, dir: string) =>
    node(entry, [
      'run',
      '--cluster',
      `${prefix}-cluster.json`,
      '--trace',
      `${prefix}-trace.csv`,
      '--strategy',
      'filter',
      '--seed',
      '1',
      '--workers',
      '1',
      '--out',
      join(out, dir),
    ]);
  const limitS = (30 * rows) / 10_000_000;
  const limit = rows === 10_000_000 ? '<= 30 s' : `<= ${limitS} s (30 s per 10M rows)`;
  const line = (name: string, wallS: number, target: boolean): TargetLine => ({
    name,
    hosts: 1000,
    medianUs: (wallS * 1e6) / rows,
    decisionsPerS: rows / wallS,
    nsPerHost: null,
    target: target ? limit : '-',
    met: target ? wallS <= limitS : null,
    wallS,
  });
  try {
    const compiled = await run(COMPILED, 'compiled');
    const checkout = await run(CHECKOUT, 'checkout');
    return [
      line(`whole run, ${rows.toLocaleString('en-US')}-row canonical trace (compiled)`, compiled, true),
      line('  same, bin/ through tsx (a checkout)', checkout, false),
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every target line; `quick` shortens the timing and leaves out the whole run (case 7). */
export async function benchTargets(o: { quick: boolean; runRows: number }): Promise<TargetLine[]> {
  const timeMs = o.quick ? 300 : 1500;
  const lines = defaultConfigLines(timeMs, (n) => (n > 10_000 ? halfFullClusterFast(n) : halfFullCluster(n)));
  const at10k = halfFullCluster(10_000);
  lines.push(resourceWeighersLine(at10k, timeMs));
  lines.push(everythingLine(at10k, timeMs));
  lines.push(fillLine(10_000, 1000, o.quick ? 5000 : Number.POSITIVE_INFINITY));
  if (!o.quick) lines.push(...(await wholeRunLines(o.runRows)));
  return lines;
}

const num = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3));

/** The table as `npm run bench` prints it. */
export function targetsTable(lines: readonly TargetLine[]): string {
  return formatTable(
    ['case', 'hosts', 'median µs/decision', 'decisions/s', 'ns/host', 'target', 'met'],
    lines.map((l) =>
      l.ratio !== undefined
        ? [l.name, l.hosts.toLocaleString('en-US'), '-', `×${l.ratio.toFixed(1)}`, '-', '-', '-']
        : [
            l.name,
            l.hosts.toLocaleString('en-US'),
            l.wallS === undefined ? num(l.medianUs) : `${l.wallS.toFixed(1)} s wall`,
            `${num(l.decisionsPerS)}${l.wallS === undefined ? '' : ' rows'}`,
            l.nsPerHost === null ? '-' : num(l.nsPerHost),
            l.target,
            l.met === null ? '-' : l.met ? 'yes' : 'NO',
          ],
    ),
  );
}
