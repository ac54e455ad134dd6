import { Dispatcher } from '../pool/dispatcher.ts';
import { type CellExecutor, InlineExecutor, PoolExecutor } from '../pool/executor.ts';
import { ProgressReporter, progressMode } from '../pool/progress.ts';
import type { StrategyRegistry } from '../scheduler/strategy-registry.ts';

/** Everything a run on the pool needs, torn down by `close`. */
export interface PoolSession {
  readonly dispatcher: Dispatcher;
  readonly executor: CellExecutor;
  /** Set once SIGINT has been received. */
  readonly interrupted: () => boolean;
  close(): Promise<void>;
}

/**
 * Start a run: the executor (worker threads, or this thread for `inline`), the dispatcher, the
 * progress display on stderr, and SIGINT handling: the first SIGINT cancels the run (running
 * tasks stop at their next check and discard partial output; finished reports stay).
 */
export function startSession(o: {
  registry: StrategyRegistry;
  /** Plugin and strategy files the workers must load too. */
  plugins?: readonly string[];
  inline: boolean;
  workers: number;
  quiet: boolean;
  progressIntervalS: number;
}): PoolSession {
  const executor: CellExecutor = o.inline
    ? new InlineExecutor(o.registry)
    : new PoolExecutor({ workers: o.workers, plugins: o.plugins });
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) return;
    process.stderr.write('schedbench: interrupted; stopping the tasks (finished reports are kept)\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const dispatcher = new Dispatcher(executor, { signal: abort.signal });
  const progress = new ProgressReporter({
    mode: progressMode(o.quiet, process.stderr),
    stream: process.stderr,
    intervalMs: o.progressIntervalS * 1000,
  });
  progress.start(() => dispatcher.snapshot());
  return {
    dispatcher,
    executor,
    interrupted: () => abort.signal.aborted,
    async close() {
      progress.stop();
      dispatcher.dispose();
      if (dispatcher.cancelled) await executor.destroy();
      else await executor.close();
      process.off('SIGINT', onSigint);
    },
  };
}
