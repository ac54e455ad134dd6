import { basename, extname } from 'node:path';
import type { Catalog } from '../catalog/catalog.ts';
import { loadRunConfig } from '../config/run-config.ts';
import { flagsForStrategy, unscopedKey } from '../config/scoped-flags.ts';
import { configPoints, parseSweepFlags } from '../config/sweep.ts';

/** One cell of the experiment matrix: one independent replay. */
export interface CellSpec {
  /** Position in the matrix (trace, strategy, config file, swept values, seed; the last fastest). */
  readonly index: number;
  /** Unique and safe as a file name; names only the dimensions that vary in the run. */
  readonly name: string;
  readonly tracePath: string;
  readonly strategy: string;
  readonly configPath: string | undefined;
  /** `--set` values including this cell's swept ones. */
  readonly sets: Readonly<Record<string, unknown>>;
  readonly seed: number | undefined;
  /** The dimensions that vary in the run and this cell's value of each, for summaries. */
  readonly coords: Readonly<Record<string, unknown>>;
}

/** What the user asked for: every list is one dimension of the cartesian product. */
export interface MatrixSpec {
  readonly traces: readonly string[];
  readonly strategies: readonly string[];
  /** Config files; empty for none. */
  readonly configs: readonly string[];
  readonly setFlags: readonly string[];
  readonly sweepFlags: readonly string[];
  /** Seeds; empty to use each config's own. */
  readonly seeds: readonly number[];
}

/**
 * The cells of a run, in matrix order. Sweeps are expanded per strategy (whether `--set k=a,b` is a
 * list or a sweep depends on the strategy's option types; see configPoints).
 */
export function expandMatrix(m: MatrixSpec, registry: Catalog): CellSpec[] {
  const configs = m.configs.length > 0 ? m.configs : [undefined];
  const seeds = m.seeds.length > 0 ? m.seeds : [undefined];
  const raw: Omit<CellSpec, 'index' | 'name' | 'coords'>[] = [];
  const swept: (readonly (readonly [string, unknown])[])[] = [];
  const run = [...new Set(m.strategies)].map((name) => registry.get(name));
  for (const tracePath of m.traces) {
    for (const strategy of m.strategies) {
      const schema = registry.get(strategy).optionsSchema;
      // Common options (seed, max_attempts, ...) are all scalars: only the strategy has lists.
      const points = configPoints(
        flagsForStrategy(m.setFlags, '--set', strategy, run),
        flagsForStrategy(m.sweepFlags, '--sweep', strategy, run),
        schema,
      );
      for (const configPath of configs) {
        for (const point of points) {
          for (const seed of seeds) {
            raw.push({ tracePath, strategy, configPath, sets: point.sets, seed });
            swept.push(point.varying);
          }
        }
      }
    }
  }
  // Every dimension has at least one value; a run of no cells would end in a confusing crash.
  if (raw.length === 0) throw new Error('the run expanded to no cells');
  return nameCells(raw, swept, m);
}

/**
 * Validate every cell's configuration (config file, `--set`, swept values, seed) in this thread,
 * before a worker starts or anything is written: a bad option is one usage line naming its flag,
 * not a failed cell in a half-written run.
 */
export function validateCellConfigs(
  cells: readonly CellSpec[],
  registry: Catalog,
  sweepFlags: readonly string[],
): void {
  const run = [...new Set(cells.map((c) => c.strategy))].map((name) => registry.get(name));
  const sweepKeys = new Set(parseSweepFlags(sweepFlags).map((d) => unscopedKey(d.key, run)));
  const seen = new Set<string>();
  for (const c of cells) {
    const id = JSON.stringify([c.strategy, c.configPath ?? null, c.sets, c.seed ?? null]);
    if (seen.has(id)) continue;
    seen.add(id);
    loadRunConfig(registry.get(c.strategy), c.configPath, c.sets, c.seed, sweepKeys);
  }
}

function nameCells(
  raw: readonly Omit<CellSpec, 'index' | 'name' | 'coords'>[],
  swept: readonly (readonly (readonly [string, unknown])[])[],
  m: MatrixSpec,
): CellSpec[] {
  // A swept key is named only when it takes more than one value across the whole run.
  const valuesOf = new Map<string, Set<string>>();
  for (const v of swept)
    for (const [k, x] of v) {
      if (!valuesOf.has(k)) valuesOf.set(k, new Set());
      valuesOf.get(k)!.add(label(x));
    }
  const traceLabels = distinctLabels(m.traces);
  const configLabels = distinctLabels(m.configs);
  const used = new Map<string, number>();
  return raw.map((c, index) => {
    const coords: Record<string, unknown> = { strategy: c.strategy };
    const parts = [c.strategy];
    if (m.configs.length > 1 && c.configPath !== undefined) {
      coords.config = c.configPath;
      parts.push(configLabels.get(c.configPath)!);
    }
    for (const [k, x] of swept[index]) {
      if (valuesOf.get(k)!.size < 2) continue;
      coords[k] = x;
      parts.push(`${k}=${label(x)}`);
    }
    if (m.traces.length > 1) {
      coords.trace = c.tracePath;
      parts.push(traceLabels.get(c.tracePath)!);
    }
    if (m.seeds.length > 1 && c.seed !== undefined) {
      coords.seed = c.seed;
      parts.push(`seed=${c.seed}`);
    }
    let name = parts.map(safe).join('__');
    const seen = used.get(name) ?? 0;
    used.set(name, seen + 1);
    if (seen > 0) name = `${name}__n${seen + 1}`;
    return { ...c, index, name, coords };
  });
}

/** A value as it appears in a cell name: lists joined by `+`. */
function label(x: unknown): string {
  if (Array.isArray(x)) return x.map(label).join('+');
  return typeof x === 'string' ? x : JSON.stringify(x);
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._=+-]/g, '_');
}

/** File labels: the base name without extension, or the index when two base names clash. */
function distinctLabels(paths: readonly string[]): Map<string, string> {
  const base = (p: string) => basename(p, extname(p));
  const counts = new Map<string, number>();
  for (const p of new Set(paths)) counts.set(base(p), (counts.get(base(p)) ?? 0) + 1);
  return new Map(paths.map((p, i) => [p, counts.get(base(p))! > 1 ? `${base(p)}${i + 1}` : base(p)]));
}
