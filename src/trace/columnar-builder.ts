import { open } from 'node:fs/promises';
import { InputError } from '../common/errors.ts';
import { describeFsError } from '../common/read-whole-file.ts';
import { GROUP_POLICIES } from '../model/group-policy.ts';
import { type BadRowColumns, type ColumnarTraceData, KIND_DELETE, NO_SYMBOL } from './columnar.ts';
import { type CsvReadOptions, CsvTraceSource, refuseNonRegular } from './csv-reader.ts';
import { DELETE, type TraceRow } from './row.ts';
import type { RowSink } from './source.ts';

/** A trace holds a value the columns cannot (a flavor field of 2^32 or more): stream it instead. */
export class NotShareableError extends Error {
  constructor(path: string, line: number, field: string) {
    super(`${path}:${line}: ${field}: too large for the shared columnar form`);
    this.name = 'NotShareableError';
  }
}

/**
 * Size and line count of a trace file: the line count bounds its rows (a header, then rows). A
 * line ends at a LF or at a CR not followed by one, so a file with CR line ends (which the CSV
 * parser reads as such) is counted as it parses.
 */
export async function scanTrace(path: string): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  // The last read ended with a CR: a line end unless the next read starts with a LF.
  let crLast = false;
  try {
    await refuseNonRegular(path);
    // One buffer, read into again and again: a stream's fresh 64 KiB chunk per read left the
    // whole file's worth of garbage buffers to the GC, about 30 MB of RSS kept for the run on a
    // 10M-row trace.
    const file = await open(path, 'r');
    const buffer = Buffer.allocUnsafe(1 << 16);
    try {
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        bytes += bytesRead;
        const chunk = buffer.subarray(0, bytesRead);
        for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) lines++;
        if (crLast && chunk[0] !== LF) lines++;
        for (let i = chunk.indexOf(CR); i >= 0; i = chunk.indexOf(CR, i + 1))
          if (i + 1 < bytesRead && chunk[i + 1] !== LF) lines++;
        crLast = chunk[bytesRead - 1] === CR;
      }
      if (crLast) lines++;
    } finally {
      await file.close();
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, undefined, undefined, describeFsError(err));
  }
  // A last line without a newline still counts.
  return { bytes, lines: lines + 1 };
}

const U32_MAX = 0xffff_ffff;
const LF = 0x0a;
const CR = 0x0d;

/** Undocumented but in every Node release (as Buffer's latin1Slice). */
interface Utf8Buffer {
  utf8Write(s: string, offset: number): number;
}

/**
 * Collects decoded rows into shared columns (a RowSink fed by the CSV reader, so validation and
 * line numbers are exactly the streaming reader's). With `onBadRow: 'stop'` the first bad row ends
 * the parse with its error; with `skip` bad rows are kept apart, in file order.
 */
class ColumnarBuilder implements RowSink {
  private n = 0;
  private readonly line: Uint32Array;
  private readonly time: Float64Array;
  private readonly kind: Uint8Array;
  private readonly idEnd: Uint32Array;
  private readonly vcpus: Uint32Array;
  private readonly memoryMb: Uint32Array;
  private readonly diskGb: Uint32Array;
  private readonly count: Uint32Array;
  private readonly gpus: Uint8Array;
  private readonly gpuMilli: Uint16Array;
  private readonly gpuSpec: Uint32Array;
  private readonly duration: Float64Array;
  private readonly az: Uint32Array;
  private readonly group: Uint32Array;
  private readonly groupPolicy: Uint8Array;
  private readonly extraSpecs: Uint32Array;
  private readonly sameHost: Uint32Array;
  private readonly differentHost: Uint32Array;
  private readonly imageProps: Uint32Array;
  private ids = Buffer.allocUnsafe(1 << 16);
  private idLength = 0;
  private readonly symbols = new Map<string, number>([['', 0]]);
  private readonly specSymbols = new Map<string, number>();
  private readonly bad: { at: number; line: number; field: number; reason: number }[] = [];

  constructor(
    private readonly path: string,
    private readonly capacity: number,
    private readonly onBadRow: 'stop' | 'skip',
  ) {
    const u32 = () => new Uint32Array(new SharedArrayBuffer(4 * capacity));
    const f64 = () => new Float64Array(new SharedArrayBuffer(8 * capacity));
    const u8 = () => new Uint8Array(new SharedArrayBuffer(capacity));
    this.line = u32();
    this.time = f64();
    this.kind = u8();
    this.idEnd = u32();
    this.vcpus = u32();
    this.memoryMb = u32();
    this.diskGb = u32();
    this.count = u32();
    this.gpus = u8();
    this.gpuMilli = new Uint16Array(new SharedArrayBuffer(2 * capacity));
    this.gpuSpec = u32();
    this.duration = f64();
    this.az = u32();
    this.group = u32();
    this.groupPolicy = u8();
    this.extraSpecs = u32();
    this.sameHost = u32();
    this.differentHost = u32();
    this.imageProps = u32();
  }

  row(r: TraceRow): void {
    const i = this.n;
    if (i >= this.capacity) throw new Error(`${this.path}: more rows than lines (internal error)`);
    this.line[i] = r.line;
    this.time[i] = r.time;
    this.appendId(r.id);
    this.idEnd[i] = this.idLength;
    if (r.event === DELETE) {
      this.kind[i] = KIND_DELETE;
    } else {
      this.vcpus[i] = this.u32(r.vcpus, r.line, 'vcpus');
      this.memoryMb[i] = this.u32(r.memoryMb, r.line, 'memory_mb');
      this.diskGb[i] = this.u32(r.diskGb, r.line, 'disk_gb');
      this.count[i] = r.count;
      this.gpus[i] = r.gpus;
      this.gpuMilli[i] = r.gpuMilli;
      this.gpuSpec[i] = this.symbol(r.gpuSpec);
      this.duration[i] = r.duration;
      this.az[i] = this.symbol(r.az);
      this.group[i] = this.symbol(r.group);
      this.groupPolicy[i] = r.groupPolicy === '' ? 0 : 1 + GROUP_POLICIES.indexOf(r.groupPolicy);
      if (r.extraSpecs) {
        let s = this.specSymbols.get(r.extraSpecs.key);
        if (s === undefined) {
          s = this.symbol(JSON.stringify([r.extraSpecs.key, r.extraSpecs.entries]));
          this.specSymbols.set(r.extraSpecs.key, s);
        }
        this.extraSpecs[i] = s;
      }
      if (r.sameHost) this.sameHost[i] = this.symbol(r.sameHost.join(';'));
      if (r.differentHost) this.differentHost[i] = this.symbol(r.differentHost.join(';'));
      if (r.imageProps) this.imageProps[i] = this.symbol(r.imageProps.key);
    }
    this.n++;
  }

  badRow(err: InputError): void {
    if (this.onBadRow === 'stop') throw err;
    this.bad.push({
      at: this.n,
      line: err.line ?? 0,
      field: err.field === undefined ? NO_SYMBOL : this.symbol(err.field),
      reason: this.symbol(err.reason),
    });
  }

  finish(): ColumnarTraceData {
    const n = this.n;
    const idBytes = new Uint8Array(new SharedArrayBuffer(this.idLength));
    idBytes.set(this.ids.subarray(0, this.idLength));
    const { end: symbolEnd, bytes: symbolBytes } = encodeSymbols([...this.symbols.keys()]);
    const u32 = (values: number[]) => {
      const a = new Uint32Array(new SharedArrayBuffer(4 * values.length));
      a.set(values);
      return a;
    };
    const bad: BadRowColumns = {
      count: this.bad.length,
      at: u32(this.bad.map((b) => b.at)),
      line: u32(this.bad.map((b) => b.line)),
      field: u32(this.bad.map((b) => b.field)),
      reason: u32(this.bad.map((b) => b.reason)),
    };
    return {
      path: this.path,
      rows: n,
      line: this.line.subarray(0, n),
      time: this.time.subarray(0, n),
      kind: this.kind.subarray(0, n),
      idEnd: this.idEnd.subarray(0, n),
      idBytes,
      vcpus: this.vcpus.subarray(0, n),
      memoryMb: this.memoryMb.subarray(0, n),
      diskGb: this.diskGb.subarray(0, n),
      count: this.count.subarray(0, n),
      gpus: this.gpus.subarray(0, n),
      gpuMilli: this.gpuMilli.subarray(0, n),
      gpuSpec: this.gpuSpec.subarray(0, n),
      duration: this.duration.subarray(0, n),
      az: this.az.subarray(0, n),
      group: this.group.subarray(0, n),
      groupPolicy: this.groupPolicy.subarray(0, n),
      extraSpecs: this.extraSpecs.subarray(0, n),
      sameHost: this.sameHost.subarray(0, n),
      differentHost: this.differentHost.subarray(0, n),
      imageProps: this.imageProps.subarray(0, n),
      symbolEnd,
      symbolBytes,
      bad,
    };
  }

  private u32(v: number, line: number, field: string): number {
    if (v > U32_MAX) throw new NotShareableError(this.path, line, field);
    return v;
  }

  private appendId(id: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const need = this.idLength + 3 * id.length;
    if (need > this.ids.length) {
      if (need > U32_MAX) throw new NotShareableError(this.path, 0, 'id');
      const grown = Buffer.allocUnsafe(Math.min(U32_MAX, Math.max(need, 2 * this.ids.length)));
      this.ids.copy(grown, 0, 0, this.idLength);
      this.ids = grown;
    }
    // Buffer's own encoder, which `write(id, at, 'utf8')` calls after checking its arguments.
    this.idLength += (this.ids as unknown as Utf8Buffer).utf8Write(id, this.idLength);
  }

  private symbol(s: string): number {
    if (s === '') return 0;
    let i = this.symbols.get(s);
    if (i === undefined) {
      i = this.symbols.size;
      this.symbols.set(s, i);
    }
    return i;
  }
}

function encodeSymbols(strings: readonly string[]): { end: Uint32Array; bytes: Uint8Array } {
  const end = new Uint32Array(new SharedArrayBuffer(4 * strings.length));
  let total = 0;
  strings.forEach((s, i) => {
    total += Buffer.byteLength(s, 'utf8');
    end[i] = total;
  });
  const bytes = new Uint8Array(new SharedArrayBuffer(total));
  const view = Buffer.from(bytes.buffer, 0, total);
  let at = 0;
  for (const s of strings) at += view.write(s, at, 'utf8');
  return { end, bytes };
}

/**
 * Parse a trace CSV once into its shared columnar form, validating every row as the streaming
 * reader does. Throws the trace's InputError (a missing file, a bad header, a CSV syntax error, or
 * with `stop` the first bad row), or NotShareableError when a value does not fit the columns.
 */
export async function parseColumnar(
  path: string,
  onBadRow: 'stop' | 'skip',
  lines?: number,
  read: CsvReadOptions = {},
): Promise<ColumnarTraceData> {
  const capacity = Math.max(0, (lines ?? (await scanTrace(path)).lines) - 1);
  const builder = new ColumnarBuilder(path, capacity, onBadRow);
  await new CsvTraceSource(path, read).read(builder);
  return builder.finish();
}
