// The dispatcher's watchdog: a decision (driver call) or a cell past its limit fails its task,
// naming the strategy, and the task is aborted; a busy task whose decisions keep finishing is left
// alone. The executors here are fakes driven by the heartbeat word; the time bounds are hang guards.
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/catalog/bootstrap.ts';
import type { CellResult, CellTask } from '../../src/pool/cell-task.ts';
import { runCellTask } from '../../src/pool/cell-task.ts';
import { Dispatcher } from '../../src/pool/dispatcher.ts';
import type { CellExecutor } from '../../src/pool/executor.ts';
import type { Report } from '../../src/report/schema.ts';
import { generated, runFixture } from '../helpers/pool.ts';

/** A fake executor: `body` plays the task (writing its heartbeat) until done or aborted. */
function fakeExecutor(
  body: (task: CellTask, signal: AbortSignal) => Promise<CellResult>,
): CellExecutor & { aborted: number } {
  const ex = {
    concurrency: 1,
    aborted: 0,
    run(task: CellTask, signal?: AbortSignal) {
      signal!.addEventListener('abort', () => ex.aborted++);
      return body(task, signal!);
    },
    async destroy() {},
    async close() {},
  };
  return ex;
}

/** Resolves as a dead worker once `signal` aborts (what the pool does when it terminates one). */
const untilAborted = (signal: AbortSignal) =>
  new Promise<CellResult>((resolve) =>
    signal.addEventListener('abort', () =>
      resolve({ ok: false, error: { kind: 'worker', message: 'aborted' } }),
    ),
  );

const cell = (strategy: string) => ({
  cell: {
    index: 0,
    name: strategy,
    tracePath: 't.csv',
    strategy,
    configPath: undefined,
    sets: {},
    seed: undefined,
    coords: {},
  },
  clusterPath: 'c.json',
  cluster: { hosts: [] } as never,
  trace: undefined,
  onBadRow: 'stop' as const,
  placementsPath: undefined,
});

describe('the watchdog', () => {
  it('fails and aborts a task stuck in one decision, naming the strategy', async () => {
    const ex = fakeExecutor((task, signal) => {
      task.meter.decisions[0] = 5; // odd: inside its third decision, and it never ends
      return untilAborted(signal);
    });
    const d = new Dispatcher(ex, { decisionTimeoutMs: 100 });
    const r = await d.submit(cell('my-strategy'), 10);
    d.dispose();
    expect(r).toEqual({
      ok: false,
      error: {
        kind: 'timeout',
        message:
          'strategy "my-strategy": one decision ran longer than 0.1 s (--decision-timeout); the cell was stopped',
      },
    });
    expect(ex.aborted).toBe(1);
    expect(d.snapshot().tasksFailed).toBe(1);
  });

  it('leaves alone a task whose decisions keep finishing, however long it runs', async () => {
    const ex = fakeExecutor(async (task, signal) => {
      // 150 decisions of 5 ms or more each: longer in all than the decision limit.
      for (let k = 0; k < 150 && !signal.aborted; k++) {
        task.meter.decisions[0]++;
        await new Promise((r) => setTimeout(r, 5));
        task.meter.decisions[0]++;
      }
      return { ok: true, report: {} as Report };
    });
    const d = new Dispatcher(ex, { decisionTimeoutMs: 500 });
    const r = await d.submit(cell('busy'), 10);
    d.dispose();
    expect(r.ok).toBe(true);
    expect(ex.aborted).toBe(0);
  });

  it('--cell-timeout fails a task that runs too long in all, between decisions too', async () => {
    const ex = fakeExecutor((_task, signal) => untilAborted(signal));
    const d = new Dispatcher(ex, { cellTimeoutMs: 100, decisionTimeoutMs: 60_000 });
    const r = await d.submit(cell('x'), 10);
    d.dispose();
    expect(r).toEqual({
      ok: false,
      error: { kind: 'timeout', message: 'the cell ran longer than 0.1 s (--cell-timeout) and was stopped' },
    });
  });

  it('no limit given: no watchdog, a task is never stopped', async () => {
    const ex = fakeExecutor(async (task) => {
      task.meter.decisions[0] = 1;
      await new Promise((r) => setTimeout(r, 300));
      return { ok: true, report: {} as Report };
    });
    const d = new Dispatcher(ex);
    expect((await d.submit(cell('x'), 10)).ok).toBe(true);
    d.dispose();
    expect(ex.aborted).toBe(0);
  });
});

describe('the heartbeat a replay writes', () => {
  it('is bumped twice per driver call and twice around create: even after the replay, 2 · (driver calls + 1)', async () => {
    const g = generated(500, 10);
    const registry = builtinCatalog();
    const beats: number[] = [];
    const phases: number[] = [];
    const ex: CellExecutor = {
      concurrency: 1,
      async run(task) {
        const r = await runCellTask(task, registry);
        beats.push(Atomics.load(task.meter.decisions, 0));
        phases.push(Atomics.load(task.meter.decisions, 1));
        return r;
      },
      async destroy() {},
      async close() {},
    };
    const { outcomes } = await runFixture(
      {
        spec: {
          traces: [g.trace],
          strategies: ['filter'],
          configs: [],
          setFlags: [],
          sweepFlags: [],
          seeds: [],
        },
        clusterPath: g.cluster,
        outDir: g.dir,
        sharing: 'never',
      },
      ex,
      registry,
    );
    const calls = outcomes[0].report!.performance.driver_calls;
    expect(calls).toBeGreaterThan(0);
    expect(beats).toEqual([2 * (calls + 1)]);
    expect(phases).toEqual([0]); // create is over: the phase word is back to 0
  });
});
