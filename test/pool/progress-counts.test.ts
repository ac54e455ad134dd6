// The dispatcher's progress counts end at the rows the tasks read, not at the line-count estimate
// they were queued with (a trace with blank lines, or one a transform lengthens).
import { describe, expect, it } from 'vitest';
import type { CellResult, CellTask } from '../../src/pool/cell-task.ts';
import { Dispatcher } from '../../src/pool/dispatcher.ts';
import type { CellExecutor } from '../../src/pool/executor.ts';
import type { Report } from '../../src/report/schema.ts';

/** A fake executor whose task "reads" `rows` rows into its meter, then ends with `result`. */
function reading(rows: number, result: CellResult): CellExecutor {
  return {
    concurrency: 1,
    async run(task: CellTask) {
      Atomics.store(task.meter.rows, 0, rows);
      return result;
    },
    async destroy() {},
    async close() {},
  };
}

const task = {
  cell: {
    index: 0,
    name: 'filter',
    tracePath: 't.csv',
    strategy: 'filter',
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
};

const OK: CellResult = { ok: true, report: {} as Report };

describe('progress counts', () => {
  it('end at the rows a finished task read, below the estimate', async () => {
    // Queued as 435 rows (436 lines less the header), of which 2 were blank: 433 read, twice.
    const d = new Dispatcher(reading(433, OK));
    await Promise.all([d.submit(task, 435), d.submit(task, 435)]);
    expect(d.snapshot()).toEqual({
      tasksTotal: 2,
      tasksDone: 2,
      tasksFailed: 0,
      rowsTotal: 866,
      rowsDone: 866,
    });
  });

  it('end at the rows a finished task read, above the estimate', async () => {
    const d = new Dispatcher(reading(1_500, OK));
    await d.submit(task, 1_000);
    expect(d.snapshot()).toMatchObject({ rowsTotal: 1_500, rowsDone: 1_500 });
  });

  it('count a failed task as its estimate, so the bar still ends full', async () => {
    const d = new Dispatcher(reading(10, { ok: false, error: { kind: 'plugin', message: 'boom' } }));
    await d.submit(task, 435);
    expect(d.snapshot()).toEqual({
      tasksTotal: 1,
      tasksDone: 1,
      tasksFailed: 1,
      rowsTotal: 435,
      rowsDone: 435,
    });
  });
});
