import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../common/errors.ts';
import { outputError } from '../common/output-error.ts';
import { runSummarySchema } from '../report/run-files.ts';

/** A file a command reads or writes, and what it is to the user (`--trace`, `report of cell x`). */
export interface NamedPath {
  readonly role: string;
  readonly path: string;
}

/**
 * The path's identity: its real path when it exists (symlinks and `..` resolved), else the real
 * path of its nearest existing ancestor joined with the rest, so a file not yet written still
 * matches an existing one reached through a symlinked folder.
 */
export function pathIdentity(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(pathIdentity(parent), basename(abs));
  }
}

/**
 * Refuse (UsageError, exit 2, naming both paths) a run whose outputs would overwrite one of its
 * inputs or each other: without this, `--placements` equal to `--trace`, or an `--out` folder
 * holding the trace, silently destroy the input.
 */
export function refuseOverwrites(inputs: readonly NamedPath[], outputs: readonly NamedPath[]): void {
  const inputOf = new Map<string, NamedPath>();
  for (const i of inputs) if (!inputOf.has(pathIdentity(i.path))) inputOf.set(pathIdentity(i.path), i);
  const outputOf = new Map<string, NamedPath>();
  for (const o of outputs) {
    const id = pathIdentity(o.path);
    const input = inputOf.get(id);
    if (input) {
      throw new UsageError(
        `${o.path} (${o.role}) is the input ${input.path} (${input.role}): refusing to overwrite an input`,
      );
    }
    const other = outputOf.get(id);
    if (other) {
      throw new UsageError(
        `${o.path} (${o.role}) is also ${other.path} (${other.role}): two outputs of the run would overwrite each other`,
      );
    }
    outputOf.set(id, o);
  }
  for (const o of outputs) {
    const id = pathIdentity(o.path);
    // A name the file system cannot hold fails the first write late, after a run: refused now.
    const long = id.split(sep).find((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
    if (long !== undefined) {
      throw new UsageError(
        `${o.path} (${o.role}): a name in it is ${Buffer.byteLength(long)} bytes long, more than the ${MAX_NAME_BYTES} a file name may have`,
      );
    }
    // An output that another one needs as its folder (`--placements o` beside `--out o`).
    for (let up = dirname(id); up !== dirname(up); up = dirname(up)) {
      const folder = outputOf.get(up);
      if (folder) {
        throw new UsageError(
          `${folder.path} (${folder.role}) is the folder of ${o.path} (${o.role}): two outputs of the run would overwrite each other`,
        );
      }
    }
  }
}

/** The longest file name (one path segment) most file systems take, in bytes. */
export const MAX_NAME_BYTES = 255;

/** The nearest existing ancestor of `path` (itself included): at most one step per path segment. */
function nearestExisting(path: string): string {
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/** Check a folder can be written before the run starts: a usage error naming it, not a late crash. */
export function checkOutputDir(dir: string, flag: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`${flag} ${dir}: is a file, not a folder`);
  }
  checkWritableAncestor(dir, flag);
}

/** Check a file can be written before the run starts: not a folder, its folder writable. */
export function checkOutputFile(path: string, flag: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UsageError(`${flag} ${path}: is a folder, not a file`);
  }
  checkWritableAncestor(dirname(resolve(path)), flag, path);
}

function checkWritableAncestor(dir: string, flag: string, shown = dir): void {
  const existing = nearestExisting(dir);
  if (!statSync(existing).isDirectory()) {
    throw new UsageError(`${flag} ${shown}: ${existing} is a file, not a folder`);
  }
  try {
    probe(existing, resolve(dir));
  } catch (err) {
    const mapped = outputError(shown, err);
    throw mapped instanceof UsageError ? new UsageError(`${flag} ${mapped.message}`) : mapped;
  }
}

/**
 * Do what the write will do, once, and undo it: create a temp file in `dir` if it exists, else
 * make (and remove) the first missing folder under `existing`. Permission bits alone do not tell:
 * root passes every access check, and /proc or /sys refuse new entries with ENOENT.
 */
function probe(existing: string, dir: string): void {
  const probeName = `.schedbench-probe.${process.pid}.${randomBytes(4).toString('hex')}`;
  if (existing === dir) {
    const file = join(dir, `${probeName}.tmp`);
    closeSync(openSync(file, 'wx'));
    rmSync(file, { force: true });
    return;
  }
  const first = join(existing, relative(existing, dir).split(sep)[0]);
  mkdirSync(first);
  rmdirSync(first);
}

/** The set-level outputs writeReportOutputs writes into `dir`. */
export function reportOutputPaths(dir: string): NamedPath[] {
  return [
    { role: 'summary', path: join(dir, 'summary.md') },
    { role: 'time series', path: join(dir, 'timeseries.csv') },
    { role: 'HTML report', path: join(dir, 'report.html') },
  ];
}

/**
 * Remove what an earlier run left at this run's output paths (its reports, placements, summary
 * files), before this run writes any: a cell that then fails or is cancelled, or a run that is
 * killed, must not leave the earlier run's report at its name, where `check` and `report` would
 * read it as this run's. Only call it with paths refuseOverwrites has cleared (no output is an
 * input). Folders are left alone (writing there fails on its own); a file that cannot be removed
 * is a usage error naming it.
 */
export function removeEarlierOutputs(outputs: readonly NamedPath[]): void {
  for (const o of outputs) {
    try {
      const st = lstatSync(o.path, { throwIfNoEntry: false });
      if (!st || st.isDirectory()) continue;
      rmSync(o.path, { force: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException | null)?.code ?? String(err);
      throw new UsageError(
        `${o.path} (${o.role}): cannot remove the file an earlier run left there (${code})`,
      );
    }
  }
}

/** Is this file a run summary (the run.json of a matrix run, a shard or a merge)? */
export function isRunSummary(path: string): boolean {
  try {
    return runSummarySchema.safeParse(JSON.parse(readFileSync(path, 'utf8'))).success;
  } catch {
    return false;
  }
}
