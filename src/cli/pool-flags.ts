import { availableParallelism } from 'node:os';
import { InvalidArgumentError, Option } from 'commander';
import { Dispatcher } from '../pool/dispatcher.ts';
import { type CellExecutor, InlineExecutor, PoolExecutor } from '../pool/executor.ts';
import { ProgressReporter, progressMode } from '../pool/progress.ts';
import type { StrategyRegistry } from '../scheduler/strategy-registry.ts';
import { intOption } from './options.ts';

/** A repeatable flag: every value, in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A repeatable flag whose values may also be comma lists (`--strategy a,b --strategy c`). */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}

/** Like collectList, for integers (`--seed 1,2,3`). */
export function collectInts(flag: string) {
  const parse = intOption(flag);
  return (value: string, previous: number[] = []): number[] => [
    ...previous,
    ...value.split(',').map((s) => parse(s.trim())),
  ];
}

export function workersOption(): Option {
  return new Option('--workers <n>', 'worker threads (default: the number of cores)')
    .argParser((v) => {
      const n = intOption('--workers')(v);
      if (n < 1) throw new InvalidArgumentError(`--workers expects at least 1, got ${n}`);
      return n;
    })
    .default(availableParallelism(), 'the number of cores');
}

export function progressIntervalOption(): Option {
  return new Option(
    '--progress-interval <s>',
    'seconds between plain progress lines when stderr is no terminal',
  )
    .argParser((v) => {
      const s = Number(v);
      if (!(s > 0)) throw new InvalidArgumentError(`--progress-interval expects seconds > 0, got "${v}"`);
      return s;
    })
    .default(10);
}

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
  inline: boolean;
  workers: number;
  quiet: boolean;
  progressIntervalS: number;
}): PoolSession {
  const executor: CellExecutor = o.inline
    ? new InlineExecutor(o.registry)
    : new PoolExecutor({ workers: o.workers });
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
