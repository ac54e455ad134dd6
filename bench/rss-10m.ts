// The memory bound, end to end through the CLI: a 10,000,000-row openb pod list
// (bench/openb-pods.ts) is converted onto 1,000 sampled openb nodes, the converted trace is replayed
// with `filter`, and the pod list is replayed directly with `run --trace-format openb`. Each step is
// a child process under /usr/bin/time -v (peak RSS, CPU time); the replays' decisions/s come from
// their reports. Heavy (about 20 CPU-minutes, an hour of wall on 2 shared cores): `npm run bench -- --rss-10m [--rss-rows N]`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../src/report/summary-table.ts';
import { OPENB_DIR, writeOpenbPods } from './openb-pods.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const NODES = join(OPENB_DIR, 'openb_node_list_all_node.csv');
/** The bound on a replay's peak RSS. */
export const RSS_LIMIT_MB = 300;

export interface StepResult {
  readonly step: string;
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakRssMb: number;
  /** From the replay's report (undefined for convert). */
  readonly decisionsPerS?: number;
  readonly medianDecisionUs?: number;
}

/** `schedbench ARGS` under /usr/bin/time -v; throws on a non-zero exit. */
async function timed(step: string, args: string[], dir: string): Promise<StepResult> {
  const timeFile = join(dir, 'time.txt');
  const child = spawn(
    '/usr/bin/time',
    ['-v', '-o', timeFile, 'node', join(ROOT, 'bin/schedbench.js'), ...args],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${step}: schedbench ${args.join(' ')} exited ${code}`);
  const text = readFileSync(timeFile, 'utf8');
  const field = (label: string) => {
    const line = text.split('\n').find((l) => l.trim().startsWith(label));
    if (line === undefined) throw new Error(`${timeFile}: no "${label}"`);
    return line.slice(line.lastIndexOf(': ') + 2).trim();
  };
  const wall = field('Elapsed (wall clock) time')
    .split(':')
    .reduce((s, part) => s * 60 + Number(part), 0);
  return {
    step,
    wallS: wall,
    cpuS: Number(field('User time (seconds)')) + Number(field('System time (seconds)')),
    peakRssMb: Number(field('Maximum resident set size (kbytes)')) / 1024,
  };
}

function withReport(r: StepResult, reportPath: string): StepResult {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
    performance: { decisions_per_s: number; latency_us: { p50: number } };
  };
  return {
    ...r,
    decisionsPerS: report.performance.decisions_per_s,
    medianDecisionUs: report.performance.latency_us.p50,
  };
}

/** Runs the three steps over `rows` pods; the figures and whether every replay stayed in bound. */
export async function benchRss(rows: number): Promise<{ steps: StepResult[]; ok: boolean; load: string }> {
  if (!existsSync('/usr/bin/time')) throw new Error('the RSS check needs /usr/bin/time (GNU time)');
  const dir = mkdtempSync(join(tmpdir(), 'schedbench-rss-'));
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(', ');
  const loadBefore = load();
  try {
    const pods = join(dir, 'pods.csv');
    await writeOpenbPods(rows, pods);
    const trace = join(dir, 'trace.csv');
    const cluster = join(dir, 'cluster.json');
    const steps: StepResult[] = [];
    steps.push(
      await timed(
        'convert --from openb --hosts-sample 1000',
        [
          'convert',
          '--from',
          'openb',
          NODES,
          pods,
          '--hosts-sample',
          '1000',
          '--out',
          trace,
          '--cluster-out',
          cluster,
        ],
        dir,
      ),
    );
    const replay = async (step: string, args: string[], out: string) =>
      withReport(
        await timed(
          step,
          ['run', '--cluster', cluster, '--strategy', 'filter', '--out', join(dir, out), '--quiet', ...args],
          dir,
        ),
        join(dir, out, 'filter.json'),
      );
    steps.push(await replay('run filter (converted trace)', ['--trace', trace], 'canonical'));
    steps.push(
      await replay('run filter --trace-format openb', ['--trace-format', 'openb', '--trace', pods], 'openb'),
    );
    const ok = steps.every((s) => s.peakRssMb < RSS_LIMIT_MB);
    return { steps, ok, load: `${loadBefore} before, ${load()} after` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as a table. */
export function rssTable(steps: readonly StepResult[]): string {
  return formatTable(
    ['step', 'wall s', 'CPU s', 'peak RSS MB', 'decisions/s', 'median decision µs'],
    steps.map((s) => [
      s.step,
      s.wallS.toFixed(1),
      s.cpuS.toFixed(1),
      s.peakRssMb.toFixed(1),
      s.decisionsPerS === undefined ? '-' : Math.round(s.decisionsPerS).toLocaleString('en-US'),
      s.medianDecisionUs === undefined ? '-' : s.medianDecisionUs.toFixed(1),
    ]),
  );
}
