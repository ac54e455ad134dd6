import { parse } from 'csv-parse';
import { InputError } from '../../common/errors.ts';
import { MAX_SIZE, MAX_TRACE_LINE_BYTES, MAX_TRACE_SECONDS } from '../../common/limits.ts';
import { describeFsError } from '../../common/read-whole-file.ts';
import { quote } from '../../common/safe-text.ts';
import { pipeFile, refuseNonRegular } from '../csv-reader.ts';

/**
 * Streams the records of a CSV file through csv-parse, one at a time, with their 1-based line
 * numbers: memory stays flat whatever the file's length. Errors (missing file, CSV syntax, a line
 * over 1 MiB) are InputErrors naming the file and line; `onRecord` may throw one to stop.
 */
export async function readRecords(
  path: string,
  onRecord: (record: readonly string[], line: number) => void,
): Promise<void> {
  try {
    await refuseNonRegular(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, undefined, undefined, describeFsError(err));
  }
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_TRACE_LINE_BYTES,
    on_record: (record: string[], info) => {
      onRecord(record, info.lines);
      return null;
    },
  });
  await pipeFile(path, parser);
}

const SECONDS = MAX_TRACE_SECONDS.toLocaleString('en-US');

/** Field readers for one source record, each failing with `file:line: field: reason`. */
export class FieldReader {
  record: readonly string[] = [];
  line = 0;

  constructor(
    readonly file: string,
    private readonly names: readonly string[],
  ) {}

  at(record: readonly string[], line: number): this {
    this.record = record;
    this.line = line;
    if (record.length < this.names.length) {
      throw this.error(
        this.names[record.length],
        `missing: the row has ${record.length} of the ${this.names.length} fields`,
      );
    }
    return this;
  }

  error(field: string, reason: string): InputError {
    return new InputError(this.file, this.line, field, reason);
  }

  text(i: number): string {
    return (this.record[i] ?? '').trim();
  }

  /** A finite number, at least `min`; `dflt` when empty (undefined: required). */
  number(i: number, min = 0, dflt?: number): number {
    const s = this.text(i);
    if (s === '') {
      if (dflt === undefined) throw this.error(this.names[i], 'missing value');
      return dflt;
    }
    const v = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s) ? Number(s) : Number.NaN;
    if (!Number.isFinite(v) || v < min)
      throw this.error(this.names[i], `expected a number of at least ${min}, got ${quote(s)}`);
    return v;
  }

  /** A non-negative integer at most `max`. */
  integer(i: number, max: number, dflt?: number): number {
    const v = this.number(i, 0, dflt);
    if (!Number.isInteger(v) || v > max)
      throw this.error(this.names[i], `expected an integer from 0 to ${max}, got ${quote(this.text(i))}`);
    return v;
  }

  /**
   * An arrival time in seconds: a number from 0 to MAX_TRACE_SECONDS, the bound of a trace's `time`
   * (so a converted trace is one `run` reads).
   */
  seconds(i: number): number {
    const v = this.number(i);
    if (v > MAX_TRACE_SECONDS)
      throw this.error(this.names[i], `expected at most ${SECONDS} seconds, got ${quote(this.text(i))}`);
    return v;
  }

  /**
   * The lifetime from `created` (the time read from field `createdAt`) to the deletion time in
   * field `i`: NaN when empty (never leaves); at most MAX_TRACE_SECONDS, the bound of a trace's
   * `duration`.
   */
  lifetime(i: number, created: number, createdAt: number): number {
    const deleted = this.number(i, 0, Number.NaN);
    const name = this.names[i];
    const from = this.names[createdAt];
    if (deleted < created) throw this.error(name, `${deleted} is before ${from} ${created}`);
    const duration = deleted - created;
    if (duration > MAX_TRACE_SECONDS)
      throw this.error(
        name,
        `${quote(this.text(i))} is ${duration} s after ${from} ${created}: a lifetime above ${SECONDS} seconds, the limit of a trace duration`,
      );
    return duration;
  }

  /** A size worked out from field `i` (`value`, in `unit`): at most MAX_SIZE, the bound of a trace's sizes. */
  size(i: number, value: number, unit: string): number {
    if (value > MAX_SIZE)
      throw this.error(
        this.names[i],
        `${quote(this.text(i))} is ${value} ${unit}, above ${MAX_SIZE.toLocaleString('en-US')}, the limit of a trace size`,
      );
    return value;
  }
}
