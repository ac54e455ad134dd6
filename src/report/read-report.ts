import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../common/errors.ts';
import {
  describeFsError,
  parseStructured,
  readStructuredFile,
  type StructuredFile,
} from '../common/structured-file.ts';
import { capacityReportSchema, type RunSummary, runSummarySchema } from './run-files.ts';
import { type Report, reportSchema } from './schema.ts';

/** A report and the file it came from. */
export interface LoadedReport {
  readonly path: string;
  readonly report: Report;
}

/** A cell that a folder's run.json says failed or was cancelled: the run wrote no report for it. */
export interface UnfinishedCell {
  readonly runJson: string;
  readonly name: string;
  readonly status: 'failed' | 'cancelled';
  readonly error: { readonly kind: string; readonly message: string } | null;
}

/** The reports the arguments name, and the cells their folders' run.json say wrote none. */
export interface ReportSet {
  readonly reports: LoadedReport[];
  readonly unfinished: UnfinishedCell[];
}

/** Read one JSON report and validate it with the report schema; errors name file, line and field. */
export function readReport(path: string): Report {
  return parseReport(readStructuredFile(path));
}

/** What a JSON file that `run` or `capacity` writes is, when it is not a report. */
type OtherOutput = 'a matrix run summary (run.json)' | 'a capacity report (capacity.json)';

const OUTPUT_NAMES: Readonly<Record<string, OtherOutput>> = {
  'run.json': 'a matrix run summary (run.json)',
  'capacity.json': 'a capacity report (capacity.json)',
};

/**
 * Is this file another output of `run`/`capacity` rather than a report? They are told apart by
 * their own schema, or, for one written by another schedbench version, by their file name unless
 * it has `tool` (which every report has and they do not).
 */
function otherOutput(file: StructuredFile): OtherOutput | undefined {
  const v = file.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  if (runSummarySchema.safeParse(v).success) return 'a matrix run summary (run.json)';
  if (capacityReportSchema.safeParse(v).success) return 'a capacity report (capacity.json)';
  if (Object.hasOwn(v, 'tool')) return undefined;
  const name = basename(file.path);
  return Object.hasOwn(OUTPUT_NAMES, name) ? OUTPUT_NAMES[name] : undefined;
}

function parseReport(file: StructuredFile): Report {
  const other = otherOutput(file);
  if (other !== undefined)
    throw new InputError(
      file.path,
      undefined,
      undefined,
      `this is ${other}, not a report: give the reports, or the folder that holds them`,
    );
  return parseStructured(file, reportSchema);
}

function isDirectory(arg: string): boolean {
  try {
    return statSync(arg).isDirectory();
  } catch (err) {
    throw new InputError(arg, undefined, undefined, describeFsError(err));
  }
}

/**
 * The reports a directory holds: every `*.json` directly inside it, in name order, except the
 * other JSON outputs of `run` and `capacity` (run.json, capacity.json). Other files (summary.md,
 * timeseries.csv, report.html, placements) are not `*.json` and not read. A directory without a
 * report is an error: a gate over nothing must not pass; so is one whose run.json says another
 * set of reports than it holds (refuseReportsNotOfTheRun).
 */
function readDirectory(dir: string): ReportSet {
  const entries = readdirSync(dir, { withFileTypes: true });
  const names = entries
    .filter(
      (e) =>
        !e.isDirectory() &&
        e.name.endsWith('.json') &&
        !e.name.endsWith('.invalid.json') &&
        !e.name.startsWith('.'),
    )
    .map((e) => e.name)
    .sort();
  const skipped: string[] = [];
  const out: LoadedReport[] = [];
  let run: RunSummary | undefined;
  for (const name of names) {
    const path = join(dir, name);
    const file = readStructuredFile(path);
    if (otherOutput(file) !== undefined) {
      skipped.push(name);
      if (name === 'run.json') run = runSummarySchema.safeParse(file.value).data;
    } else out.push({ path, report: parseStructured(file, reportSchema) });
  }
  if (out.length === 0) {
    const what =
      skipped.length > 0
        ? `only ${skipped.join(', ')}, which ${skipped.length === 1 ? 'is not a report' : 'are not reports'}`
        : 'no *.json file';
    const subdirs = entries.some((e) => e.isDirectory()) ? '; subfolders are not read, name them' : '';
    throw new InputError(dir, undefined, undefined, `no report in this directory (${what}${subdirs})`);
  }
  if (!run) return { reports: out, unfinished: [] };
  refuseReportsNotOfTheRun(dir, run, out);
  const unfinished = run.cells.flatMap((c) =>
    c.status === 'ok'
      ? []
      : [{ runJson: join(dir, 'run.json'), name: c.name, status: c.status, error: c.error }],
  );
  return { reports: out, unfinished };
}

/**
 * A folder with a run.json holds the outputs of the run that wrote it: its reports are exactly
 * the ones run.json lists for its finished cells. A report at the name of a cell that run.json
 * says failed or was cancelled, or at a name it does not list, was left by an earlier run (or put
 * there by hand), and a listed report that is missing was removed: read with the others, each
 * would make the folder say something about the run it does not. Each is an error naming the file
 * (a file named on its own, not through its folder, is read as it is).
 */
function refuseReportsNotOfTheRun(dir: string, run: RunSummary, loaded: readonly LoadedReport[]): void {
  const here = resolve(dir);
  const listed = new Map<string, RunSummary['cells'][number]>();
  for (const c of run.cells) {
    if (c.report === null) continue;
    const path = resolve(here, c.report);
    if (dirname(path) === here) listed.set(basename(path), c);
  }
  const present = new Set(loaded.map((l) => basename(l.path)));
  for (const l of loaded) {
    const name = basename(l.path);
    if (listed.has(name)) continue;
    const unfinished = run.cells.find((c) => c.report === null && `${c.name}.json` === name);
    throw new InputError(
      l.path,
      undefined,
      undefined,
      unfinished
        ? `${join(dir, 'run.json')} says cell ${unfinished.name} ${unfinished.status === 'cancelled' ? 'was cancelled' : 'failed'} and wrote no report in the run that wrote this folder, so this report is left from an earlier run: remove it, or rerun the cell`
        : `${join(dir, 'run.json')} does not list this report (it lists ${listed.size === 0 ? 'none' : [...listed.keys()].join(', ')}), so it is left from an earlier run or was put there by hand: remove it, or name the file itself`,
    );
  }
  for (const [name, c] of listed) {
    if (!present.has(name))
      throw new InputError(
        join(dir, name),
        undefined,
        undefined,
        `missing: ${join(dir, 'run.json')} lists it as the report of cell ${c.name}`,
      );
  }
}

/**
 * Read every report the arguments name: a file is read as a report; a directory gives the reports
 * directly inside it. A file named twice (directly or through its directory) is read once, so it
 * does not count twice in a median.
 */
export function readReports(args: readonly string[]): LoadedReport[] {
  return readReportSet(args).reports;
}

/**
 * `readReports`, and the cells that the run.json of a directory named says failed or were
 * cancelled (a gate over such a folder checks a run that did not finish).
 */
export function readReportSet(args: readonly string[]): ReportSet {
  const seen = new Set<string>();
  const seenRuns = new Set<string>();
  const out: LoadedReport[] = [];
  const unfinished: UnfinishedCell[] = [];
  for (const arg of args) {
    const set = isDirectory(arg)
      ? readDirectory(arg)
      : { reports: [{ path: arg, report: parseReport(readStructuredFile(arg)) }], unfinished: [] };
    for (const u of set.unfinished) {
      const key = `${resolve(u.runJson)}\0${u.name}`;
      if (seenRuns.has(key)) continue;
      seenRuns.add(key);
      unfinished.push(u);
    }
    for (const l of set.reports) {
      const key = resolve(l.path);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(l);
    }
  }
  return { reports: out, unfinished };
}
