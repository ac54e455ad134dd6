import { InputError } from '../common/errors.ts';
import type { ExtraSpecs } from '../model/extra-specs.ts';
import type { GroupPolicy } from '../model/group-policy.ts';
import { GROUP_POLICIES } from '../model/group-policy.ts';
import { type ImageProps, parseImageProps } from '../model/image-props.ts';
import { CREATE, DELETE, emptyRow } from './row.ts';
import type { RowSink, RowSource } from './source.ts';

/** `kind` of a stored delete row (a create row's is 0). */
export const KIND_DELETE = 1;

/** Symbol 0 is the empty string; a bad row's missing field is NO_SYMBOL. */
export const NO_SYMBOL = 0xffff_ffff;

/**
 * A trace decoded once into columns: one typed array per field, every array over a
 * SharedArrayBuffer, so a worker thread receives the object by structured clone without copying
 * any column. Strings are interned: ids live in one UTF-8 arena (`idEnd[i]` is where row i's id
 * ends), the low-cardinality strings (zones, groups, extra specs, hints, bad-row messages) in a
 * symbol table. Rows are only the well-formed ones; rows that failed to decode (kept with
 * `--on-bad-row skip`) are listed apart with the position they had in the file.
 */
export interface ColumnarTraceData {
  /** The trace path as the user gave it: error messages name it exactly as streaming would. */
  readonly path: string;
  readonly rows: number;
  readonly line: Uint32Array;
  readonly time: Float64Array;
  readonly kind: Uint8Array;
  readonly idEnd: Uint32Array;
  readonly idBytes: Uint8Array;
  readonly vcpus: Uint32Array;
  readonly memoryMb: Uint32Array;
  readonly diskGb: Uint32Array;
  readonly count: Uint32Array;
  readonly gpus: Uint8Array;
  readonly gpuMilli: Uint16Array;
  /** Symbol of the normalised `gpu_spec`, 0 for any model. */
  readonly gpuSpec: Uint32Array;
  /** NaN: lives until deleted. */
  readonly duration: Float64Array;
  readonly az: Uint32Array;
  readonly group: Uint32Array;
  /** 0 for none, else 1 + the index in GROUP_POLICIES. */
  readonly groupPolicy: Uint8Array;
  /** Symbol of `JSON.stringify([key, entries])`, 0 for none. */
  readonly extraSpecs: Uint32Array;
  /** Symbol of the ids joined by `;`, 0 for none. */
  readonly sameHost: Uint32Array;
  readonly differentHost: Uint32Array;
  /** Symbol of the `image_props` text (ImageProps.key), 0 for none. */
  readonly imageProps: Uint32Array;
  readonly symbolEnd: Uint32Array;
  readonly symbolBytes: Uint8Array;
  readonly bad: BadRowColumns;
}

/** Rows that failed to decode: before which stored row, on which line, and the error's parts. */
export interface BadRowColumns {
  readonly count: number;
  /** The number of stored rows that come before the bad row in the file. */
  readonly at: Uint32Array;
  readonly line: Uint32Array;
  readonly field: Uint32Array;
  readonly reason: Uint32Array;
}

const YIELD_MASK = (1 << 16) - 1;

/** Bytes the columns take per stored row, the id arena and symbols aside. */
export const FIXED_BYTES_PER_ROW = 4 + 8 + 1 + 4 + 4 * 4 + 1 + 2 + 4 + 8 + 4 + 4 + 1 + 4 * 4;

/** The bytes a columnar trace holds (what sharing it costs in memory). */
export function columnarBytes(t: ColumnarTraceData): number {
  let n = t.idBytes.byteLength + t.symbolBytes.byteLength + t.symbolEnd.byteLength;
  for (const c of [t.line, t.time, t.kind, t.idEnd, t.vcpus, t.memoryMb, t.diskGb, t.count, t.duration])
    n += c.byteLength;
  for (const c of [t.gpus, t.gpuMilli, t.gpuSpec, t.az, t.group, t.groupPolicy, t.extraSpecs])
    n += c.byteLength;
  for (const c of [t.sameHost, t.differentHost, t.imageProps]) n += c.byteLength;
  for (const c of [t.bad.at, t.bad.line, t.bad.field, t.bad.reason]) n += c.byteLength;
  return n;
}

/** Reads a trace's symbol table, decoding each symbol once. */
class Symbols {
  private readonly bytes: Buffer;
  private readonly cache: (string | undefined)[] = [];

  constructor(
    private readonly end: Uint32Array,
    bytes: Uint8Array,
  ) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get(i: number): string {
    let s = this.cache[i];
    if (s === undefined) {
      s = this.bytes.toString('utf8', i === 0 ? 0 : this.end[i - 1], this.end[i]);
      this.cache[i] = s;
    }
    return s;
  }
}

/**
 * The RowSource over a columnar trace: hands the sink the same rows, in the same order, with the
 * same line numbers and bad-row errors as streaming the CSV would, so a replay cannot tell them
 * apart. Reading allocates one id string per row; everything else comes from caches.
 */
export class ColumnarTraceSource implements RowSource {
  readonly path: string;
  private readonly symbols: Symbols;
  private readonly ids: Buffer;
  /** Buffer's own UTF-8 decoder, called without `toString`'s argument handling (one call per row). */
  private readonly idSlice: (this: Buffer, start: number, end: number) => string;
  private readonly specs = new Map<number, ExtraSpecs>();
  private readonly hints = new Map<number, readonly string[]>();
  private readonly images = new Map<number, ImageProps>();

  constructor(private readonly t: ColumnarTraceData) {
    this.path = t.path;
    this.symbols = new Symbols(t.symbolEnd, t.symbolBytes);
    this.ids = Buffer.from(t.idBytes.buffer, t.idBytes.byteOffset, t.idBytes.byteLength);
    const native = (Buffer.prototype as unknown as { utf8Slice?: ColumnarTraceSource['idSlice'] }).utf8Slice;
    this.idSlice =
      native ??
      function (this: Buffer, start, end) {
        return this.toString('utf8', start, end);
      };
  }

  async read(sink: RowSink): Promise<void> {
    const t = this.t;
    const row = emptyRow();
    const bad = t.bad;
    let b = 0;
    for (let i = 0; i < t.rows; i++) {
      // Let the event loop turn now and then (progress, SIGINT) when this runs on the main thread.
      if ((i & YIELD_MASK) === YIELD_MASK) await new Promise((resolve) => setImmediate(resolve));
      while (b < bad.count && bad.at[b] === i) sink.badRow(this.badRowError(b++));
      row.line = t.line[i];
      row.time = t.time[i];
      row.id = this.idSlice.call(this.ids, i === 0 ? 0 : t.idEnd[i - 1], t.idEnd[i]);
      if (t.kind[i] === KIND_DELETE) {
        row.event = DELETE;
      } else {
        row.event = CREATE;
        row.vcpus = t.vcpus[i];
        row.memoryMb = t.memoryMb[i];
        row.diskGb = t.diskGb[i];
        row.count = t.count[i];
        row.gpus = t.gpus[i];
        row.gpuMilli = t.gpuMilli[i];
        row.gpuSpec = this.symbols.get(t.gpuSpec[i]);
        row.duration = t.duration[i];
        row.az = this.symbols.get(t.az[i]);
        row.group = this.symbols.get(t.group[i]);
        const p = t.groupPolicy[i];
        row.groupPolicy = p === 0 ? '' : (GROUP_POLICIES[p - 1] as GroupPolicy);
        row.extraSpecs = t.extraSpecs[i] === 0 ? undefined : this.extraSpecsOf(t.extraSpecs[i]);
        row.sameHost = t.sameHost[i] === 0 ? undefined : this.hintOf(t.sameHost[i]);
        row.differentHost = t.differentHost[i] === 0 ? undefined : this.hintOf(t.differentHost[i]);
        row.imageProps = t.imageProps[i] === 0 ? undefined : this.imagePropsOf(t.imageProps[i]);
      }
      // As the CSV reader does: a row the replay rejects is a bad row too.
      try {
        sink.row(row);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        sink.badRow(err);
      }
    }
    while (b < bad.count) sink.badRow(this.badRowError(b++));
  }

  private badRowError(b: number): InputError {
    const { field, reason, line } = this.t.bad;
    return new InputError(
      this.path,
      line[b],
      field[b] === NO_SYMBOL ? undefined : this.symbols.get(field[b]),
      this.symbols.get(reason[b]),
    );
  }

  private extraSpecsOf(sym: number): ExtraSpecs {
    let specs = this.specs.get(sym);
    if (!specs) {
      const [key, entries] = JSON.parse(this.symbols.get(sym)) as [string, [string, string][]];
      specs = { key, entries };
      this.specs.set(sym, specs);
    }
    return specs;
  }

  /** The stored text parsed again: it was accepted when the columns were built. */
  private imagePropsOf(sym: number): ImageProps {
    let props = this.images.get(sym);
    if (!props) {
      props = parseImageProps(this.symbols.get(sym)) as ImageProps;
      this.images.set(sym, props);
    }
    return props;
  }

  private hintOf(sym: number): readonly string[] {
    let ids = this.hints.get(sym);
    if (!ids) {
      ids = this.symbols.get(sym).split(';');
      this.hints.set(sym, ids);
    }
    return ids;
  }
}
