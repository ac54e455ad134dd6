import { workerData } from 'piscina';
import { builtinRegistry } from '../../strategies/index.ts';
import { loadFileInWorker } from '../../strategies/plugin/loader.ts';
import type { StrategyRegistry } from '../scheduler/strategy-registry.ts';
import { type CellResult, type CellTask, cellError, runCellTask } from './cell-task.ts';

/** What the pool hands every worker when it starts. */
export interface WorkerData {
  /**
   * Plugin and strategy files (paths or file: URLs) the main thread loaded (`--plugin`, `--strategy
   * FILE`, strategies/ drop-ins), loaded again here so cells can name what they registered.
   */
  readonly plugins: readonly string[];
}

let registry: Promise<StrategyRegistry> | undefined;

/** The built-in strategies plus the plugins (TypeScript too: worker-entry.mjs registered tsx), once per worker. */
async function loadRegistry(plugins: readonly string[]): Promise<StrategyRegistry> {
  const r = builtinRegistry();
  for (const file of plugins) await loadFileInWorker(file, r);
  return r;
}

/** The piscina task function: one cell, one replay. */
export default async function runInWorker(task: CellTask): Promise<CellResult> {
  registry ??= loadRegistry((workerData as WorkerData | undefined)?.plugins ?? []);
  let r: StrategyRegistry;
  try {
    r = await registry;
  } catch (err) {
    return { ok: false, error: cellError(err) };
  }
  return runCellTask(task, r);
}
