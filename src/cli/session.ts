import type { Catalog } from '../catalog/catalog.ts';
import { forceExit } from '../common/process-guard.ts';
import { Dispatcher } from '../pool/dispatcher.ts';
import { type CellExecutor, InlineExecutor, PoolExecutor } from '../pool/executor.ts';
import { ProgressReporter, progressMode } from '../pool/progress.ts';

/** The signals that stop a run: Ctrl-C, and what `timeout`, CI runners and `docker stop` send. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The exit code of a run a signal stopped: 128 + the signal's number, as a shell reports it. */
export const SIGNAL_EXIT_CODE: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

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
  const abort = new AbortController();
  // Made before the signal handler so that its messages go above the bar, not onto its line.
  const progress = new ProgressReporter({
    mode: progressMode(o.quiet, process.stderr),
    stream: process.stderr,
    intervalMs: o.progressIntervalS * 1000,
  });
  let received: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (received !== undefined) {
      process.stderr.write(`schedbench: second ${signal}: exiting now\n`);
      forceExit(SIGNAL_EXIT_CODE[received]);
    }
    received = signal;
    const what = signal === 'SIGINT' ? 'interrupted' : 'terminated (SIGTERM)';
    progress.log(`schedbench: ${what}; stopping the tasks (finished reports are kept)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const dispatcher = new Dispatcher(executor, {
    signal: abort.signal,
    decisionTimeoutMs: (o.decisionTimeoutS ?? 0) * 1000,
    cellTimeoutMs: (o.cellTimeoutS ?? 0) * 1000,
  });
  progress.start(() => dispatcher.snapshot());
  return {
    dispatcher,
    executor,
    interrupted: () => received,
    log: (line) => progress.log(line),
    async close() {
      progress.stop();
      dispatcher.dispose();
      if (dispatcher.cancelled) await executor.destroy();
      else await executor.close();
      // After a signal the process is ending: a later one still forces the exit (with the first
      // one's code) instead of killing the process while it writes the last outputs.
      if (received === undefined) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    },
  };
}
