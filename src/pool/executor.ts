import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { pluginLabel } from '../../strategies/plugin/label.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { type CellResult, type CellTask, runCellTask } from './cell-task.ts';
import type { WorkerData } from './worker.ts';

/** Runs cell tasks. `run` never rejects: a failure of any kind comes back as a failed result. */
export interface CellExecutor {
  /** Tasks it runs at once. */
  readonly concurrency: number;
  /** Run a task; aborting `signal` stops it at once where the executor can (a worker is terminated). */
  run(task: CellTask, signal?: AbortSignal): Promise<CellResult>;
  /** Stop now: tasks still running end as failed (`worker` kind). */
  destroy(): Promise<void>;
  /** Release the threads once every task has finished. */
  close(): Promise<void>;
}

/**
 * Runs tasks in this thread, one at a time: tests of the worker logic. It cannot stop a task that
 * blocks the thread (a signal is not looked at), which is why the CLI runs even one cell on a pool.
 */
export class InlineExecutor implements CellExecutor {
  readonly concurrency = 1;

  constructor(private readonly registry: Catalog) {}

  run(task: CellTask): Promise<CellResult> {
    return runCellTask(task, this.registry);
  }

  async destroy(): Promise<void> {}

  async close(): Promise<void> {}
}

export interface PoolOptions {
  /** Worker threads; default: the machine's available parallelism. */
  readonly workers?: number;
  /** Strategy modules each worker registers besides the built-ins (see worker.ts). */
  readonly plugins?: readonly string[];
  /** The file a strategy was loaded from (the main thread's catalog knows), for crash messages. */
  readonly strategyFile?: (strategy: string) => string | undefined;
  /** Heap limit of each worker, in MB (a worker over it dies and is replaced). */
  readonly maxHeapMb?: number;
}

/**
 * The young generation of each worker's heap, in MB (V8's default here: 32 MB per thread). A
 * replay streams short-lived row objects through it; 12 MB (4 MB semi-spaces) kept the 2M-row
 * replay's peak RSS lower at the same CPU time (README, "Measured").
 */
export const WORKER_YOUNG_GENERATION_MB = 12;

/** The V8 heap limits of a pool worker: the young generation above, and `maxHeapMb` if given. */
export function workerResourceLimits(maxHeapMb?: number): ResourceLimits {
  return {
    maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
    ...(maxHeapMb ? { maxOldGenerationSizeMb: maxHeapMb } : {}),
  };
}

/** Plain JavaScript that registers tsx in the thread, then imports worker.ts (see there). */
const WORKER = new URL('./worker-entry.mjs', import.meta.url).href;

/**
 * A piscina pool of worker threads, each importing the TypeScript sources through tsx. A worker
 * that dies (process.exit in a plugin, out of memory) fails the task it was running, and piscina
 * starts a new one in its place for the next task; the task is not retried: a crash that comes
 * from the cell's inputs would only happen again.
 */
export class PoolExecutor implements CellExecutor {
  readonly concurrency: number;
  private readonly pool: Piscina<CellTask, CellResult>;
  private broken: string | undefined;
  /** Tasks in flight, to fail at once if the pool can no longer start workers. */
  private readonly waiting = new Set<(message: string) => void>();
  private readonly plugins: readonly string[];
  private readonly strategyFile: (strategy: string) => string | undefined;

  constructor(o: PoolOptions = {}) {
    this.concurrency = Math.max(1, o.workers ?? availableParallelism());
    this.plugins = [...(o.plugins ?? [])];
    this.strategyFile = o.strategyFile ?? (() => undefined);
    const workerData: WorkerData = { plugins: [...this.plugins] };
    this.pool = new Piscina({
      filename: WORKER,
      // The workers load TypeScript through tsx on their own; they need none of this process's flags.
      execArgv: [],
      minThreads: this.concurrency,
      maxThreads: this.concurrency,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData,
      resourceLimits: workerResourceLimits(o.maxHeapMb),
    });
    this.pool.on('error', (err: Error) => this.workerError(err));
  }

  async run(task: CellTask, signal?: AbortSignal): Promise<CellResult> {
    if (this.broken) return failed(this.broken);
    const ran = this.pool
      .run(task, { signal })
      .catch((err: Error) => failed(`${this.suspects(task.cell.strategy)}: ${workerDeath(err)}`));
    let release: (message: string) => void = () => {};
    const broke = new Promise<CellResult>((resolve) => {
      release = (message) => resolve(failed(message));
    });
    this.waiting.add(release);
    try {
      return await Promise.race([ran, broke]);
    } finally {
      this.waiting.delete(release);
    }
  }

  /**
   * Who to suspect when a worker dies running a cell of `strategy`: the strategy and the file it
   * came from, or else the plugin files the workers load (a filter or weigher plugin may be it).
   */
  private suspects(strategy: string): string {
    const file = this.strategyFile(strategy);
    if (file !== undefined) return `strategy "${strategy}" (plugin ${pluginLabel(file)})`;
    const plugins = this.plugins.map((p) => pluginLabel(p.startsWith('file:') ? fileURLToPath(p) : p));
    return plugins.length > 0
      ? `strategy "${strategy}" (plugins loaded: ${plugins.join(', ')})`
      : `strategy "${strategy}"`;
  }

  /**
   * A worker died with no task of ours (while starting, or idle). Piscina replaces such a worker
   * only if it had started; when none is left, queued tasks would wait forever: fail them now.
   */
  private workerError(err: Error): void {
    if (this.pool.threads.length > 0 || this.broken) return;
    this.broken = `no worker could start: ${err.message}`;
    for (const release of this.waiting) release(this.broken);
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * What a dead worker's error says, in words that tell the user what happened: the thread exited
 * (process.exit, usually in a plugin), ran out of memory, or died of an error nothing caught
 * (thrown from a timer or a rejected promise, outside any decision).
 */
export function workerDeath(err: Error): string {
  const message = String(err?.message ?? err);
  const exit = /worker exited with code:? (-?\d+)/i.exec(message);
  if (exit)
    return `worker died: its thread exited with code ${exit[1]} (process.exit called, e.g. by a plugin)`;
  if (err?.name === 'AbortError') return 'worker died: its task was aborted';
  if ((err as NodeJS.ErrnoException)?.code === 'ERR_WORKER_OUT_OF_MEMORY') return `worker died: ${message}`;
  return `worker died: uncaught error outside a decision (a timer or a rejected promise, e.g. in a plugin): ${message}`;
}

function failed(message: string): CellResult {
  return { ok: false, error: { kind: 'worker', message } };
}
