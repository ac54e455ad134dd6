import type { Catalog } from '../catalog/catalog.ts';
import { Dispatcher } from '../pool/dispatcher.ts';
import { type CellExecutor, InlineExecutor, PoolExecutor } from '../pool/executor.ts';
import { ProgressReporter, progressMode } from '../pool/progress.ts';
import { type StopSignal, stoppedBy, watchStopSignals } from './stop-signals.ts';

/** Everything a run on the pool needs, torn down by `close`. */
export interface PoolSession {
  readonly dispatcher: Dispatcher;
  readonly executor: CellExecutor;
  /** The signal that stopped the run, once one was received. */
  readonly interrupted: () => StopSignal | undefined;
  /** Print a message line on stderr without breaking the progress bar (above it on a terminal). */
  log(line: string): void;
  close(): Promise<void>;
}

/**
 * Start a run: the executor (worker threads, or this thread for `inline`: tests only, since a
 * replay in this thread cannot be interrupted), the dispatcher with its watchdog, the progress
 * display on stderr, and SIGINT/SIGTERM handling: the first signal cancels the run (running tasks
 * stop at their next check and discard partial output; finished reports stay); a second one ends
 * the process at once.
 */
export function startSession(o: {
  registry: Catalog;
  /** Plugin and strategy files the workers must load too. */
  plugins?: readonly string[];
  inline: boolean;
  workers: number;
  quiet: boolean;
  progressIntervalS: number;
  /** Limit of one decision, in seconds (0: none). */
  decisionTimeoutS?: number;
  /** Limit of one cell, in seconds (0 or absent: none). */
  cellTimeoutS?: number;
}): PoolSession {
  const executor: CellExecutor = o.inline
    ? new InlineExecutor(o.registry)
    : new PoolExecutor({
        workers: o.workers,
        plugins: o.plugins,
        strategyFile: (name) => o.registry.fileOf(name),
      });
  // Made before the signal handler so that its messages go above the bar, not onto its line.
  const progress = new ProgressReporter({
    mode: progressMode(o.quiet, process.stderr),
    stream: process.stderr,
    intervalMs: o.progressIntervalS * 1000,
  });
  const stop = watchStopSignals((signal: StopSignal) =>
    progress.log(`schedbench: ${stoppedBy(signal)}; stopping the tasks (finished reports are kept)`),
  );
  const dispatcher = new Dispatcher(executor, {
    signal: stop.signal,
    decisionTimeoutMs: (o.decisionTimeoutS ?? 0) * 1000,
    cellTimeoutMs: (o.cellTimeoutS ?? 0) * 1000,
  });
  progress.start(() => dispatcher.snapshot());
  return {
    dispatcher,
    executor,
    interrupted: stop.received,
    log: (line) => progress.log(line),
    async close() {
      progress.stop();
      dispatcher.dispose();
      if (dispatcher.cancelled) await executor.destroy();
      else await executor.close();
      // After a signal the process is ending: a later one still forces the exit (with the first
      // one's code) instead of killing the process while it writes the last outputs.
      stop.release();
    },
  };
}
