import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/catalog/bootstrap.ts';
import { Catalog } from '../../src/catalog/catalog.ts';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import type { CellExecutor } from '../../src/pool/executor.ts';
import { InlineExecutor, PoolExecutor } from '../../src/pool/executor.ts';
import { newTaskMeter } from '../../src/pool/metered-source.ts';
import type { CellOutcome } from '../../src/pool/run-matrix.ts';
import { exitStatus, runSummary } from '../../src/pool/run-summary.ts';
import type { SharingMode } from '../../src/pool/shared-traces.ts';
import runInWorker from '../../src/pool/worker.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import faulty from '../fixtures/plugins/faulty.ts';
import { FAULTY_PLUGIN, filesIn, generated, runContext, runFixture, withoutTiming } from '../helpers/pool.ts';
import { tempDir } from '../helpers/replay.ts';

/** Built-ins plus the faulty test plugins, as the main thread sees them when the pool loads the plugin. */
/** How messages name the faulty plugin file the workers load: relative to the working folder. */
const FAULTY_LABEL = `.${sep}${relative(process.cwd(), fileURLToPath(FAULTY_PLUGIN))}`;
const withPlugins = () => new Catalog({ strategies: [...BUILTIN_STRATEGIES, ...faulty] });

/** Reports (without timing) and placement files of a run, by cell name. */
function results(outcomes: readonly CellOutcome[]) {
  return Object.fromEntries(
    outcomes.map((o) => [
      o.cell.name,
      {
        report: JSON.stringify(
          withoutTiming(reportSchema.parse(JSON.parse(readFileSync(o.reportPath!, 'utf8')))),
        ),
        placements: readFileSync(o.placementsPath!, 'utf8'),
      },
    ]),
  );
}

describe('the matrix on the worker pool', () => {
  it('decides byte-identically with 1 or 2 workers, shared or streamed, in-process, and run after run', async () => {
    const g = generated(3000, 60, 5);
    // host_subset_size 3 makes every decision draw from the seeded RNG, so the seed matters.
    const spec = {
      traces: [g.trace],
      strategies: ['filter'],
      configs: [],
      setFlags: ['host_subset_size=3', 'ram_weight_multiplier=-1,1'],
      sweepFlags: [],
      seeds: [1, 2],
    };
    const run = async (executor: CellExecutor, sharing: SharingMode) => {
      const dir = tempDir();
      try {
        const { outcomes } = await runFixture(
          { spec, clusterPath: g.cluster, outDir: dir, placements: join(dir, 'p.csv'), sharing },
          executor,
          builtinCatalog(),
        );
        expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
        return results(outcomes);
      } finally {
        await executor.close();
      }
    };
    const reference = await run(new InlineExecutor(builtinCatalog()), 'never');
    expect(Object.keys(reference)).toEqual([
      'filter__ram_weight_multiplier=-1__seed=1',
      'filter__ram_weight_multiplier=-1__seed=2',
      'filter__ram_weight_multiplier=1__seed=1',
      'filter__ram_weight_multiplier=1__seed=2',
    ]);
    // The trace's digest, hashed by this thread while the tasks ran, is the file's.
    const sha = createHash('sha256').update(readFileSync(g.trace)).digest('hex');
    for (const r of Object.values(reference)) expect(JSON.parse(r.report).inputs.trace.sha256).toBe(sha);
    // The comparison means something: seeds and multipliers do change decisions.
    const p = Object.values(reference).map((r) => r.placements);
    expect(new Set(p).size).toBe(4);
    expect(await run(new PoolExecutor({ workers: 1 }), 'always')).toEqual(reference);
    expect(await run(new PoolExecutor({ workers: 2 }), 'always')).toEqual(reference);
    expect(await run(new PoolExecutor({ workers: 2 }), 'never')).toEqual(reference);
    expect(await run(new PoolExecutor({ workers: 2 }), 'always')).toEqual(reference);
  });

  it('reports a failing cell (bad plugin, bad config value) with its error; the other cells complete', async () => {
    const g = generated(600, 20);
    const dir = tempDir();
    const executor = new PoolExecutor({ workers: 2, plugins: [FAULTY_PLUGIN] });
    let outcomes: CellOutcome[];
    try {
      ({ outcomes } = await runFixture(
        {
          spec: {
            traces: [g.trace],
            strategies: ['filter', 'throwing', 'broken'],
            configs: [],
            setFlags: [],
            sweepFlags: ['host_subset_size=1|0'],
            seeds: [],
          },
          clusterPath: g.cluster,
          outDir: dir,
          placements: join(dir, 'p.csv'),
          sharing: 'always',
        },
        executor,
        withPlugins(),
      ));
    } finally {
      await executor.close();
    }
    const byName = Object.fromEntries(outcomes.map((o) => [o.cell.name, o]));
    expect(byName['filter__host_subset_size=1'].status).toBe('ok');
    expect(byName['filter__host_subset_size=0'].error).toEqual({
      kind: 'usage',
      message: '--set host_subset_size: Too small: expected number to be >0',
    });
    // A plugin's failure names its file (relative to the working folder, as a single run would)
    // and the phase: never an internal error.
    expect(byName['throwing__host_subset_size=1'].error).toMatchObject({
      kind: 'plugin',
      message: expect.stringMatching(
        /^plugin \.\/test\/fixtures\/plugins\/faulty\.ts: decision \(request [^)]+\): strategy "throwing": plugin exploded on request 50$/,
      ),
    });
    expect(byName['throwing__host_subset_size=0'].status).toBe('failed');
    expect(byName['broken__host_subset_size=1'].error).toMatchObject({
      kind: 'plugin',
      message: 'plugin ./test/fixtures/plugins/faulty.ts: create: strategy "broken": plugin broken at create',
    });
    // Only the finished cell left files: its report and placements; no temp files of the others.
    expect(Object.keys(filesIn(dir))).toEqual([
      'filter__host_subset_size=1.json',
      'p.filter__host_subset_size=1.csv',
    ]);
    expect(exitStatus(outcomes)).toEqual({ code: 1 });
    const summary = runSummary(outcomes, [], runContext(dir, 2));
    expect(summary.status).toBe('failed');
    expect(summary.counts).toEqual({ cells: 6, ok: 1, failed: 5, cancelled: 0 });
    expect(summary.cells.filter((c) => c.status === 'failed').map((c) => [c.name, c.error?.kind])).toEqual([
      ['filter__host_subset_size=0', 'usage'],
      ['throwing__host_subset_size=1', 'plugin'],
      ['throwing__host_subset_size=0', 'usage'],
      ['broken__host_subset_size=1', 'plugin'],
      ['broken__host_subset_size=0', 'usage'],
    ]);
  });

  it('replaces a worker that dies: its task fails, the next tasks run on a new worker', async () => {
    const g = generated(300, 10);
    const dir = tempDir();
    // One worker: every task after a death can only run if the dead worker was replaced.
    const executor = new PoolExecutor({ workers: 1, plugins: [FAULTY_PLUGIN] });
    let outcomes: CellOutcome[];
    try {
      ({ outcomes } = await runFixture(
        {
          spec: {
            traces: [g.trace],
            strategies: ['dying', 'filter'],
            configs: [],
            setFlags: [],
            sweepFlags: [],
            seeds: [1, 2],
          },
          clusterPath: g.cluster,
          outDir: dir,
          sharing: 'always',
        },
        executor,
        withPlugins(),
      ));
    } finally {
      await executor.close();
    }
    expect(outcomes.map((o) => [o.cell.name, o.status, o.error?.message])).toEqual([
      [
        'dying__seed=1',
        'failed',
        `strategy "dying" (plugins loaded: ${FAULTY_LABEL}): worker died: its thread exited with code 3 (process.exit called, e.g. by a plugin)`,
      ],
      [
        'dying__seed=2',
        'failed',
        `strategy "dying" (plugins loaded: ${FAULTY_LABEL}): worker died: its thread exited with code 3 (process.exit called, e.g. by a plugin)`,
      ],
      ['filter__seed=1', 'ok', undefined],
      ['filter__seed=2', 'ok', undefined],
    ]);
    expect(outcomes[0].error?.kind).toBe('worker');
  });

  it('replaces a worker that runs out of memory, and fails fast when no worker can start at all', async () => {
    const g = generated(300, 10);
    const spec = {
      traces: [g.trace],
      strategies: ['greedy', 'filter'],
      configs: [],
      setFlags: [],
      sweepFlags: [],
      seeds: [],
    };
    const run = async (maxHeapMb: number) => {
      const executor = new PoolExecutor({ workers: 1, plugins: [FAULTY_PLUGIN], maxHeapMb });
      try {
        const { outcomes } = await runFixture(
          { spec, clusterPath: g.cluster, outDir: tempDir(), sharing: 'always' },
          executor,
          withPlugins(),
        );
        return outcomes.map((o) => [o.cell.name, o.status, o.error?.message]);
      } finally {
        await executor.destroy();
      }
    };
    const oom = 'Worker terminated due to reaching memory limit: JS heap out of memory';
    // 96 MB is room enough to start a worker and replay, not for the greedy plugin.
    expect(await run(96)).toEqual([
      ['greedy', 'failed', `strategy "greedy" (plugins loaded: ${FAULTY_LABEL}): worker died: ${oom}`],
      ['filter', 'ok', undefined],
    ]);
    // 2 MB is not enough to start a worker: every task fails (and nothing waits forever). Whether
    // the first worker dies before or after it takes the first task is a race (load decides it),
    // so the first task's message may be either.
    const [greedy, filter] = await run(2);
    expect(greedy.slice(0, 2)).toEqual(['greedy', 'failed']);
    expect([
      `strategy "greedy" (plugins loaded: ${FAULTY_LABEL}): worker died: ${oom}`,
      `no worker could start: ${oom}`,
    ]).toContain(greedy[2]);
    expect(filter).toEqual(['filter', 'failed', `no worker could start: ${oom}`]);
  });

  it('a cancel stops the running task and the queue, keeping the finished reports and no partial file', async () => {
    const g = generated(20_000, 100);
    const dir = tempDir();
    const executor = new PoolExecutor({ workers: 1 });
    const abort = new AbortController();
    let outcomes: CellOutcome[];
    try {
      ({ outcomes } = await runFixture(
        {
          spec: {
            traces: [g.trace],
            strategies: ['filter'],
            configs: [],
            setFlags: [],
            sweepFlags: [],
            seeds: [1, 2, 3, 4],
          },
          clusterPath: g.cluster,
          outDir: dir,
          placements: join(dir, 'p.csv'),
          sharing: 'always',
        },
        executor,
        builtinCatalog(),
        abort.signal,
        // The next task has started by now: the cancel must stop it mid-replay.
        (o) => o.status === 'ok' && abort.abort(),
      ));
    } finally {
      await executor.destroy();
    }
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'cancelled', 'cancelled', 'cancelled']);
    expect(Object.keys(filesIn(dir))).toEqual(['filter__seed=1.json', 'p.filter__seed=1.csv']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(exitStatus(outcomes)).toEqual({ code: 130 });
    expect(runSummary(outcomes, [], runContext(dir, 1)).status).toBe('interrupted');
  });

  it('the worker entry runs a task in-process too (built-in strategies, no plugins)', async () => {
    const g = generated(200, 8);
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const meter = newTaskMeter(cancel);
    const result = await runInWorker({ ...taskLike(g), meter });
    expect(result.ok).toBe(true);
    // The meter counted every row the task read: 200 generated rows.
    expect(meter.rows[0]).toBe(200);
    Atomics.store(cancel, 0, 1);
    const cancelled = await runInWorker({ ...taskLike(g), meter });
    expect(cancelled).toEqual({ ok: false, error: { kind: 'cancelled', message: 'cancelled' } });
  });
});

/** A one-cell task of the filter strategy on a generated trace, streamed. */
function taskLike(g: { trace: string; cluster: string }) {
  return {
    cell: {
      index: 0,
      name: 'filter',
      tracePath: g.trace,
      strategy: 'filter',
      configPath: undefined,
      sets: {},
      seed: undefined,
      coords: {},
    },
    clusterPath: g.cluster,
    cluster: loadCluster(g.cluster),
    trace: undefined,
    onBadRow: 'stop' as const,
    placementsPath: undefined,
  };
}
