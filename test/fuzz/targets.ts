// What the fuzz test runs: for each kind of input, how a mutated file is laid out and which
// `schedbench` command reads it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  byteOp,
  type CsvOp,
  csvOp,
  type FileFormat,
  type Mutation,
  mutate,
  mutation,
  type StructOp,
  structOp,
} from './mutations.ts';
import { CLUSTER_JSON, CLUSTER_YAML, CONFIG_YAML, THRESHOLDS_YAML, TRACE_CSV } from './seeds.ts';

/** The valid inputs every run may read besides its mutated one (a folder written once). */
export interface Fixture {
  readonly dir: string;
  readonly cluster: string;
  readonly trace: string;
  readonly config: string;
  readonly thresholds: string;
  /** A report written by a real `run` of the seed inputs. */
  readonly report: string;
}

/** One command to run, the files it must leave as they were, and the exit codes that are fine. */
export interface Invocation {
  readonly argv: string[];
  readonly inputs: string[];
  readonly allowedCodes: readonly number[];
  /** The mutated file, for the failure message. */
  readonly mutated: string;
}

export interface Target<C> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<C>;
  /** Write the case's files into the empty folder `ws` and say what to run. */
  prepare(c: C, ws: string, f: Fixture): Invocation;
}

/** The exit codes of a command that reads input: 0 or a clean refusal; `check` may also fail (1). */
const READ = [0, 2] as const;
const CHECK = [0, 1, 2] as const;

/** Writes the seed inputs; the report is made by the caller (it needs a real run). */
export function writeFixtureInputs(dir: string): Omit<Fixture, 'report'> & { report: string } {
  mkdirSync(dir, { recursive: true });
  const f = {
    dir,
    cluster: join(dir, 'cluster.json'),
    trace: join(dir, 'trace.csv'),
    config: join(dir, 'config.yaml'),
    thresholds: join(dir, 'thresholds.yaml'),
    report: join(dir, 'report.json'),
  };
  writeFileSync(f.cluster, CLUSTER_JSON);
  writeFileSync(f.trace, TRACE_CSV);
  writeFileSync(f.config, CONFIG_YAML);
  writeFileSync(f.thresholds, THRESHOLDS_YAML);
  return f;
}

/** A report kept small: its time series cut to the first windows (still a valid report). */
export function trimmedReport(text: string, windows = 4): string {
  const r = JSON.parse(text) as { series: { windows: unknown[] } };
  r.series.windows = r.series.windows.slice(0, windows);
  return `${JSON.stringify(r, null, 2)}\n`;
}

const runArgs = (cluster: string, trace: string, config: string | undefined, ws: string) => [
  'run',
  '--cluster',
  cluster,
  '--trace',
  trace,
  ...(config ? ['--config', config] : []),
  '--out',
  join(ws, 'out'),
  '--placements',
  join(ws, 'placements.csv'),
];

function structuredTarget(
  name: string,
  format: Exclude<FileFormat, 'csv'>,
  seed: () => string,
  fileName: string,
  command: (mutated: string, ws: string, f: Fixture) => Omit<Invocation, 'mutated'>,
): Target<Mutation<StructOp>> {
  return {
    name,
    arbitrary: mutation(structOp),
    prepare(m, ws, f) {
      const mutated = join(ws, fileName);
      writeFileSync(mutated, mutate(seed(), format, m));
      return { ...command(mutated, ws, f), mutated };
    },
  };
}

/** The report file's text, read once from the fixture (it is made at run time). */
let reportSeed: string | undefined;
export function setReportSeed(text: string): void {
  reportSeed = text;
}
const reportText = () => {
  if (reportSeed === undefined) throw new Error('setReportSeed first');
  return reportSeed;
};

export const clusterJson = structuredTarget(
  'cluster (JSON)',
  'json',
  () => CLUSTER_JSON,
  'cluster.json',
  (m, ws, f) => ({
    argv: runArgs(m, f.trace, f.config, ws),
    inputs: [m, f.trace, f.config],
    allowedCodes: READ,
  }),
);

export const clusterYaml = structuredTarget(
  'cluster (YAML)',
  'yaml',
  () => CLUSTER_YAML,
  'cluster.yaml',
  (m, ws, f) => ({
    argv: runArgs(m, f.trace, f.config, ws),
    inputs: [m, f.trace, f.config],
    allowedCodes: READ,
  }),
);

export const config = structuredTarget(
  'run config (YAML)',
  'yaml',
  () => CONFIG_YAML,
  'config.yaml',
  (m, ws, f) => ({
    argv: runArgs(f.cluster, f.trace, m, ws),
    inputs: [f.cluster, f.trace, m],
    allowedCodes: READ,
  }),
);

export const thresholds = structuredTarget(
  'thresholds (YAML)',
  'yaml',
  () => THRESHOLDS_YAML,
  'thresholds.yaml',
  (m, _ws, f) => ({
    argv: ['check', '--thresholds', m, f.report, '--baseline', f.report],
    inputs: [m, f.report],
    allowedCodes: CHECK,
  }),
);

export const trace: Target<{ m: Mutation<CsvOp>; skip: boolean }> = {
  name: 'trace (CSV)',
  arbitrary: fc.record({ m: mutation(csvOp), skip: fc.boolean() }),
  prepare({ m, skip }, ws, f) {
    const mutated = join(ws, 'trace.csv');
    writeFileSync(mutated, mutate(TRACE_CSV, 'csv', m));
    return {
      argv: [...runArgs(f.cluster, mutated, f.config, ws), ...(skip ? ['--on-bad-row', 'skip'] : [])],
      inputs: [f.cluster, mutated, f.config],
      allowedCodes: READ,
      mutated,
    };
  },
};

type ReportCommand =
  | { cmd: 'compare'; out: 'stdout' | 'file' | 'over-input' }
  | { cmd: 'report'; out: 'fresh' | 'beside-input' }
  | { cmd: 'check' };

export const report: Target<{ m: Mutation<StructOp>; command: ReportCommand; asDir: boolean }> = {
  name: 'report (JSON)',
  arbitrary: fc.record({
    m: mutation(structOp),
    command: fc.oneof(
      fc.record({
        cmd: fc.constant('compare' as const),
        out: fc.constantFrom('stdout' as const, 'file' as const, 'over-input' as const),
      }),
      fc.record({
        cmd: fc.constant('report' as const),
        out: fc.constantFrom('fresh' as const, 'beside-input' as const),
      }),
      fc.record({ cmd: fc.constant('check' as const) }),
    ),
    asDir: fc.boolean(),
  }),
  prepare({ m, command, asDir }, ws, f) {
    const dir = join(ws, 'reports');
    mkdirSync(dir);
    const mutated = join(dir, 'filter.json');
    writeFileSync(mutated, mutate(reportText(), 'json', m));
    const arg = asDir ? dir : mutated;
    const inputs = [mutated, f.report];
    switch (command.cmd) {
      case 'compare': {
        const out =
          command.out === 'stdout'
            ? []
            : ['--out', command.out === 'file' ? join(ws, 'compare.md') : mutated];
        return { argv: ['compare', f.report, arg, ...out], inputs, allowedCodes: READ, mutated };
      }
      case 'report':
        return {
          argv: ['report', arg, '--out', command.out === 'fresh' ? join(ws, 'out') : dir],
          inputs,
          allowedCodes: READ,
          mutated,
        };
      case 'check':
        return {
          argv: ['check', '--thresholds', f.thresholds, arg, '--baseline', f.report],
          inputs: [...inputs, f.thresholds],
          allowedCodes: CHECK,
          mutated,
        };
    }
  },
};

/**
 * Output locations that coincide with inputs: `--out` the folder holding the inputs, the trace
 * named like an output, `--placements` on an input or on the report. Whatever the run decides, it
 * must not write over an input (and the trace may be slightly corrupt too).
 */
export const outputs: Target<{
  traceName: 'trace.csv' | 'timeseries.csv' | 'summary.md' | 'filter.json';
  outDir: 'fresh' | 'inputs';
  placements: 'fresh' | 'trace' | 'cluster' | 'report' | 'out-dir';
  bytes: ReturnType<typeof byteOp.generate>['value'][];
}> = {
  name: 'output paths over inputs',
  arbitrary: fc.record({
    traceName: fc.constantFrom(
      'trace.csv' as const,
      'timeseries.csv' as const,
      'summary.md' as const,
      'filter.json' as const,
    ),
    outDir: fc.constantFrom('fresh' as const, 'inputs' as const),
    placements: fc.constantFrom(
      'fresh' as const,
      'trace' as const,
      'cluster' as const,
      'report' as const,
      'out-dir' as const,
    ),
    bytes: fc.array(byteOp, { maxLength: 2 }),
  }),
  prepare(c, ws, f) {
    const tracePath = join(ws, c.traceName);
    const clusterPath = join(ws, 'cluster.json');
    writeFileSync(tracePath, mutate(TRACE_CSV, 'csv', { structured: [], bytes: c.bytes }));
    writeFileSync(clusterPath, CLUSTER_JSON);
    const out = c.outDir === 'fresh' ? join(ws, 'out') : ws;
    const placements = {
      fresh: join(ws, 'placements.csv'),
      trace: tracePath,
      cluster: clusterPath,
      report: join(out, 'filter.json'),
      'out-dir': out,
    }[c.placements];
    return {
      argv: [
        'run',
        '--cluster',
        clusterPath,
        '--trace',
        tracePath,
        '--config',
        f.config,
        '--out',
        out,
        '--placements',
        placements,
      ],
      inputs: [tracePath, clusterPath, f.config],
      allowedCodes: READ,
      mutated: tracePath,
    };
  },
};

/** Every target, in the order the test runs them. */
export const TARGETS: readonly Target<never>[] = [
  clusterJson,
  clusterYaml,
  trace,
  config,
  report,
  thresholds,
  outputs,
] as unknown as Target<never>[];

/** sha256 of each file (missing: ''), to tell whether a run wrote over an input. */
export function fingerprints(paths: readonly string[]): Map<string, string> {
  return new Map(
    paths.map((p) => {
      try {
        return [p, existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : ''];
      } catch (err) {
        return [p, `unreadable: ${(err as NodeJS.ErrnoException).code}`];
      }
    }),
  );
}
