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
