import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import {
  droppedInStrategyFiles,
  isStrategyPath,
  readDroppedInStrategy,
  readFileInWorker,
  readPluginFile,
  readStrategyFile,
  STRATEGIES_DIR,
} from '../../strategies/plugin/loader.ts';
import { UsageError } from '../common/errors.ts';
import { BUILTIN_FILTERS, BUILTIN_WEIGHERS } from '../framework/builtins.ts';
import type { AnyStrategy } from '../scheduler/strategy.ts';
import { Catalog } from './catalog.ts';

// The one place a catalog is built and filled: the CLI's main thread and every pool worker.

/** The built-in strategies, filters and weighers. */
export function builtinCatalog(): Catalog {
  return new Catalog({
    strategies: BUILTIN_STRATEGIES,
    filters: BUILTIN_FILTERS,
    weighers: BUILTIN_WEIGHERS,
  });
}

/** What one plugin file added, by name. */
export interface LoadedPlugins {
  readonly strategies: string[];
  readonly filters: string[];
  readonly weighers: string[];
}

/** Add what a `--plugin` file exports (strategies, filters, weighers) to the catalog. */
export async function loadPluginFile(file: string, catalog: Catalog): Promise<LoadedPlugins> {
  const exports = await readPluginFile(file);
  catalog.add(exports, file);
  return {
    strategies: exports.strategies.map((s) => s.name),
    filters: exports.filters.map((f) => f.name),
    weighers: exports.weighers.map((w) => w.name),
  };
}

/** Add the strategy a file exports to the catalog. */
export async function loadStrategyFile(file: string, catalog: Catalog): Promise<AnyStrategy> {
  const strategy = await readStrategyFile(file);
  catalog.addStrategy(strategy, file);
  return catalog.get(strategy.name);
}

/**
 * The strategy `--strategy` names: one in the catalog, a file path (`./my-strategy.ts`), or the name
 * of a file dropped into `dir` (whose strategy must carry that name), added to the catalog.
 */
export async function resolveStrategy(
  value: string,
  catalog: Catalog,
  dir = STRATEGIES_DIR,
): Promise<AnyStrategy> {
  if (catalog.has(value)) return catalog.get(value);
  if (isStrategyPath(value)) return loadStrategyFile(value, catalog);
  const file = droppedInStrategyFiles(catalog, dir).get(value);
  if (file === undefined) {
    throw new UsageError(
      `unknown strategy "${value}" (known: ${catalog.names().join(', ')}; or a path to a .ts or .js file)`,
    );
  }
  const strategy = await readDroppedInStrategy(file, value);
  catalog.addStrategy(strategy, file);
  return catalog.get(value);
}

/** A worker's catalog: the built-ins plus the files the main thread loaded, by the same paths. */
export async function workerCatalog(files: readonly string[]): Promise<Catalog> {
  const catalog = builtinCatalog();
  for (const file of files) catalog.add(await readFileInWorker(file), file);
  return catalog;
}
