import { InputError } from '../../common/errors.ts';
import { CsvTraceSource } from '../csv-reader.ts';
import { emptyRow, type TraceRow } from '../row.ts';
import type { RowSink, RowSource } from '../source.ts';
import { AzureVmMapper } from './azure.ts';
import type { ConvertedHost } from './cluster-out.ts';
import { OpenbNodeMapper, OpenbPodMapper, openbKind } from './openb.ts';
import { readRecords } from './records.ts';

/** The trace formats `convert --from` and `run --trace-format` read. */
export const TRACE_FORMATS = ['canonical', 'openb', 'azure'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** The source field a format's arrival time comes from, for the out-of-order message. */
const TIME_FIELD: Record<TraceFormat, string> = {
  canonical: 'time',
  openb: 'creation_time',
  azure: 'vmcreated',
};

/**
 * Source rows in time order or a bad row naming the source's time field: a replay needs arrivals
 * that never go back, and a source that is not sorted can be reordered with --sort.
 */
class ArrivalOrder {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly format: TraceFormat,
    private readonly check: boolean,
  ) {}

  ok(file: string, r: TraceRow): void {
    if (!this.check) return;
    if (r.time < this.last) {
      throw new InputError(
        file,
        r.line,
        TIME_FIELD[this.format],
        `${r.time} is earlier than the previous row's ${this.last}: add --sort (or --shuffle) to reorder`,
      );
    }
    this.last = r.time;
  }
}

/**
 * A source format's files as one RowSource, streamed record by record through its adapter. A
 * record the adapter refuses goes to the sink's badRow with its `file:line: field`. openb: node
 * lists among the inputs are skipped here (they are the cluster: readOpenbHosts); pod lists are
 * read in the order given. `sorted`: refuse rows whose time goes back (false when --sort or
 * --shuffle reorders them anyway).
 */
export class FormatSource implements RowSource {
  readonly path: string;

  constructor(
    readonly format: Exclude<TraceFormat, 'canonical'>,
    private readonly inputs: readonly string[],
    private readonly sorted = true,
  ) {
    this.path = inputs.join(' + ');
  }

  async read(sink: RowSink): Promise<void> {
    const row = emptyRow();
    const order = new ArrivalOrder(this.format, this.sorted);
    for (const file of this.inputs) {
      let map: ((record: readonly string[], line: number, row: TraceRow) => void) | undefined;
      let skip = false;
      if (this.format === 'azure') {
        const m = new AzureVmMapper(file);
        map = (rec, line, r) => m.map(rec, line, r);
      }
      await readRecords(file, (record, line) => {
        if (skip) return;
        if (!map) {
          if (openbKind(file, record) === 'nodes') {
            skip = true;
            return;
          }
          const m = new OpenbPodMapper(file, record);
          map = (rec, l, r) => m.map(rec, l, r);
          return;
        }
        try {
          map(record, line, row);
          order.ok(file, row);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          sink.badRow(err);
          return;
        }
        sink.row(row);
      });
      if (!map && !skip) throw new InputError(file, 1, undefined, 'empty file: expected an openb header row');
    }
  }
}

/** The hosts of every openb node list among the inputs, in file and row order. */
export async function readOpenbHosts(inputs: readonly string[]): Promise<ConvertedHost[]> {
  const hosts: ConvertedHost[] = [];
  const seen = new Map<string, string>();
  for (const file of inputs) {
    let mapper: OpenbNodeMapper | undefined;
    let skip = false;
    await readRecords(file, (record, line) => {
      if (skip) return;
      if (!mapper) {
        if (openbKind(file, record) === 'pods') skip = true;
        else mapper = new OpenbNodeMapper(file, record);
        return;
      }
      const h = mapper.host(record, line);
      const first = seen.get(h.name);
      if (first !== undefined)
        throw new InputError(file, line, 'sn', `duplicate node "${h.name}" (first at ${first})`);
      seen.set(h.name, `${file}:${line}`);
      hosts.push(h);
    });
  }
  return hosts;
}

/** The RowSource of a trace in `format`: a canonical trace is one CSV file. */
export function formatSource(format: TraceFormat, inputs: readonly string[], sorted = true): RowSource {
  if (format === 'canonical') {
    if (inputs.length !== 1)
      throw new InputError(inputs.join(' + '), undefined, undefined, 'a canonical trace is one file');
    return new CsvTraceSource(inputs[0]);
  }
  return new FormatSource(format, inputs, sorted);
}
