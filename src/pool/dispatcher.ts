import type { CellResult, CellTask } from './cell-task.ts';
import type { CellExecutor } from './executor.ts';
import { newTaskMeter, type TaskMeter } from './metered-source.ts';

/** What the progress display shows: tasks and trace rows, done and in all. */
export interface ProgressSnapshot {
  readonly tasksTotal: number;
  readonly tasksDone: number;
  readonly tasksFailed: number;
  readonly rowsTotal: number;
  readonly rowsDone: number;
}

export interface DispatcherOptions {
  /** Aborting it cancels the run: queued tasks never start, running ones stop at their next check. */
  readonly signal?: AbortSignal;
  /** After a cancel, how long running tasks get to stop before the executor is destroyed. */
  readonly graceMs?: number;
}

interface Pending {
  readonly task: Omit<CellTask, 'meter'>;
  readonly rows: number;
  readonly resolve: (r: CellResult) => void;
}

interface Running {
  readonly meter: TaskMeter;
  readonly rows: number;
}

const CANCELLED: CellResult = { ok: false, error: { kind: 'cancelled', message: 'cancelled' } };

/**
 * Feeds tasks to an executor, never more at once than it runs (so nothing waits inside the pool
 * where it could not be withdrawn), and keeps the counts the progress display reads.
 */
export class Dispatcher {
  /** The run's cancel word, shared with every task it starts. */
  readonly cancelWord = new Int32Array(new SharedArrayBuffer(4));
  private readonly queue: Pending[] = [];
  private readonly running = new Set<Running>();
  private tasksTotal = 0;
  private tasksDone = 0;
  private tasksFailed = 0;
  private rowsTotal = 0;
  private rowsFinished = 0;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly graceMs: number;

  constructor(
    private readonly executor: CellExecutor,
    o: DispatcherOptions = {},
  ) {
    this.graceMs = o.graceMs ?? 5000;
    if (o.signal?.aborted) this.cancel();
    else o.signal?.addEventListener('abort', () => this.cancel(), { once: true });
  }

  get cancelled(): boolean {
    return Atomics.load(this.cancelWord, 0) !== 0;
  }

  /**
   * Queue a task; `rows` is how many rows it will read (or an estimate), for progress. Resolves with
   * its result, or as cancelled if the run is cancelled before it starts.
   */
  submit(task: Omit<CellTask, 'meter'>, rows: number): Promise<CellResult> {
    this.tasksTotal++;
    this.rowsTotal += rows;
    if (this.cancelled) return Promise.resolve(this.finish(rows, CANCELLED));
    return new Promise((resolve) => {
      this.queue.push({ task, rows, resolve });
      this.pump();
    });
  }

  /** Stop the run: nothing new starts, running tasks stop, and after the grace period the pool goes. */
  cancel(): void {
    if (this.cancelled) return;
    Atomics.store(this.cancelWord, 0, 1);
    for (const p of this.queue.splice(0)) p.resolve(this.finish(p.rows, CANCELLED));
    if (this.running.size > 0) {
      this.graceTimer = setTimeout(() => void this.executor.destroy(), this.graceMs);
      this.graceTimer.unref();
    }
  }

  snapshot(): ProgressSnapshot {
    let rowsDone = this.rowsFinished;
    for (const r of this.running) rowsDone += Math.min(r.rows, Atomics.load(r.meter.rows, 0));
    return {
      tasksTotal: this.tasksTotal,
      tasksDone: this.tasksDone,
      tasksFailed: this.tasksFailed,
      rowsTotal: this.rowsTotal,
      rowsDone,
    };
  }

  /** Call when the run is over: stops the grace timer. */
  dispose(): void {
    clearTimeout(this.graceTimer);
  }

  private pump(): void {
    while (this.running.size < this.executor.concurrency && this.queue.length > 0) {
      const p = this.queue.shift()!;
      const meter = newTaskMeter(this.cancelWord);
      const run: Running = { meter, rows: p.rows };
      this.running.add(run);
      void this.executor.run({ ...p.task, meter }).then((result) => {
        this.running.delete(run);
        // A task the cancel cut short (or whose worker the grace period ended) was cancelled.
        const r = !result.ok && this.cancelled && result.error.kind === 'worker' ? CANCELLED : result;
        p.resolve(this.finish(p.rows, r));
        if (this.running.size === 0) clearTimeout(this.graceTimer);
        this.pump();
      });
    }
  }

  private finish(rows: number, r: CellResult): CellResult {
    this.tasksDone++;
    if (!r.ok && r.error.kind !== 'cancelled') this.tasksFailed++;
    this.rowsFinished += rows;
    return r;
  }
}
