import { InputError } from '../common/errors.ts';
import { GPU_MILLI, MAX_GPUS, MAX_ROW_COUNT, MAX_SIZE, MAX_TRACE_SECONDS } from '../common/limits.ts';
import type { ExtraSpecs } from '../model/extra-specs.ts';
import { GROUP_POLICIES, type GroupPolicy } from '../model/group-policy.ts';
import type { ImageProps } from '../model/image-props.ts';
import { latin1, plainDecimal, plainInteger } from './byte-numbers.ts';
import { type ColumnIndex, idList, normaliseGpuSpec, type RowDecoder } from './decode.ts';
import { CREATE, DELETE, type TraceRow } from './row.ts';
import type { RowSink } from './source.ts';

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;
const SPACE = 32;
/**
 * A longer row goes to csv-parse, which enforces the row limit (MAX_TRACE_LINE_BYTES, far above
 * this): the scanner never accepts a row that csv-parse would refuse as too long.
 */
export const MAX_SCANNED_LINE = 64 * 1024;
/** scanRow: the row's line break is not in the buffer yet. */
export const NEED_MORE = -1;
/** scanRow: csv-parse must read from this row on. */
export const HAND_OFF = -2;
const CREATE_BYTES = Buffer.from('create');
const DELETE_BYTES = Buffer.from('delete');

/**
 * Decodes one CSV line of unquoted fields from its bytes into the reused TraceRow, exactly as
 * csv-parse and the RowDecoder would. A line of plain printable ASCII whose fields all take the
 * common forms (see byte-numbers.ts) is decoded here; any other line that csv-parse would split
 * the same way (a field count below the header's, a non-ASCII byte, a number in another form, a bad
 * value) is split here and decoded by the RowDecoder itself, so values and errors are its own. A
 * line csv-parse might split otherwise (a quote, a carriage return, more fields than the header) is
 * refused: `scanLine` returns false having called nothing, and the caller hands the input from
 * this line on to csv-parse.
 */
export class CanonicalRowScanner {
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly width: number;
  /** Positions of the text columns after the flavor (zone, group, hints, ...) in the header. */
  private readonly texts: Int32Array;

  constructor(
    private readonly decoder: RowDecoder,
    private readonly cols: ColumnIndex,
    headerWidth: number,
    private readonly row: TraceRow,
  ) {
    this.width = headerWidth;
    this.start = new Int32Array(headerWidth);
    this.end = new Int32Array(headerWidth);
    const texts = [
      cols.az,
      cols.group,
      cols.group_policy,
      cols.extra_specs,
      cols.same_host,
      cols.different_host,
      cols.gpu_spec,
      cols.image_props,
    ];
    this.texts = Int32Array.from(texts.filter((k) => k >= 0));
  }

  /** Whether every text column is empty: the common row, with no string to make. */
  private noTexts(): boolean {
    const { texts, start, end } = this;
    for (let j = 0; j < texts.length; j++) if (start[texts[j]] !== end[texts[j]]) return false;
    return true;
  }

  /**
   * Scan the row that starts at `b[from]`, line `line` of the file, up to its line break (LF, or
   * CRLF when `crlf`) before `limit`; at the end of the file (`atEnd`) `limit` ends the row too.
   * Returns where the next row starts, NEED_MORE when the line break is not in `b` yet (nothing
   * done), or HAND_OFF (nothing done) when csv-parse must read from this row on. An empty line is
   * skipped.
   */
  scanRow(
    b: Buffer,
    from: number,
    limit: number,
    line: number,
    sink: RowSink,
    crlf: boolean,
    atEnd: boolean,
  ): number {
    const { start, end, width } = this;
    let n = 0;
    let fieldStart = from;
    let plain = true;
    let to = -1;
    let next = -1;
    for (let i = from; i < limit; i++) {
      const c = b[i];
      // Digits and letters first: most bytes of a row.
      if (c >= 48) {
        if (c > 126) plain = false;
      } else if (c === COMMA) {
        if (n === width - 1) return HAND_OFF;
        start[n] = fieldStart;
        end[n] = i;
        n++;
        fieldStart = i + 1;
      } else if (c === LF) {
        // Under CRLF a bare LF is field data to csv-parse.
        if (crlf) return HAND_OFF;
        to = i;
        next = i + 1;
        break;
      } else if (c === CR) {
        if (!crlf || (i + 1 < limit && b[i + 1] !== LF)) return HAND_OFF;
        if (i + 1 === limit) return atEnd ? HAND_OFF : NEED_MORE;
        to = i;
        next = i + 2;
        break;
      } else if (c < 32) {
        plain = false;
      } else if (c === QUOTE) {
        return HAND_OFF;
      }
    }
    if (to < 0) {
      if (!atEnd) return NEED_MORE;
      to = limit;
      next = limit;
    }
    if (to - from > MAX_SCANNED_LINE) return HAND_OFF;
    if (to === from) return next;
    start[n] = fieldStart;
    end[n] = to;
    n++;
    if (n === width && plain && this.fastRow(b, line)) this.emit(sink);
    else this.slowRow(b, n, line, sink);
    return next;
  }

  private emit(sink: RowSink): void {
    // As the csv-parse path: a row the sink rejects with an InputError is a bad row too.
    try {
      sink.row(this.row);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      sink.badRow(err);
    }
  }

  /** The fields as the strings csv-parse gives, through the decoder. */
  private slowRow(b: Buffer, n: number, line: number, sink: RowSink): void {
    const record = new Array<string>(n);
    for (let k = 0; k < n; k++) record[k] = b.toString('utf8', this.start[k], this.end[k]);
    try {
      this.decoder.decode(record, line, this.row);
      sink.row(this.row);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      sink.badRow(err);
    }
  }

  /** Empty field (or absent column). */
  private empty(k: number): boolean {
    return k < 0 || this.start[k] === this.end[k];
  }

  /** The trimmed text of a plain ASCII field, '' for an absent column. */
  private text(b: Buffer, k: number): string {
    if (k < 0) return '';
    const s = this.start[k];
    const e = this.end[k];
    if (s === e) return '';
    // A plain row's only whitespace is the space (other control bytes are not plain): most fields
    // have none at their ends and need no trim.
    if (b[s] !== SPACE && b[e - 1] !== SPACE) return latin1(b, s, e);
    return latin1(b, s, e).trim();
  }

  /** A flavor integer as the decoder reads it, or NaN where the decoder must decide. */
  private integer(b: Buffer, k: number, dflt: number): number {
    if (this.empty(k)) return dflt;
    const v = plainInteger(b, this.start[k], this.end[k]);
    return v <= MAX_SIZE ? v : Number.NaN;
  }

  private is(b: Buffer, k: number, word: Buffer): boolean {
    const s = this.start[k];
    if (this.end[k] - s !== word.length) return false;
    for (let i = 0; i < word.length; i++) if (b[s + i] !== word[i]) return false;
    return true;
  }

  /** Decode a plain row of the header's width; false (the row untouched) where the decoder must. */
  private fastRow(b: Buffer, line: number): boolean {
    const c = this.cols;
    const time = plainDecimal(b, this.start[c.time], this.end[c.time]);
    if (!(Math.abs(time) <= MAX_TRACE_SECONDS)) return false;
    let event: typeof CREATE | typeof DELETE = CREATE;
    if (!this.empty(c.event) && !this.is(b, c.event, CREATE_BYTES)) {
      if (!this.is(b, c.event, DELETE_BYTES)) return false;
      event = DELETE;
    }
    const id = this.text(b, c.id);
    if (id === '') return false;
    const row = this.row;
    if (event === DELETE) {
      row.line = line;
      row.time = time;
      row.event = DELETE;
      row.id = id;
      return true;
    }
    const vcpus = this.integer(b, c.vcpus, Number.NaN);
    const memoryMb = this.integer(b, c.memory_mb, Number.NaN);
    const diskGb = this.integer(b, c.disk_gb, 0);
    const count = this.integer(b, c.count, 1);
    // NaN fails every comparison below: the decoder decides.
    if (!(vcpus >= 0 && memoryMb >= 0 && diskGb >= 0 && count >= 1 && count <= MAX_ROW_COUNT)) return false;
    const gpus = this.integer(b, c.gpus, 0);
    if (!(gpus <= MAX_GPUS)) return false;
    const gpuMilli = this.integer(b, c.gpu_milli, gpus > 0 ? GPU_MILLI : 0);
    if (gpus === 0 ? gpuMilli !== 0 : !(gpuMilli >= 1 && gpuMilli <= GPU_MILLI)) return false;
    if (gpuMilli < GPU_MILLI && gpus > 1) return false;
    let duration = Number.NaN;
    if (!this.empty(c.duration)) {
      duration = plainDecimal(b, this.start[c.duration], this.end[c.duration]);
      if (!(duration >= 0 && duration <= MAX_TRACE_SECONDS)) return false;
    }
    let az = '';
    let group = '';
    let policy = '';
    let extraSpecs: ExtraSpecs | undefined;
    let spec = '';
    let sameHost: readonly string[] | undefined;
    let differentHost: readonly string[] | undefined;
    let imageProps: ImageProps | undefined;
    if (!this.noTexts()) {
      az = this.text(b, c.az);
      group = this.text(b, c.group);
      policy = this.text(b, c.group_policy);
      if (policy !== '' && (group === '' || !(GROUP_POLICIES as readonly string[]).includes(policy)))
        return false;
      try {
        if (!this.empty(c.extra_specs))
          extraSpecs = this.decoder.extraSpecs(this.text(b, c.extra_specs), line);
        if (!this.empty(c.image_props))
          imageProps = this.decoder.imageProps(this.text(b, c.image_props), line);
      } catch (err) {
        if (err instanceof InputError) return false;
        throw err;
      }
      spec = this.text(b, c.gpu_spec);
      // Without a `|` the normalised spec is the trimmed text itself.
      if (spec.includes('|')) spec = normaliseGpuSpec(spec);
      if (!this.empty(c.same_host)) sameHost = idList(this.text(b, c.same_host));
      if (!this.empty(c.different_host)) differentHost = idList(this.text(b, c.different_host));
    }
    row.line = line;
    row.time = time;
    row.event = CREATE;
    row.id = id;
    row.vcpus = vcpus;
    row.memoryMb = memoryMb;
    row.diskGb = diskGb;
    row.count = count;
    row.gpus = gpus;
    row.gpuMilli = gpuMilli;
    row.gpuSpec = spec;
    row.duration = duration;
    row.az = az;
    row.group = group;
    row.groupPolicy = policy as GroupPolicy | '';
    row.extraSpecs = extraSpecs;
    row.sameHost = sameHost;
    row.differentHost = differentHost;
    row.imageProps = imageProps;
    return true;
  }
}
