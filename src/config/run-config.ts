import { z } from 'zod';
import type { AllocationRatios } from '../cluster/cluster-spec.ts';
import { allocationRatio } from '../common/bounds.ts';
import { InputError, UsageError } from '../common/errors.ts';
import { DEFAULT_MAX_PLACEMENT_RESULTS, MAX_ATTEMPTS, MAX_PLACEMENT_RESULTS } from '../common/limits.ts';
import { formatPath, readStructuredFile, type StructuredFile } from '../common/structured-file.ts';
import { withGpuFilter } from '../framework/options.ts';
import type { Strategy } from '../scheduler/strategy.ts';

/** Run options every strategy shares; the rest of a config file belongs to the strategy. */
export const commonConfigSchema = z.strictObject({
  seed: z.int().default(0),
  max_attempts: z.int().positive().max(MAX_ATTEMPTS).default(3),
  multi_create: z.enum(['each', 'all-or-nothing']).default('each'),
  cpu_allocation_ratio: allocationRatio().optional(),
  ram_allocation_ratio: allocationRatio().optional(),
  disk_allocation_ratio: allocationRatio().optional(),
  // The Zed candidate step (docs/nova-zed.md). Absent from a classic run's effective config, so a
  // classic report records exactly what it did before these keys existed.
  placement: z.enum(['none', 'zed']).optional(),
  max_placement_results: z.int().positive().max(MAX_PLACEMENT_RESULTS).optional(),
});
export type CommonConfig = z.output<typeof commonConfigSchema>;

/** Zed mode's Placement settings of a run config, or undefined for a classic run. */
export function placementOf(c: CommonConfig): { readonly maxResults: number } | undefined {
  if (c.placement !== 'zed') return undefined;
  return { maxResults: c.max_placement_results ?? DEFAULT_MAX_PLACEMENT_RESULTS };
}

/** The names of the common options. */
export const COMMON_KEYS: ReadonlySet<string> = new Set(Object.keys(commonConfigSchema.shape));

/** A validated run configuration: shared options plus the strategy's own, with defaults filled in. */
export interface RunConfig {
  readonly common: CommonConfig;
  readonly strategyOptions: unknown;
  /** The effective configuration as one flat object, as recorded in reports. */
  readonly effective: Readonly<Record<string, unknown>>;
}

export function ratioOverrides(c: CommonConfig): Partial<AllocationRatios> {
  const out: { cpu?: number; ram?: number; disk?: number } = {};
  if (c.cpu_allocation_ratio !== undefined) out.cpu = c.cpu_allocation_ratio;
  if (c.ram_allocation_ratio !== undefined) out.ram = c.ram_allocation_ratio;
  if (c.disk_allocation_ratio !== undefined) out.disk = c.disk_allocation_ratio;
  return out;
}

/**
 * Build a run config from an optional JSON/YAML file and `--set key=value` flags (which win).
 * Errors name the file and line of a bad key, or the `--set` flag it came from.
 */
export function loadRunConfig(
  strategy: Strategy<unknown>,
  configPath: string | undefined,
  sets: Readonly<Record<string, unknown>> = {},
  seed?: number,
  /** Keys of `sets` that came from `--sweep`, so their errors name that flag. */
  sweepKeys: ReadonlySet<string> = new Set(),
  /** The cluster has GPUs: a default `filters` list (one the user did not set) gets GpuFilter. */
  clusterHasGpus = false,
): RunConfig {
  const flagOf = (key: string) => (sweepKeys.has(key) ? '--sweep' : '--set');
  const file: StructuredFile | undefined = configPath ? readStructuredFile(configPath) : undefined;
  const fromFile = file?.value ?? {};
  if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
    throw new InputError(configPath!, 1, undefined, 'expected a mapping of option names to values');
  }
  // Null-prototype objects: a key named `__proto__` stays an own key, so it is reported as unknown
  // instead of silently replacing the object's prototype.
  const merged: Record<string, unknown> = Object.assign(
    Object.create(null),
    fromFile as Record<string, unknown>,
    listValues(strategy, sets),
  );
  if (seed !== undefined) merged.seed = seed;
  const common: Record<string, unknown> = Object.create(null);
  const own: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(merged)) (COMMON_KEYS.has(k) ? common : own)[k] = v;
  if (clusterHasGpus && !Object.hasOwn(own, 'filters')) {
    const defaults = strategy.optionsSchema.safeParse({});
    const d = defaults.success ? (defaults.data as Record<string, unknown>).filters : undefined;
    if (Array.isArray(d) && d.every((x) => typeof x === 'string')) own.filters = withGpuFilter(d);
  }

  const fail = (issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): never => {
    const path = [...prefix, ...issue.path];
    const key = String(path[0] ?? (issue as { keys?: string[] }).keys?.[0] ?? '');
    if (Object.hasOwn(sets, key) || (key === 'seed' && seed !== undefined)) {
      throw new UsageError(`${flagOf(key)} ${formatPath(path) ?? key}: ${issue.message}`);
    }
    if (file)
      throw new InputError(
        file.path,
        file.lineOf(path.length ? path : [key]),
        formatPath(path),
        issue.message,
      );
    throw new UsageError(`config: ${formatPath(path) ?? ''}: ${issue.message}`);
  };
  const c = commonConfigSchema.safeParse(common);
  if (!c.success) fail(c.error.issues[0], []);
  const refuse = (key: string, msg: string): never => {
    if (Object.hasOwn(sets, key)) throw new UsageError(`${flagOf(key)} ${key}: ${msg}`);
    if (file) throw new InputError(file.path, file.lineOf([key]), key, msg);
    throw new UsageError(`config: ${key}: ${msg}`);
  };
  const commonOut = c.data!;
  if (strategy.placement === 'zed') {
    if (commonOut.placement === 'none')
      refuse(
        'placement',
        `strategy ${strategy.name} runs under the Zed candidate step only (placement: zed)`,
      );
    commonOut.placement = 'zed';
  }
  if (commonOut.placement === 'zed') {
    // Nova 26's _schedule: a multi-instance request is placed whole or not at all.
    if (Object.hasOwn(common, 'multi_create') && commonOut.multi_create !== 'all-or-nothing')
      refuse(
        'multi_create',
        'placement: zed places a multi-instance request whole or not at all (all-or-nothing)',
      );
    commonOut.multi_create = 'all-or-nothing';
    commonOut.max_placement_results ??= DEFAULT_MAX_PLACEMENT_RESULTS;
  }
  const o = strategy.optionsSchema.safeParse(own);
  if (!o.success) {
    const issue = o.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      const msg = `unknown option "${key}" for strategy ${strategy.name}`;
      if (Object.hasOwn(sets, key)) throw new UsageError(`${flagOf(key)} ${key}: ${msg}`);
      throw new InputError(file?.path ?? 'config', file?.lineOf([key]), key, msg);
    }
    fail(issue, []);
  }
  const strategyOptions = o.data!;
  return {
    common: commonOut,
    strategyOptions,
    effective: { ...commonOut, ...(strategyOptions as Record<string, unknown>) },
  };
}

/**
 * Parse `--set key=value` flags. Values are JSON where they parse as JSON (numbers, true, false,
 * lists), otherwise strings; a value with commas is a list.
 */
export function parseSetFlags(flags: readonly string[]): Record<string, unknown> {
  // Null prototype: `--set __proto__=5` is an own key, refused later as an unknown option.
  const out: Record<string, unknown> = Object.create(null);
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set ${flag}: expected key=value`);
    const key = flag.slice(0, eq).trim();
    const raw = flag.slice(eq + 1).trim();
    out[key] =
      raw.includes(',') && !raw.startsWith('[') ? raw.split(',').map((s) => scalar(s.trim())) : scalar(raw);
  }
  return out;
}

function scalar(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/**
 * A `--set` (or swept) value for an option whose default is a list is a list: `weighers=RAMWeigher`
 * means `[RAMWeigher]`, and `filters=A,B` was already split by parseSetFlags.
 */
function listValues(
  strategy: Strategy<unknown>,
  sets: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const defaults = strategy.optionsSchema.safeParse({});
  const d = (defaults.success ? defaults.data : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = Object.assign(Object.create(null), sets);
  for (const [k, v] of Object.entries(sets)) {
    if (Object.hasOwn(d, k) && Array.isArray(d[k]) && typeof v === 'string')
      out[k] = v.split(',').map((x) => x.trim());
  }
  return out;
}
