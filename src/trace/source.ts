import type { InputError } from '../common/errors.ts';
import type { TraceRow } from './row.ts';

/** Receives rows in file order. `row` must not keep the object: the source reuses it. */
export interface RowSink {
  row(row: TraceRow): void;
  /** A row that could not be decoded. Throw to stop the read, return to skip the row. */
  badRow(err: InputError): void;
}

/** Anything that yields trace rows in order: a streamed CSV, an in-memory columnar trace, a generator. */
export interface RowSource {
  /** A name for reports and error messages (the file path for a file). */
  readonly path: string;
  read(sink: RowSink): Promise<void>;
}

/** A read stopped because its AbortSignal was aborted (SIGINT or SIGTERM stopped the command). */
export class ReadStopped extends Error {
  constructor() {
    super('stopped');
    this.name = 'ReadStopped';
  }
}

/**
 * `inner` read until `signal` is aborted: the next row (or bad row) then throws ReadStopped, which
 * ends the read. The abort is seen when the read lets the event loop turn (between file chunks).
 */
export class StoppableSource implements RowSource {
  readonly path: string;

  constructor(
    private readonly inner: RowSource,
    private readonly signal: AbortSignal,
  ) {
    this.path = inner.path;
  }

  read(sink: RowSink): Promise<void> {
    const signal = this.signal;
    return this.inner.read({
      row(row) {
        if (signal.aborted) throw new ReadStopped();
        sink.row(row);
      },
      badRow(err) {
        if (signal.aborted) throw new ReadStopped();
        sink.badRow(err);
      },
    });
  }
}
