import { workerData } from 'piscina';
import { workerCatalog } from '../catalog/bootstrap.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { type CellResult, type CellTask, cellError, runCellTask } from './cell-task.ts';

/** What the pool hands every worker when it starts. */
export interface WorkerData {
  /**
   * Plugin and strategy files (paths or file: URLs) the main thread loaded (`--plugin`, `--strategy
   * FILE`, strategies/ drop-ins), loaded again here so cells can name what they registered.
   */
  readonly plugins: readonly string[];
}

/** The built-in catalog plus the plugins (TypeScript too: worker-entry.mjs registered tsx), once per worker. */
let catalog: Promise<Catalog> | undefined;

/** The piscina task function: one cell, one replay. */
export default async function runInWorker(task: CellTask): Promise<CellResult> {
  catalog ??= workerCatalog((workerData as WorkerData | undefined)?.plugins ?? []);
  let c: Catalog;
  try {
    c = await catalog;
  } catch (err) {
    return { ok: false, error: cellError(err) };
  }
  return runCellTask(task, c);
}
