import { CREATE_PHASE } from '../scheduler/manager.ts';
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
  /** A single decision (driver call) running longer fails its task; 0 or absent: no limit. */
  readonly decisionTimeoutMs?: number;
  /** A task running longer fails; 0 or absent: no limit. */
  readonly cellTimeoutMs?: number;
}

/** Default of `--decision-timeout`: one decision past a minute is a stuck strategy, not a slow one. */
export const DEFAULT_DECISION_TIMEOUT_S = 60;

interface Pending {
  readonly task: Omit<CellTask, 'meter'>;
  readonly rows: number;
  readonly resolve: (r: CellResult) => void;
}

interface Running {
  readonly meter: TaskMeter;
  readonly rows: number;
  readonly strategy: string;
  readonly started: number;
  /** Aborts the task in the executor (terminates its worker). */
  readonly abort: AbortController;
  /** Set when the watchdog stopped the task: the result it ends with. */
  timedOut?: CellResult;
  /** The decision word when last seen odd, and since when it has been that value. */
  beat: number;
  beatSince: number;
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
  private watchdog: NodeJS.Timeout | undefined;
  private readonly graceMs: number;
  private readonly decisionTimeoutMs: number;
  private readonly cellTimeoutMs: number;

  constructor(
    private readonly executor: CellExecutor,
    o: DispatcherOptions = {},
  ) {
    this.graceMs = o.graceMs ?? 5000;
    this.decisionTimeoutMs = o.decisionTimeoutMs ?? 0;
    this.cellTimeoutMs = o.cellTimeoutMs ?? 0;
    const limits = [this.decisionTimeoutMs, this.cellTimeoutMs].filter((ms) => ms > 0);
    if (limits.length > 0) {
      // Checks a few times per limit (at most once a second): a stuck task stops within about a
      // quarter of its limit after it, and the check costs nothing measurable.
      this.watchdog = setInterval(() => this.watch(), Math.min(1000, Math.max(10, Math.min(...limits) / 4)));
      this.watchdog.unref();
    }
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

  /** Call when the run is over: stops the grace timer and the watchdog. */
  dispose(): void {
    clearTimeout(this.graceTimer);
    clearInterval(this.watchdog);
  }

  /**
   * The watchdog: fail a task whose current decision (the heartbeat word odd and unchanged) or
   * whose whole run has gone on past its limit, and abort it, which terminates its worker: a
   * strategy stuck in a loop never looks at the cancel word.
   */
  private watch(): void {
    const now = performance.now();
    for (const r of this.running) {
      if (r.timedOut) continue;
      const beat = Atomics.load(r.meter.decisions, 0);
      if (beat !== r.beat) {
        r.beat = beat;
        r.beatSince = now;
      }
      let message: string | undefined;
      if (this.decisionTimeoutMs > 0 && (beat & 1) === 1 && now - r.beatSince > this.decisionTimeoutMs) {
        const what = Atomics.load(r.meter.decisions, 1) === CREATE_PHASE ? 'create()' : 'one decision';
        message =
          `strategy "${r.strategy}": ${what} ran longer than ${seconds(this.decisionTimeoutMs)} s ` +
          '(--decision-timeout); the cell was stopped';
      } else if (this.cellTimeoutMs > 0 && now - r.started > this.cellTimeoutMs) {
        message = `the cell ran longer than ${seconds(this.cellTimeoutMs)} s (--cell-timeout) and was stopped`;
      }
      if (message === undefined) continue;
      r.timedOut = { ok: false, error: { kind: 'timeout', message } };
      r.abort.abort();
    }
  }

  private pump(): void {
    while (this.running.size < this.executor.concurrency && this.queue.length > 0) {
      const p = this.queue.shift()!;
      const meter = newTaskMeter(this.cancelWord);
      const now = performance.now();
      const run: Running = {
        meter,
        rows: p.rows,
        strategy: p.task.cell.strategy,
        started: now,
        abort: new AbortController(),
        beat: 0,
        beatSince: now,
      };
      this.running.add(run);
      void this.executor.run({ ...p.task, meter }, run.abort.signal).then((result) => {
        this.running.delete(run);
        // A task the watchdog stopped failed with its limit; one the cancel cut short (or whose
        // worker the grace period ended) was cancelled.
        const r =
          run.timedOut && !result.ok
            ? run.timedOut
            : !result.ok && this.cancelled && result.error.kind === 'worker'
              ? CANCELLED
              : result;
        // A finished task counts the rows it read, which the estimate (line count) may miss, so
        // the progress counts end at the trace's row count.
        if (r.ok) {
          const read = Atomics.load(meter.rows, 0);
          this.rowsTotal += read - p.rows;
          p.resolve(this.finish(read, r));
        } else p.resolve(this.finish(p.rows, r));
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

const seconds = (ms: number) => String(Math.round(ms) / 1000);
