// The FGD paper's headline table from per-seed allocation curves: ours (report files) or the
// simulator's (experiments/analysis/expected_results/analysis_allo_discrete.csv).
import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { readReport } from '../../src/report/read-report.ts';
import type { Report } from '../../src/report/schema.ts';
import { POLICIES, policyOfStrategy } from './policies.ts';

/** One replay: a policy on one seed's trace. */
export interface SeedRun {
  readonly policy: string;
  readonly seed: string;
  readonly capacityGpus: number;
  /** Allocated GPU % of capacity by arrived GPU demand in whole percent. */
  readonly curve: ReadonlyMap<number, number>;
  /** GPUs left unallocated once every request has arrived. */
  readonly unallocatedGpus: number;
}

/** A report of `run` on a trace named `seed-<S>.csv` (the experiment's naming). */
export function runFromReport(r: Report): SeedRun {
  const gpu = r.quality.gpu;
  if (!gpu?.allocation_curve)
    throw new Error(`${r.inputs.trace.path}: the report has no GPU allocation curve`);
  const name = basename(r.inputs.trace.path, extname(r.inputs.trace.path));
  return {
    policy: policyOfStrategy(r.inputs.strategy),
    seed: name.replace(/^seed-/, ''),
    capacityGpus: gpu.capacity_gpus,
    curve: new Map(gpu.allocation_curve.map((p) => [p.arrived_pct, p.allocated_pct])),
    unallocatedGpus: gpu.unallocated_gpus,
  };
}

/** Every report (`*.json` but run.json) directly in the given folders; a missing folder has none. */
export function runsFromReportDirs(dirs: readonly string[]): SeedRun[] {
  return dirs.flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json') && f !== 'run.json')
          .sort()
          .map((f) => runFromReport(readReport(join(dir, f))))
      : [],
  );
}

/**
 * The simulator's merged allocation file, rows of one workload: `workload,sc_policy,tune,seed,
 * total_gpus,0,...,130` (policy like `06-FGD`); full arrival is the column `tune × 100`, where the
 * unallocated GPUs are (100 − allocated %) × total_gpus / 100.
 */
export function runsFromSimulatorCsv(text: string, workload = 'openb_pod_list_default'): SeedRun[] {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const cols = head.split(',');
  const at = (name: string) => cols.indexOf(name);
  const runs: SeedRun[] = [];
  for (const line of lines) {
    const f = line.split(',');
    if (f[at('workload')] !== workload) continue;
    const curve = new Map<number, number>();
    for (let i = 0; i < cols.length; i++) {
      if (/^\d+$/.test(cols[i]) && f[i] !== '' && f[i] !== undefined)
        curve.set(Number(cols[i]), Number(f[i]));
    }
    const capacityGpus = Number(f[at('total_gpus')]);
    const full = Math.round(Number(f[at('tune')]) * 100);
    runs.push({
      policy: f[at('sc_policy')].replace(/^\d+-/, ''),
      seed: f[at('seed')],
      capacityGpus,
      curve,
      unallocatedGpus: ((100 - (curve.get(full) ?? Number.NaN)) * capacityGpus) / 100,
    });
  }
  return runs;
}

/** Median, min and max of a sample (the median of an even count is the mean of the middle two). */
export interface Stat {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function stat(values: readonly number[]): Stat | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/** One policy's row: unallocated GPU % at arrived 100%, 110% and full arrival, and GPUs then. */
export interface PolicyRow {
  readonly policy: string;
  readonly seeds: number;
  readonly at100: Stat | null;
  readonly at110: Stat | null;
  /** At each seed's highest arrival percent. */
  readonly atFull: Stat | null;
  readonly fullPct: Stat | null;
  readonly unallocatedGpus: Stat | null;
}

const unallocAt = (r: SeedRun, pct: number) => {
  const a = r.curve.get(pct);
  return a === undefined ? [] : [100 - a];
};
const lastPct = (r: SeedRun) => Math.max(...r.curve.keys());

/** Rows in the paper's policy order, then any other policy by name. */
export function summarise(runs: readonly SeedRun[]): PolicyRow[] {
  const names = [...new Set(runs.map((r) => r.policy))];
  const order = POLICIES.map((p) => p.paper);
  names.sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  return names.map((policy) => {
    const rs = runs.filter((r) => r.policy === policy);
    return {
      policy,
      seeds: rs.length,
      at100: stat(rs.flatMap((r) => unallocAt(r, 100))),
      at110: stat(rs.flatMap((r) => unallocAt(r, 110))),
      atFull: stat(rs.flatMap((r) => unallocAt(r, lastPct(r)))),
      fullPct: stat(rs.map(lastPct)),
      unallocatedGpus: stat(rs.map((r) => r.unallocatedGpus)),
    };
  });
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

/** FGD against one baseline, on the medians of unallocated GPUs at full arrival. */
export interface Advantage {
  readonly baseline: string;
  /** (baseline − FGD) / baseline × 100: percent fewer unallocated GPUs. */
  readonly fewerPct: number;
  /** baseline − FGD: GPUs more in use. */
  readonly moreGpus: number;
}

export function advantages(rows: readonly PolicyRow[], best = 'FGD'): Advantage[] {
  const fgd = rows.find((r) => r.policy === best)?.unallocatedGpus;
  if (!fgd) return [];
  return rows
    .filter((r) => r.policy !== best && r.unallocatedGpus)
    .map((r) => {
      const b = r.unallocatedGpus!.median;
      return { baseline: r.policy, fewerPct: ((b - fgd.median) / b) * 100, moreGpus: b - fgd.median };
    });
}

/** Median over seeds of unallocated GPU % at each arrival percent (the plot's line). */
export function medianCurve(
  runs: readonly SeedRun[],
): { policy: string; arrived_pct: number; unallocated_pct: number }[] {
  const out: { policy: string; arrived_pct: number; unallocated_pct: number }[] = [];
  for (const row of summarise(runs)) {
    const rs = runs.filter((r) => r.policy === row.policy);
    const pcts = [...new Set(rs.flatMap((r) => [...r.curve.keys()]))].sort((a, b) => a - b);
    for (const p of pcts) {
      const s = stat(rs.flatMap((r) => unallocAt(r, p)));
      if (s) out.push({ policy: row.policy, arrived_pct: p, unallocated_pct: s.median });
    }
  }
  return out;
}

const fmt = (s: Stat | null, digits = 2) =>
  s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : 'n/a';

/** The table and FGD's advantage, Markdown; `missing` names policies not run, with why. */
export function markdownTable(
  rows: readonly PolicyRow[],
  missing: ReadonlyMap<string, string> = new Map(),
): string {
  const lines = [
    '| policy | seeds | unalloc. GPU % at arrived 100% | at 110% | at full arrival | full arrival % | unallocated GPUs at full arrival |',
    '|---|---|---|---|---|---|---|',
  ];
  const all = [...rows.map((r) => r.policy), ...missing.keys()];
  const order = POLICIES.map((p) => p.paper);
  for (const name of [...new Set(all)].sort((a, b) => rank(order, a) - rank(order, b))) {
    const r = rows.find((x) => x.policy === name);
    if (!r) {
      lines.push(`| ${name} | 0 | not run: ${missing.get(name) ?? 'no reports'} | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.policy} | ${r.seeds} | ${fmt(r.at100)} | ${fmt(r.at110)} | ${fmt(r.atFull)} | ${fmt(r.fullPct, 0)} | ${fmt(r.unallocatedGpus, 1)} |`,
    );
  }
  const adv = advantages(rows);
  if (adv.length > 0) {
    lines.push('', '| FGD against | fewer unallocated GPUs | GPUs more in use |', '|---|---|---|');
    for (const a of adv)
      lines.push(`| ${a.baseline} | ${a.fewerPct.toFixed(1)}% | ${a.moreGpus.toFixed(1)} |`);
  }
  return `${lines.join('\n')}\n`;
}
