import type { InputError } from '../common/errors.ts';
import type { TraceRow } from '../trace/row.ts';
import type { RowSink, RowSource } from '../trace/source.ts';

/** A replay stopped because the run was cancelled (SIGINT); its partial output is discarded. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** How often (in rows) a metered source publishes progress and looks at the cancel flag. */
export const METER_EVERY = 1024;

/**
 * Shared words a task and the main thread both see: `rows[0]` is the rows the task has read so far
 * (written by the task, read for the progress display), `cancel[0]` turns non-zero to stop it,
 * `decisions[0]` is the decision heartbeat the task's SchedulerManager bumps as each driver call
 * starts and ends (odd: a decision is running), read by the dispatcher's watchdog; the replay bumps
 * it around the strategy's `create` too, with `decisions[1]` set to CREATE_PHASE meanwhile.
 */
export interface TaskMeter {
  readonly rows: Uint32Array;
  readonly cancel: Int32Array;
  readonly decisions: Int32Array;
}

/** A fresh meter: rows and decision words over their own SharedArrayBuffer, the cancel word shared by a run. */
export function newTaskMeter(cancel: Int32Array): TaskMeter {
  const own = new SharedArrayBuffer(12);
  return { rows: new Uint32Array(own, 0, 1), cancel, decisions: new Int32Array(own, 4, 2) };
}

/**
 * Wraps a RowSource: counts rows into the meter and throws CancelledError at the next check once
 * the cancel word is set. It changes nothing a replay sees.
 */
export class MeteredSource implements RowSource {
  readonly path: string;

  constructor(
    private readonly inner: RowSource,
    private readonly meter: TaskMeter,
  ) {
    this.path = inner.path;
  }

  async read(sink: RowSink): Promise<void> {
    const { rows, cancel } = this.meter;
    if (Atomics.load(cancel, 0) !== 0) throw new CancelledError();
    let n = 0;
    const tick = () => {
      if (++n % METER_EVERY !== 0) return;
      Atomics.store(rows, 0, n);
      if (Atomics.load(cancel, 0) !== 0) throw new CancelledError();
    };
    await this.inner.read({
      row(row: TraceRow) {
        sink.row(row);
        tick();
      },
      badRow(err: InputError) {
        sink.badRow(err);
        tick();
      },
    });
    Atomics.store(rows, 0, n);
  }
}
