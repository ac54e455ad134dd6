import { type FileHandle, open } from 'node:fs/promises';
import { InputError } from '../common/errors.ts';
import { describeFsError } from '../common/read-whole-file.ts';
import { refuseNonRegular } from '../trace/csv-reader.ts';
import { CREATE, type TraceRow } from '../trace/row.ts';
import type { RowSink, RowSource } from '../trace/source.ts';
import { ShapeCounter, type ShapeDistribution } from './shapes.ts';

const CHUNK = 1 << 20;
const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;
/** Integers above this are left to the decoder (the guess gives up on the row). */
const MAX_DIGITS = 15;

/** Columns the shape distribution reads, by header name. */
const WANTED = ['time', 'event', 'vcpus', 'memory_mb', 'disk_gb', 'count', 'gpus', 'gpu_milli'] as const;
type Wanted = (typeof WANTED)[number];

/**
 * The shape distribution of a canonical trace CSV from one cheap pass over its bytes: no field
 * strings, no row objects, no validation. It is a guess, exact for well-formed plain rows: the
 * replay counts the rows it decodes as it goes and checks the guess against them (`ShapeCheck`),
 * falling back to an exact scan when they differ. Undefined when the file is not plain enough to
 * guess at all (a quote anywhere, an unreadable header).
 */
export async function guessShapes(path: string): Promise<ShapeDistribution | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch {
    return undefined; // the replay's own read reports what is wrong with the file
  }
  try {
    return (await new ShapeGuess().run(file, false)).shapes;
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}

/** A trace file's size, its lines (as scanTrace counts them) and its shape guess (as guessShapes). */
export interface TraceScan {
  readonly bytes: number;
  readonly lines: number;
  readonly shapes: ShapeDistribution | undefined;
}

/**
 * scanTrace (trace/columnar-builder.ts) and guessShapes in one pass: for a trace each task streams,
 * so the guess is made once, beside the line count the progress display needs, not by every task.
 * Errors as scanTrace's: an InputError naming the file.
 */
export async function scanTraceAndShapes(path: string): Promise<TraceScan> {
  let file: FileHandle;
  try {
    await refuseNonRegular(path);
    file = await open(path, 'r');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, undefined, undefined, describeFsError(err));
  }
  try {
    return await new ShapeGuess().run(file, true);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, undefined, undefined, describeFsError(err));
  } finally {
    await file.close();
  }
}

class ShapeGuess {
  private col: Record<Wanted, number> | undefined;
  private fields = 0;
  /** Distinct shapes as rows of six numbers (five flavor fields, then instances). */
  private shapes: number[] = [];
  private readonly byKey = new Map<number, number[]>();
  private firstTime: string | undefined;
  private readonly lastTime = Buffer.alloc(64);
  private lastTimeLength = 0;
  /** Field starts and ends of the current line (reused). */
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private lineNo = 0;

  /** Line breaks seen so far. */
  private breaks = 0;
  /** False once the guess is given up: only line breaks are counted from then on. */
  private guessing = true;

  /**
   * Read the whole file: the bytes, the lines (line breaks + 1) and the guess. Without `count`, it
   * stops where the guess is given up. The next read runs while a chunk is scanned.
   */
  async run(file: FileHandle, count: boolean): Promise<TraceScan> {
    const read = async (b: Buffer) => (await file.read(b, 0, b.length, null)).bytesRead;
    let cur = Buffer.allocUnsafe(CHUNK);
    let next = Buffer.allocUnsafe(CHUNK);
    // The line split by the end of a read: its bytes so far.
    let carry = Buffer.allocUnsafe(1024);
    let carried = 0;
    let bytes = 0;
    let got = await read(cur);
    for (;;) {
      const ahead = got === 0 ? undefined : read(next);
      bytes += got;
      let from = 0;
      if (this.guessing && carried > 0) {
        // The split line ends at this read's first break (or at the end of the file).
        const nl = cur.subarray(0, got).indexOf(NL);
        const tail = nl < 0 ? got : nl + 1;
        if (carried + tail > carry.length) {
          const bigger = Buffer.allocUnsafe(2 * (carried + tail));
          carry.copy(bigger, 0, 0, carried);
          carry = bigger;
        }
        cur.copy(carry, carried, 0, tail);
        carried += tail;
        from = tail;
        if (nl >= 0 || got === 0) {
          this.scan(carry, 0, carried, got === 0);
          carried = 0;
        }
      }
      if (from < got && !this.guessing) this.breaks += lineBreaks(cur, from, got);
      else if (from < got) {
        const partial = this.scan(cur, from, got, false);
        if (this.guessing && partial < got) {
          if (got - partial > carry.length) carry = Buffer.allocUnsafe(2 * (got - partial));
          cur.copy(carry, 0, partial, got);
          carried = got - partial;
        }
      }
      if (!this.guessing && !count) {
        await ahead?.catch(() => 0); // the read under way ends before the file is closed
        return { bytes, lines: 0, shapes: undefined };
      }
      if (ahead === undefined) break;
      got = await ahead;
      [cur, next] = [next, cur];
    }
    return { bytes, lines: this.breaks + 1, shapes: this.col ? this.distribution() : undefined };
  }

  /**
   * The lines of `buf[from, end)`, in one pass over the bytes (field boundaries and line breaks);
   * at the end of the file (`atEnd`) a last line without a break too. Returns where the line cut
   * off by `end` starts (`end` for none). A quote, or a line that ends the guess, gives the guess
   * up: the breaks after it are counted, and `end` is returned.
   */
  private scan(buf: Buffer, from: number, end: number, atEnd: boolean): number {
    let starts = this.starts;
    let ends = this.ends;
    let start = from;
    let n = 0;
    starts[0] = from;
    let i = from;
    for (; i < end; i++) {
      const c = buf[i];
      if (c > COMMA) continue; // digits, letters, '.', '-', ...: most bytes
      if (c === COMMA) {
        if (n + 1 >= starts.length) {
          this.growFields();
          starts = this.starts;
          ends = this.ends;
        }
        ends[n++] = i;
        starts[n] = i + 1;
      } else if (c === NL) {
        this.breaks++;
        if (!this.line(buf, start, i, n)) break;
        start = i + 1;
        n = 0;
        starts[0] = start;
      } else if (c === QUOTE) break;
    }
    if (i < end) {
      // Given up at byte i (a quote, or the break after a line that ends the guess).
      this.guessing = false;
      this.col = undefined;
      this.breaks += lineBreaks(buf, i + 1, end);
      return end;
    }
    if (atEnd && start < end) {
      if (!this.line(buf, start, end, n)) {
        this.guessing = false;
        this.col = undefined;
      }
      return end;
    }
    return start;
  }

  private distribution(): ShapeDistribution {
    const counter = new ShapeCounter();
    if (this.firstTime !== undefined) {
      counter.seen(Number(this.firstTime));
      counter.seen(Number(this.lastTime.toString('latin1', 0, this.lastTimeLength)));
    }
    const s = this.shapes;
    for (let i = 0; i < s.length; i += 6) counter.add(s[i], s[i + 1], s[i + 2], s[i + 5], s[i + 3], s[i + 4]);
    return counter.build();
  }

  /** One line [from, to) without its LF, split into `n` fields but the last; false: give up the guess. */
  private line(buf: Buffer, from: number, to: number, n: number): boolean {
    if (to > from && buf[to - 1] === CR) to--;
    this.lineNo++;
    if (
      this.lineNo === 1 &&
      to - from >= 3 &&
      buf[from] === 0xef &&
      buf[from + 1] === 0xbb &&
      buf[from + 2] === 0xbf
    )
      this.starts[0] = from += 3;
    if (to === from) return true; // blank lines are skipped
    this.ends[n++] = to;
    if (!this.col) return this.header(buf, n);
    const c = this.col;
    // A short row or an unknown event is a bad row: the decoder skips it, and so does the guess.
    if (n < this.fields) return true;
    const ev = c.event;
    const isCreate = this.is(buf, ev, 'create');
    if (!isCreate && !this.is(buf, ev, 'delete')) return true;
    const vcpus = this.int(buf, c.vcpus, -1);
    const memoryMb = this.int(buf, c.memory_mb, -1);
    const diskGb = this.int(buf, c.disk_gb, 0);
    const count = this.int(buf, c.count, 1);
    const gpus = this.int(buf, c.gpus, 0);
    let gpuMilli = this.int(buf, c.gpu_milli, gpus > 0 ? 1000 : 0);
    const ts = this.starts[c.time];
    const te = this.ends[c.time];
    if (te === ts || te - ts > this.lastTime.length) return true;
    if (isCreate) {
      if (vcpus < 0 || memoryMb < 0 || diskGb < 0 || count < 1 || gpus < 0 || gpuMilli < 0) return true;
      if (gpus === 0) gpuMilli = 0;
      this.add(vcpus, memoryMb, diskGb, gpus, gpuMilli, count);
    }
    // The last row's time is kept as bytes (no string per row): only the first and last are read.
    this.firstTime ??= buf.toString('latin1', ts, te);
    // Byte by byte: Buffer#copy of a sub-range makes a view object per call.
    const last = this.lastTime;
    for (let i = ts; i < te; i++) last[i - ts] = buf[i];
    this.lastTimeLength = te - ts;
    return true;
  }

  private header(buf: Buffer, n: number): boolean {
    const col = {} as Record<Wanted, number>;
    for (const w of WANTED) col[w] = -1;
    for (let f = 0; f < n; f++) {
      const name = buf.toString('latin1', this.starts[f], this.ends[f]).trim() as Wanted;
      if ((WANTED as readonly string[]).includes(name)) col[name] = f;
    }
    if (col.time < 0 || col.event < 0 || col.vcpus < 0 || col.memory_mb < 0) return false;
    this.col = col;
    this.fields = n;
    return true;
  }

  private is(buf: Buffer, f: number, word: string): boolean {
    const s = this.starts[f];
    if (this.ends[f] - s !== word.length) return false;
    for (let i = 0; i < word.length; i++) if (buf[s + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  /** A plain decimal integer field, `dflt` when the column is absent or empty, -1 when not plain. */
  private int(buf: Buffer, f: number, dflt: number): number {
    if (f < 0) return dflt;
    const s = this.starts[f];
    const e = this.ends[f];
    if (e === s) return dflt;
    if (e - s > MAX_DIGITS) return -1;
    let v = 0;
    for (let i = s; i < e; i++) {
      const d = buf[i] - 0x30;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }

  private add(
    vcpus: number,
    memoryMb: number,
    diskGb: number,
    gpus: number,
    gpuMilli: number,
    n: number,
  ): void {
    let h = Math.imul(vcpus | 0, 0x9e3779b1);
    h = Math.imul(h ^ (memoryMb | 0), 0x85ebca6b);
    h = Math.imul(h ^ (diskGb | 0), 0xc2b2ae35);
    // 30 bits: a small-integer key, looked up without allocating.
    h = (Math.imul(h ^ gpus, 0x27d4eb2f) ^ gpuMilli) & 0x3fffffff;
    const s = this.shapes;
    let at = this.byKey.get(h);
    if (at) {
      for (const i of at) {
        if (
          s[i] === vcpus &&
          s[i + 1] === memoryMb &&
          s[i + 2] === diskGb &&
          s[i + 3] === gpus &&
          s[i + 4] === gpuMilli
        ) {
          s[i + 5] += n;
          return;
        }
      }
    } else {
      at = [];
      this.byKey.set(h, at);
    }
    at.push(s.length);
    s.push(vcpus, memoryMb, diskGb, gpus, gpuMilli, n);
  }

  private growFields(): void {
    const starts = new Int32Array(this.starts.length * 2);
    starts.set(this.starts);
    const ends = new Int32Array(this.ends.length * 2);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}

/** Line feeds in `buf[from, to)`. */
function lineBreaks(buf: Buffer, from: number, to: number): number {
  let n = 0;
  const view = buf.subarray(0, to);
  for (let i = view.indexOf(NL, from); i >= 0; i = view.indexOf(NL, i + 1)) n++;
  return n;
}

/** Whether two distributions are the same, field by field. */
export function sameShapes(a: ShapeDistribution, b: ShapeDistribution): boolean {
  if (a.size !== b.size || !Object.is(a.firstTime, b.firstTime) || !Object.is(a.lastTime, b.lastTime))
    return false;
  for (let m = 0; m < a.size; m++) {
    if (
      a.vcpus[m] !== b.vcpus[m] ||
      a.memoryMb[m] !== b.memoryMb[m] ||
      a.diskGb[m] !== b.diskGb[m] ||
      a.gpus[m] !== b.gpus[m] ||
      a.gpuMilli[m] !== b.gpuMilli[m] ||
      a.instances[m] !== b.instances[m] ||
      !Object.is(a.share[m], b.share[m])
    )
      return false;
  }
  return true;
}

/**
 * A source that counts the shapes of the rows it hands on, exactly as `scanShapes` would (every
 * row that decodes, before the sink may reject it), so a guessed distribution can be checked
 * against the replay's own reading.
 */
export class ShapeCheckSource implements RowSource {
  private readonly counter = new ShapeCounter();

  constructor(private readonly inner: RowSource) {}

  get path(): string {
    return this.inner.path;
  }

  read(sink: RowSink): Promise<void> {
    const counter = this.counter;
    return this.inner.read({
      row(row: TraceRow) {
        counter.seen(row.time);
        if (row.event === CREATE)
          counter.add(row.vcpus, row.memoryMb, row.diskGb, row.count, row.gpus, row.gpuMilli);
        sink.row(row);
      },
      badRow(err: InputError) {
        sink.badRow(err);
      },
    });
  }

  /** The distribution of the rows read so far. */
  shapes(): ShapeDistribution {
    return this.counter.build();
  }
}
