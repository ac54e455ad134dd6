import { existsSync, readdirSync, type Stats, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { InputError } from '../../src/common/errors.ts';
import { describeFsError, describeNonRegular } from '../../src/common/read-whole-file.ts';
import { isFrameworkStrategy } from '../../src/framework/strategy.ts';
import type { FilterDefinition, WeigherDefinition } from '../../src/framework/types.ts';
import type { SchedulerDriver } from '../../src/scheduler/driver.ts';
import { markPluginDriver, PluginError, thrownReason } from '../../src/scheduler/errors.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import { filterDefinition, weigherDefinition } from './adapt.ts';
import type { FilterPlugin, WeigherPlugin } from './define.ts';
import { createFailure, pluginFailure } from './failures.ts';
import { pluginLabel } from './label.ts';
import { preparePluginImport } from './module-hooks.ts';

/** Where users drop strategy files to use them by name. */
export const STRATEGIES_DIR = fileURLToPath(new URL('../', import.meta.url));

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const STRATEGY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Does a `--strategy` value name a file rather than a strategy of the catalog? */
export function isStrategyPath(value: string): boolean {
  return value.includes('/') || value.includes('\\') || EXTENSIONS.includes(extname(value));
}

async function importFile(file: string): Promise<Record<string, unknown>> {
  const abs = resolve(file);
  let stats: Stats;
  try {
    stats = statSync(abs);
  } catch (err) {
    throw new InputError(file, undefined, undefined, describeFsError(err));
  }
  // A device, a FIFO (or a symlink to one) would be read without end by the module loader.
  if (!stats.isFile()) throw new InputError(file, undefined, undefined, describeNonRegular(stats));
  try {
    await preparePluginImport(abs);
    const mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    // A .ts file outside an ES-module package is compiled to CommonJS (tsx): its namespace's
    // default is module.exports, which holds the file's own exports, marked __esModule.
    const cjs = mod.default as Record<string, unknown> | null | undefined;
    return typeof cjs === 'object' && cjs !== null && cjs.__esModule === true ? cjs : mod;
  } catch (err) {
    throw new PluginError(pluginLabel(file), 'load', thrownReason(err));
  }
}

/** The options schema with its parse guarded: a refinement that throws fails in the `options` phase. */
function guardedSchema(schema: AnyStrategy['optionsSchema'], label: string, who: string) {
  const guarded = Object.create(schema) as AnyStrategy['optionsSchema'];
  const wrap =
    <A extends unknown[], R>(f: (...a: A) => R) =>
    (...a: A): R => {
      try {
        return f.apply(schema, a);
      } catch (err) {
        throw pluginFailure(err, label, 'options', who);
      }
    };
  Object.defineProperty(guarded, 'safeParse', { value: wrap(schema.safeParse) });
  Object.defineProperty(guarded, 'parse', { value: wrap(schema.parse) });
  return guarded;
}

/**
 * The driver a plugin's `create` returned, guarded at the boundary, once per decision: anything it
 * throws names the file and the request; a Promise back (an async scheduleRunInstance) is refused.
 */
function guardedDriver(driver: SchedulerDriver, label: string, strategyName: string): SchedulerDriver {
  const name = typeof driver.name === 'string' ? driver.name : strategyName;
  const who = `strategy "${name}"`;
  const run = driver.scheduleRunInstance;
  const guarded: SchedulerDriver = {
    name,
    scheduleRunInstance(ctx, spec, props) {
      let returned: unknown;
      try {
        returned = run.call(driver, ctx, spec, props);
      } catch (err) {
        throw pluginFailure(err, label, `decision (request ${spec.requestId})`, who);
      }
      if (returned !== undefined && typeof (returned as { then?: unknown } | null)?.then === 'function') {
        // Its work (and any rejection) would land after the replay moved on: refuse it, and keep its
        // rejection from surfacing as an unhandled one.
        try {
          (returned as PromiseLike<unknown>).then(undefined, () => {});
        } catch {}
        throw new PluginError(
          label,
          `decision (request ${spec.requestId})`,
          `${who}: scheduleRunInstance must be synchronous (it returned a Promise)`,
        );
      }
    },
  };
  markPluginDriver(guarded, label);
  return guarded;
}

const validated = new WeakMap<object, AnyStrategy>();

/**
 * Check that `value` is a strategy ({ name, description, optionsSchema?, create }) and return it
 * ready to register: a missing `optionsSchema` means no options; `create` is wrapped so that a driver
 * without `scheduleRunInstance` is reported against the file. Errors are one line naming the file.
 */
export function validateStrategy(value: unknown, file: string): AnyStrategy {
  const bad = (field: string | undefined, reason: string) => new InputError(file, undefined, field, reason);
  if (value === null || typeof value !== 'object') {
    throw bad(
      undefined,
      'exports no strategy: expected `export default { name, description, optionsSchema, create }`',
    );
  }
  const cached = validated.get(value);
  if (cached) return cached;
  const s = value as Record<string, unknown>;
  if (typeof s.name !== 'string' || !STRATEGY_NAME.test(s.name)) {
    throw bad('name', 'must be a string of letters, digits, ".", "_" or "-" (it names the report file)');
  }
  if (typeof s.description !== 'string' || s.description.trim() === '') {
    throw bad('description', `strategy "${s.name}" needs a one-line description`);
  }
  if (typeof s.create !== 'function') {
    throw bad('create', `strategy "${s.name}" is missing the method create(cluster, options)`);
  }
  const schema = s.optionsSchema ?? z.strictObject({});
  if (typeof (schema as { safeParse?: unknown }).safeParse !== 'function') {
    throw bad('optionsSchema', `strategy "${s.name}": must be a zod schema`);
  }
  const create = s.create as (cluster: unknown, options: unknown, flavors: unknown) => unknown;
  const label = pluginLabel(file);
  const name = s.name;
  const strategy: AnyStrategy = {
    name,
    description: s.description.split('\n')[0],
    optionsSchema: guardedSchema(schema as AnyStrategy['optionsSchema'], label, `strategy "${name}"`),
    create(cluster, options, flavors) {
      let driver: Partial<SchedulerDriver> | undefined;
      try {
        driver = create.call(s, cluster, options, flavors) as Partial<SchedulerDriver> | undefined;
      } catch (err) {
        throw createFailure(err, label, `strategy "${name}"`);
      }
      if (typeof driver?.scheduleRunInstance !== 'function') {
        throw bad(
          'create',
          `strategy "${name}": create() returned no driver with a scheduleRunInstance(ctx, spec, props) method`,
        );
      }
      return guardedDriver(driver as SchedulerDriver, label, name);
    },
  };
  if (isFrameworkStrategy(s as unknown as AnyStrategy)) {
    // Bound to a catalog's filters and weighers, it is guarded the same way.
    const bind = (s as unknown as { withPlugins: (p: unknown) => unknown }).withPlugins.bind(s);
    Object.assign(strategy, { withPlugins: (plugins: unknown) => validateStrategy(bind(plugins), file) });
  }
  validated.set(value, strategy);
  return strategy;
}

/** Read the strategy a file exports (`export default`, or `export const strategy`). */
export async function readStrategyFile(file: string): Promise<AnyStrategy> {
  const mod = await importFile(file);
  return validateStrategy(mod.default ?? mod.strategy, file);
}

/** What one plugin file exports, checked and guarded, ready for a catalog. */
export interface PluginFileExports {
  readonly strategies: AnyStrategy[];
  readonly filters: FilterDefinition[];
  readonly weighers: WeigherDefinition[];
}

/**
 * Read a plugin file: its default export is a strategy, a filter or weigher (defineFilter,
 * defineWeigher) or an array of them. Adds nothing anywhere: the bootstrap puts what it returns in
 * the catalog, so `filters` / `weighers` options can name them (Nova's `available_filters` plus
 * `enabled_filters`).
 */
export async function readPluginFile(file: string): Promise<PluginFileExports> {
  const mod = await importFile(file);
  const exported = mod.default;
  if (exported === undefined) {
    throw new InputError(
      file,
      undefined,
      undefined,
      'has no default export (a strategy, filter, weigher or a list)',
    );
  }
  const out: PluginFileExports = { strategies: [], filters: [], weighers: [] };
  for (const item of Array.isArray(exported) ? exported : [exported]) {
    const kind = (item as { kind?: unknown } | null)?.kind;
    if (kind === 'filter') out.filters.push(filterDefinition(item as FilterPlugin, file));
    else if (kind === 'weigher') out.weighers.push(weigherDefinition(item as WeigherPlugin, file));
    else out.strategies.push(validateStrategy(item, file));
  }
  return out;
}

/** Strategy files dropped into `dir` (top level, not a built-in strategy's file), by strategy name. */
export function droppedInStrategyFiles(
  known: { has(name: string): boolean },
  dir = STRATEGIES_DIR,
): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const ext = extname(entry.name);
    if (!entry.isFile() || !EXTENSIONS.includes(ext) || entry.name.endsWith('.d.ts')) continue;
    const name = basename(entry.name, ext);
    if (name === 'index' || known.has(name) || out.has(name)) continue;
    out.set(name, join(dir, entry.name));
  }
  return out;
}

/** Read the strategy a file dropped into strategies/ exports: it must carry the file's name. */
export async function readDroppedInStrategy(file: string, name: string): Promise<AnyStrategy> {
  const strategy = await readStrategyFile(file);
  if (strategy.name !== name) {
    throw new InputError(
      file,
      undefined,
      'name',
      `is "${strategy.name}", expected "${name}" (the file's name)`,
    );
  }
  return strategy;
}

/**
 * Read a file given to `--plugin` or named by `--strategy` again in another thread (the worker pool):
 * a plugin file (default export: strategies, filters, weighers) or a strategy file (`export default`
 * or `export const strategy`). `file` may be a path or a file: URL.
 */
export async function readFileInWorker(file: string): Promise<PluginFileExports> {
  const path = file.startsWith('file:') ? fileURLToPath(file) : file;
  const mod = await importFile(path);
  if (mod.default === undefined && mod.strategy !== undefined) {
    return { strategies: [await readStrategyFile(path)], filters: [], weighers: [] };
  }
  return readPluginFile(path);
}
