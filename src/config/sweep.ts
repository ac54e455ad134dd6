import type { z } from 'zod';
import { UsageError } from '../common/errors.ts';
import { COMMON_KEYS, parseSetFlags } from './run-config.ts';

/** One config point of a sweep: the `--set` values of one cell, and which of them vary. */
export interface ConfigPoint {
  readonly sets: Readonly<Record<string, unknown>>;
  /** The swept keys and this point's value of each, in dimension order. */
  readonly varying: readonly (readonly [string, unknown])[];
}

/** A config key and the values it takes across the sweep. */
interface Dimension {
  readonly key: string;
  readonly values: readonly unknown[];
}

const WRAPPERS = new Set(['default', 'optional', 'nullable', 'prefault', 'readonly', 'catch', 'nonoptional']);
const LISTS = new Set(['array', 'tuple', 'set']);

/** Whether option `key` of an object schema takes a list (after defaults and optionals). */
export function isListOption(schema: z.ZodType, key: string): boolean {
  const def = (schema as unknown as { _zod: { def: { type: string; shape?: Record<string, z.ZodType> } } })
    ._zod.def;
  let t = def.type === 'object' && def.shape && Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
  while (t) {
    const d = (t as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })
      ._zod.def;
    if (LISTS.has(d.type)) return true;
    t = WRAPPERS.has(d.type) ? d.innerType : d.type === 'pipe' ? d.in : undefined;
  }
  return false;
}

/** Whether `key` is an option of the run: a common one or one of the strategy's object schema. */
function isKnownOption(schema: z.ZodType, key: string): boolean {
  if (COMMON_KEYS.has(key)) return true;
  const def = (schema as unknown as { _zod: { def: { type: string; shape?: Record<string, z.ZodType> } } })
    ._zod.def;
  return def.type === 'object' && def.shape !== undefined && Object.hasOwn(def.shape, key);
}

/**
 * Whether a run of this strategy takes option `key`: a common one or one of its object schema. A
 * schema that is no object may take anything: true (its validation decides).
 */
export function hasOption(schema: z.ZodType, key: string): boolean {
  const type = (schema as unknown as { _zod: { def: { type: string } } })._zod.def.type;
  return type !== 'object' || isKnownOption(schema, key);
}

/** `--sweep key=v1|v2|...`: each alternative is read like a `--set` value. */
export function parseSweepFlags(flags: readonly string[]): Dimension[] {
  const dims: Dimension[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError(`--sweep ${flag}: expected key=value1|value2|...`);
    const key = flag.slice(0, eq).trim();
    const alts = flag.slice(eq + 1).split('|');
    if (alts.some((a) => a.trim() === ''))
      throw new UsageError(`--sweep ${flag}: empty value (values are separated by |)`);
    if (dims.some((d) => d.key === key)) throw new UsageError(`--sweep ${key}: given twice`);
    dims.push({ key, values: alts.map((a) => parseSetFlags([`${key}=${a}`])[key]) });
  }
  return dims;
}

/**
 * The config points of a run, for one strategy. The rule: `--set key=a,b,c` on an option that
 * takes a list (`filters`, `weighers`) sets that list; on any other option it sweeps a, b and c,
 * one cell each. `--sweep key=A|B` sweeps explicitly, each alternative read like a `--set` value
 * (so `--sweep filters=RamFilter,CoreFilter|RamFilter` compares two filter lists). Points come in
 * odometer order: the last dimension varies fastest.
 */
export function configPoints(
  setFlags: readonly string[],
  sweepFlags: readonly string[],
  optionsSchema: z.ZodType,
): ConfigPoint[] {
  const sets = parseSetFlags(setFlags);
  const fixed: Record<string, unknown> = Object.create(null);
  const dims: Dimension[] = [];
  for (const [key, value] of Object.entries(sets)) {
    const sweep = Array.isArray(value) && !isListOption(optionsSchema, key);
    if (sweep && value.length === 0 && isKnownOption(optionsSchema, key)) {
      // A sweep of no values would be a run of no cells.
      throw new UsageError(
        `--set ${key}=[]: "${key}" takes one value, not a list (a comma list sweeps it, one cell per value)`,
      );
    }
    // An empty list for an unknown key stays one cell, refused by validation as an unknown option.
    if (sweep && value.length > 0) dims.push({ key, values: value });
    else fixed[key] = value;
  }
  for (const d of parseSweepFlags(sweepFlags)) {
    if (key(d.key, sets)) throw new UsageError(`--sweep ${d.key}: also given with --set`);
    dims.push(d);
  }
  let points: ConfigPoint[] = [{ sets: fixed, varying: [] }];
  for (const d of dims) {
    points = points.flatMap((p) =>
      d.values.map((v) => ({
        sets: { ...p.sets, [d.key]: v },
        varying: [...p.varying, [d.key, v] as const],
      })),
    );
  }
  return points;
}

function key(k: string, o: object): boolean {
  return Object.hasOwn(o, k);
}
