import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../common/errors.ts';
import {
  describeFsError,
  parseStructured,
  readStructuredFile,
  type StructuredFile,
} from '../common/structured-file.ts';
import { capacityReportSchema, runSummarySchema } from './run-files.ts';
import { type Report, reportSchema } from './schema.ts';

/** A report and the file it came from. */
export interface LoadedReport {
  readonly path: string;
  readonly report: Report;
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
 * report is an error: a gate over nothing must not pass.
 */
function readDirectory(dir: string): LoadedReport[] {
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
  for (const name of names) {
    const path = join(dir, name);
    const file = readStructuredFile(path);
    if (otherOutput(file) !== undefined) skipped.push(name);
    else out.push({ path, report: parseStructured(file, reportSchema) });
  }
  if (out.length === 0) {
    const what =
      skipped.length > 0
        ? `only ${skipped.join(', ')}, which ${skipped.length === 1 ? 'is not a report' : 'are not reports'}`
        : 'no *.json file';
    const subdirs = entries.some((e) => e.isDirectory()) ? '; subfolders are not read, name them' : '';
    throw new InputError(dir, undefined, undefined, `no report in this directory (${what}${subdirs})`);
  }
  return out;
}

/**
 * Read every report the arguments name: a file is read as a report; a directory gives the reports
 * directly inside it. A file named twice (directly or through its directory) is read once, so it
 * does not count twice in a median.
 */
export function readReports(args: readonly string[]): LoadedReport[] {
  const seen = new Set<string>();
  const out: LoadedReport[] = [];
  for (const arg of args) {
    const loaded = isDirectory(arg)
      ? readDirectory(arg)
      : [{ path: arg, report: parseReport(readStructuredFile(arg)) }];
    for (const l of loaded) {
      const key = resolve(l.path);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(l);
    }
  }
  return out;
}
