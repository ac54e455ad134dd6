import { workerData } from 'piscina';
import { builtinRegistry } from '../../strategies/index.ts';
import type { AnyStrategy } from '../scheduler/strategy.ts';
import type { StrategyRegistry } from '../scheduler/strategy-registry.ts';
import { type CellResult, type CellTask, cellError, runCellTask } from './cell-task.ts';

/** What the pool hands every worker when it starts. */
export interface WorkerData {
  /** Modules (URLs) whose default export is a strategy or a list of them, registered by name. */
  readonly plugins: readonly string[];
}

let registry: Promise<StrategyRegistry> | undefined;

/** The built-in strategies plus the plugins (TypeScript too: worker-entry.mjs registered tsx), once per worker. */
async function loadRegistry(plugins: readonly string[]): Promise<StrategyRegistry> {
  const r = builtinRegistry();
  for (const url of plugins) {
    const mod = (await import(url)) as { default?: AnyStrategy | AnyStrategy[] };
    const list = Array.isArray(mod.default) ? mod.default : mod.default ? [mod.default] : [];
    if (list.length === 0) throw new Error(`plugin ${url}: no strategy as its default export`);
    for (const s of list) r.register(s);
  }
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
