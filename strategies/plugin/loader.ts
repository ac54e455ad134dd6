import { existsSync, readdirSync, type Stats, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { InputError, UsageError } from '../../src/common/errors.ts';
import { describeFsError, describeNonRegular } from '../../src/common/read-whole-file.ts';
import type { SchedulerDriver } from '../../src/scheduler/driver.ts';
import {
  ContractError,
  markPluginDriver,
  PluginError,
  type PluginPhase,
  SchedulingError,
  thrownReason,
} from '../../src/scheduler/errors.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import type { StrategyRegistry } from '../../src/scheduler/strategy-registry.ts';
import { FILTERS, WEIGHERS } from '../filter/registry.ts';
import type { FilterRequest, HostFilter, HostWeigher } from '../filter/types.ts';
import type { FilterPlugin, WeigherPlugin } from './define.ts';

/** Where users drop strategy files to use them by name. */
export const STRATEGIES_DIR = fileURLToPath(new URL('../', import.meta.url));

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const STRATEGY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PLUGIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Does a `--strategy` value name a file rather than a registered strategy? */
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
    return (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    throw new PluginError(pluginLabel(file), 'load', thrownReason(err));
  }
}

/**
 * How messages name a plugin file: as given, or `./relative` when a worker got the absolute path
 * of a file under the working folder, so a matrix names it as a single run does.
 */
export function pluginLabel(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? `.${sep}${rel}` : file;
}

/**
 * What a plugin threw, as the error the run fails with: its own SchedulingError (a filter raising,
 * as in Nova) and errors already naming a plugin pass; anything else (an Error, `null`, a string, a
 * broken contract) becomes a PluginError naming the file and the phase.
 */
function pluginFailure(err: unknown, label: string, phase: PluginPhase, who: string): unknown {
  if (err instanceof SchedulingError || err instanceof PluginError) return err;
  if (err instanceof ContractError) return new PluginError(label, phase, err.message);
  return new PluginError(label, phase, `${who}: ${thrownReason(err)}`);
}

/** At create: user errors (an unknown filter name in the options...) keep their own message. */
function createFailure(err: unknown, label: string, who: string): unknown {
  if (err instanceof InputError || err instanceof UsageError) return err;
  return pluginFailure(err, label, 'create', who);
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
  const create = s.create as (cluster: unknown, options: unknown) => unknown;
  const label = pluginLabel(file);
  const name = s.name;
  const strategy: AnyStrategy = {
    name,
    description: s.description.split('\n')[0],
    optionsSchema: guardedSchema(schema as AnyStrategy['optionsSchema'], label, `strategy "${name}"`),
    create(cluster, options) {
      let driver: Partial<SchedulerDriver> | undefined;
      try {
        driver = create.call(s, cluster, options) as Partial<SchedulerDriver> | undefined;
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
  validated.set(value, strategy);
  return strategy;
}

/** The file each strategy loaded in this thread came from, as messages name it. */
const strategyFiles = new Map<string, string>();

/** The file (as messages name it) strategy `name` was loaded from in this thread, if any. */
export function strategyFileOf(name: string): string | undefined {
  return strategyFiles.get(name);
}

function addStrategy(strategy: AnyStrategy, registry: StrategyRegistry, file: string): AnyStrategy {
  if (registry.has(strategy.name)) {
    if (registry.get(strategy.name) === strategy) return strategy;
    throw new InputError(file, undefined, 'name', `strategy "${strategy.name}" is already registered`);
  }
  registry.register(strategy);
  strategyFiles.set(strategy.name, pluginLabel(file));
  return strategy;
}

/** Load the strategy a file exports (`export default`, or `export const strategy`) and register it. */
export async function loadStrategyFile(file: string, registry: StrategyRegistry): Promise<AnyStrategy> {
  const mod = await importFile(file);
  return addStrategy(validateStrategy(mod.default ?? mod.strategy, file), registry, file);
}

const registeredPlugins = new Map<string, FilterPlugin | WeigherPlugin>();

function checkPlugin(p: FilterPlugin | WeigherPlugin, file: string, registry: ReadonlyMap<string, unknown>) {
  if (typeof p.name !== 'string' || !PLUGIN_NAME.test(p.name)) {
    throw new InputError(file, undefined, 'name', `a ${p.kind} needs a name of letters, digits and "_"`);
  }
  if (typeof p.create !== 'function') {
    throw new InputError(
      file,
      undefined,
      'create',
      `${p.kind} "${p.name}" is missing the method create(init)`,
    );
  }
  if (registry.has(p.name) && registeredPlugins.get(p.name) !== p) {
    throw new InputError(file, undefined, 'name', `${p.kind} "${p.name}" is already registered`);
  }
  registeredPlugins.set(p.name, p);
}

function registerFilter(p: FilterPlugin, file: string): void {
  checkPlugin(p, file, FILTERS);
  const label = pluginLabel(file);
  const who = `filter "${p.name}"`;
  FILTERS.set(p.name, (init): HostFilter => {
    let passes: (host: number, req: FilterRequest) => boolean;
    try {
      passes = p.create(init);
    } catch (err) {
      throw createFailure(err, label, who);
    }
    if (typeof passes !== 'function') {
      throw new InputError(
        file,
        undefined,
        'create',
        `filter "${p.name}": must return (host, req) => boolean`,
      );
    }
    return {
      name: p.name,
      runOncePerRequest: p.runOncePerRequest ?? false,
      appliesTo: () => true,
      hostPasses(host, req) {
        try {
          return passes(host, req);
        } catch (err) {
          throw pluginFailure(err, label, `decision (request ${req.spec.requestId})`, who);
        }
      },
    };
  });
}

function registerWeigher(p: WeigherPlugin, file: string): void {
  checkPlugin(p, file, WEIGHERS);
  const label = pluginLabel(file);
  const who = `weigher "${p.name}"`;
  WEIGHERS.set(p.name, (init): HostWeigher => {
    let weigh: (host: number, req: FilterRequest) => number;
    try {
      weigh = p.create(init);
    } catch (err) {
      throw createFailure(err, label, who);
    }
    if (typeof weigh !== 'function') {
      throw new InputError(
        file,
        undefined,
        'create',
        `weigher "${p.name}": must return (host, req) => number`,
      );
    }
    return {
      name: p.name,
      minval: p.minval,
      maxval: p.maxval,
      multipliers: new Float64Array(init.cluster.hosts.size).fill(p.multiplier ?? 1.0),
      weigh(host, req) {
        let x: number;
        try {
          x = weigh(host, req);
        } catch (err) {
          throw pluginFailure(err, label, `decision (request ${req.spec.requestId})`, who);
        }
        // A NaN would slip through the min/max normalisation and make every weight NaN.
        if (Number.isNaN(x)) {
          throw new PluginError(
            label,
            `decision (request ${req.spec.requestId})`,
            `${who} weighed host "${init.cluster.hosts.names[host]}" NaN (a weight must be a number)`,
          );
        }
        return x;
      },
    };
  });
}

/** What one plugin file added. */
export interface LoadedPlugins {
  readonly strategies: string[];
  readonly filters: string[];
  readonly weighers: string[];
}

/**
 * Load a plugin file: its default export is a strategy, a filter or weigher (defineFilter,
 * defineWeigher) or an array of them. Strategies join `registry`; filters and weighers join the
 * `filter` strategy's registries, so `filters` / `weighers` options can name them (Nova's
 * `available_filters` plus `enabled_filters`).
 */
export async function loadPluginFile(file: string, registry: StrategyRegistry): Promise<LoadedPlugins> {
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
  const out: LoadedPlugins = { strategies: [], filters: [], weighers: [] };
  for (const item of Array.isArray(exported) ? exported : [exported]) {
    const kind = (item as { kind?: unknown } | null)?.kind;
    if (kind === 'filter') {
      registerFilter(item as FilterPlugin, file);
      out.filters.push((item as FilterPlugin).name);
    } else if (kind === 'weigher') {
      registerWeigher(item as WeigherPlugin, file);
      out.weighers.push((item as WeigherPlugin).name);
    } else {
      out.strategies.push(addStrategy(validateStrategy(item, file), registry, file).name);
    }
  }
  return out;
}

/** Strategy files dropped into `dir` (top level, not a built-in strategy's file), by strategy name. */
export function droppedInStrategyFiles(
  registry: StrategyRegistry,
  dir = STRATEGIES_DIR,
): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const ext = extname(entry.name);
    if (!entry.isFile() || !EXTENSIONS.includes(ext) || entry.name.endsWith('.d.ts')) continue;
    const name = basename(entry.name, ext);
    if (name === 'index' || registry.has(name) || out.has(name)) continue;
    out.set(name, join(dir, entry.name));
  }
  return out;
}

/**
 * The strategy `--strategy` names: a registered name, a file path (`./my-strategy.ts`), or the name
 * of a file dropped into `dir` (whose strategy must carry that name).
 */
export async function resolveStrategy(
  value: string,
  registry: StrategyRegistry,
  dir = STRATEGIES_DIR,
): Promise<AnyStrategy> {
  if (registry.has(value)) return registry.get(value);
  if (isStrategyPath(value)) return loadStrategyFile(value, registry);
  const file = droppedInStrategyFiles(registry, dir).get(value);
  if (file === undefined) {
    throw new UsageError(
      `unknown strategy "${value}" (known: ${registry.names().join(', ')}; or a path to a .ts or .js file)`,
    );
  }
  const mod = await importFile(file);
  const strategy = validateStrategy(mod.default ?? mod.strategy, file);
  if (strategy.name !== value) {
    throw new InputError(
      file,
      undefined,
      'name',
      `is "${strategy.name}", expected "${value}" (the file's name)`,
    );
  }
  return addStrategy(strategy, registry, file);
}

/**
 * Load a file given to `--plugin` or named by `--strategy` again in another thread (the worker pool):
 * a plugin file (default export: strategies, filters, weighers) or a strategy file (`export default`
 * or `export const strategy`). `file` may be a path or a file: URL.
 */
export async function loadFileInWorker(file: string, registry: StrategyRegistry): Promise<void> {
  const path = file.startsWith('file:') ? fileURLToPath(file) : file;
  const mod = await importFile(path);
  if (mod.default === undefined && mod.strategy !== undefined) await loadStrategyFile(path, registry);
  else await loadPluginFile(path, registry);
}
