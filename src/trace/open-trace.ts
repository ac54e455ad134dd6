import { CsvTraceSource } from './csv-reader.ts';
import { formatSource, type TraceFormat } from './formats/sources.ts';
import type { RowSource } from './source.ts';
import { type Capacity, changesRows, type TransformOptions } from './transforms/options.ts';
import { TransformedSource } from './transforms/transformed-source.ts';

/**
 * How `run` and `capacity` read a trace other than a plain canonical CSV: its format and the stress
 * transforms, as plain data (it crosses to the workers by structured clone).
 */
export interface TraceInput {
  readonly format: TraceFormat;
  readonly transforms: TransformOptions;
  /** The run's cluster capacity (after --hosts-sample), the target of --inflate. */
  readonly capacity: Capacity;
}

/** Whether a trace input reads anything but the canonical CSV as it is. */
export function isPlainCanonical(input: TraceInput | undefined): boolean {
  return input === undefined || (input.format === 'canonical' && !changesRows(input.transforms));
}

/** The RowSource of a trace file: streamed through its format's adapter and the transforms. */
export function openTrace(path: string, input: TraceInput | undefined): RowSource {
  if (input === undefined || isPlainCanonical(input)) return new CsvTraceSource(path);
  const t = input.transforms;
  const source = formatSource(input.format, [path], !t.sort && t.shuffle === undefined);
  return changesRows(t) ? new TransformedSource(source, t, () => input.capacity) : source;
}
