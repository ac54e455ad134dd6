import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../common/errors.ts';
import { describeFsError, parseStructured, readStructuredFile } from '../common/structured-file.ts';
import { type Report, reportSchema } from './schema.ts';

/** A report and the file it came from. */
export interface LoadedReport {
  readonly path: string;
  readonly report: Report;
}

/** Read one JSON report and validate it with the report schema; errors name file, line and field. */
export function readReport(path: string): Report {
  return parseStructured(readStructuredFile(path), reportSchema);
}

/**
 * The report files an argument names: the file itself, or every `*.json` directly inside a
 * directory, in name order (an empty directory is an error).
 */
export function reportFiles(arg: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(arg).isDirectory();
  } catch (err) {
    throw new InputError(arg, undefined, undefined, describeFsError(err));
  }
  if (!isDir) return [arg];
  const files = readdirSync(arg)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .sort()
    .map((f) => join(arg, f));
  if (files.length === 0)
    throw new InputError(arg, undefined, undefined, 'no *.json report in this directory');
  return files;
}

/** Read every report the arguments name (files or directories). */
export function readReports(args: readonly string[]): LoadedReport[] {
  return args.flatMap(reportFiles).map((path) => ({ path, report: readReport(path) }));
}
