import { InputError } from '../common/errors.ts';
import { GPU_MILLI, MAX_GPUS, MAX_ROW_COUNT, MAX_SIZE, MAX_TRACE_SECONDS } from '../common/limits.ts';
import { quote } from '../common/safe-text.ts';
import { type ExtraSpecs, placementSpecProblem } from '../model/extra-specs.ts';
import type { GroupPolicy } from '../model/group-policy.ts';
import { GROUP_POLICIES } from '../model/group-policy.ts';
import { type ImageProps, parseImageProps } from '../model/image-props.ts';
import { CREATE, DELETE, type TraceRow } from './row.ts';

/** The trace columns schedbench reads; any other column is ignored. */
export const COLUMNS = [
  'time',
  'event',
  'id',
  'vcpus',
  'memory_mb',
  'disk_gb',
  'count',
  'duration',
  'az',
  'group',
  'group_policy',
  'extra_specs',
  'same_host',
  'different_host',
  'gpus',
  'gpu_milli',
  'gpu_spec',
  'image_props',
] as const;
export type Column = (typeof COLUMNS)[number];

const REQUIRED: readonly Column[] = ['time', 'id', 'vcpus', 'memory_mb'];
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Column positions from the header row; -1 for an absent optional column. */
export type ColumnIndex = Record<Column, number>;

export function indexColumns(file: string, header: readonly string[]): ColumnIndex {
  const index = Object.fromEntries(COLUMNS.map((c) => [c, -1])) as ColumnIndex;
  header.forEach((name, i) => {
    const key = name.trim() as Column;
    if ((COLUMNS as readonly string[]).includes(key)) {
      if (index[key] !== -1) throw new InputError(file, 1, key, 'column appears twice in the header');
      index[key] = i;
    }
  });
  for (const c of REQUIRED) {
    if (index[c] === -1)
      throw new InputError(file, 1, c, `missing column (the header must have ${REQUIRED.join(', ')})`);
  }
  return index;
}

/**
 * Decodes CSV records into the reused TraceRow, validating every field; a bad field throws an
 * InputError naming the file, line and column.
 */
export class RowDecoder {
  private readonly specCache = new Map<string, ExtraSpecs>();
  private readonly imageCache = new Map<string, ImageProps>();

  /** `header`: the header row, so a row with fewer fields can name the first one it lacks. */
  constructor(
    private readonly file: string,
    private readonly cols: ColumnIndex,
    private readonly header: readonly string[] = [],
  ) {}

  decode(record: readonly string[], line: number, row: TraceRow): void {
    const c = this.cols;
    row.line = line;
    if (record.length < this.header.length) {
      // A truncated row (often the last line of a cut file) must not read its absent fields as
      // empty, which would give them their defaults (disk_gb 0, count 1).
      throw new InputError(
        this.file,
        line,
        this.header[record.length].trim(),
        `missing: the row has ${record.length} of the header's ${this.header.length} fields`,
      );
    }
    row.time = this.number(record, c.time, 'time', line, true);
    const event = this.text(record, c.event).trim();
    if (event === '' || event === 'create') row.event = CREATE;
    else if (event === 'delete') row.event = DELETE;
    else throw new InputError(this.file, line, 'event', `expected create or delete, got ${quote(event)}`);
    row.id = this.text(record, c.id).trim();
    if (row.id === '') throw new InputError(this.file, line, 'id', 'missing value');
    if (row.event === DELETE) return;

    row.vcpus = this.integer(record, c.vcpus, 'vcpus', line, undefined);
    row.memoryMb = this.integer(record, c.memory_mb, 'memory_mb', line, undefined);
    row.diskGb = this.integer(record, c.disk_gb, 'disk_gb', line, 0);
    row.count = this.integer(record, c.count, 'count', line, 1);
    if (row.count < 1 || row.count > MAX_ROW_COUNT) {
      throw new InputError(
        this.file,
        line,
        'count',
        `expected an integer from 1 to ${MAX_ROW_COUNT}, got ${row.count}`,
      );
    }
    this.gpus(record, line, row);
    const duration = this.text(record, c.duration).trim();
    row.duration = duration === '' ? Number.NaN : this.number(record, c.duration, 'duration', line, false);
    row.az = this.text(record, c.az).trim();
    row.group = this.text(record, c.group).trim();
    const policy = this.text(record, c.group_policy).trim();
    if (policy !== '' && !(GROUP_POLICIES as readonly string[]).includes(policy)) {
      throw new InputError(
        this.file,
        line,
        'group_policy',
        `expected one of ${GROUP_POLICIES.join(', ')}, got ${quote(policy)}`,
      );
    }
    if (policy !== '' && row.group === '')
      throw new InputError(this.file, line, 'group_policy', 'given without a group');
    row.groupPolicy = policy as GroupPolicy | '';
    row.extraSpecs = this.extraSpecs(this.text(record, c.extra_specs), line);
    row.sameHost = idList(this.text(record, c.same_host));
    row.differentHost = idList(this.text(record, c.different_host));
    row.imageProps = this.imageProps(this.text(record, c.image_props), line);
  }

  /** `gpus`, `gpu_milli` and `gpu_spec` (docs: traces/README.md). */
  private gpus(record: readonly string[], line: number, row: TraceRow): void {
    const c = this.cols;
    const gpus = this.integer(record, c.gpus, 'gpus', line, 0);
    if (gpus > MAX_GPUS)
      throw new InputError(this.file, line, 'gpus', `expected an integer from 0 to ${MAX_GPUS}, got ${gpus}`);
    const milliText = this.text(record, c.gpu_milli).trim();
    let milli = this.integer(record, c.gpu_milli, 'gpu_milli', line, gpus > 0 ? GPU_MILLI : 0);
    if (gpus === 0 && milli !== 0) {
      throw new InputError(
        this.file,
        line,
        'gpu_milli',
        `must be 0 or empty when gpus is 0, got ${quote(milliText)}`,
      );
    }
    if (gpus > 0 && (milli < 1 || milli > GPU_MILLI)) {
      throw new InputError(
        this.file,
        line,
        'gpu_milli',
        `expected an integer from 1 to ${GPU_MILLI} (thousandths of a GPU), got ${quote(milliText)}`,
      );
    }
    if (milli < GPU_MILLI && gpus > 1) {
      throw new InputError(
        this.file,
        line,
        'gpu_milli',
        `a share below ${GPU_MILLI} needs gpus = 1 (one shared GPU), got gpus = ${gpus}`,
      );
    }
    if (gpus === 0) milli = 0;
    row.gpus = gpus;
    row.gpuMilli = milli;
    const spec = this.text(record, c.gpu_spec).trim();
    row.gpuSpec = spec === '' ? '' : normaliseGpuSpec(spec);
  }

  private text(record: readonly string[], i: number): string {
    return i < 0 || i >= record.length ? '' : record[i];
  }

  private number(
    record: readonly string[],
    i: number,
    field: string,
    line: number,
    anySign: boolean,
  ): number {
    const s = this.text(record, i).trim();
    if (s === '') throw new InputError(this.file, line, field, 'missing value');
    if (!DECIMAL.test(s)) throw new InputError(this.file, line, field, `expected a number, got ${quote(s)}`);
    const v = Number(s);
    if (!Number.isFinite(v))
      throw new InputError(this.file, line, field, `expected a finite number, got ${quote(s)}`);
    if (!anySign && v < 0)
      throw new InputError(this.file, line, field, `expected a non-negative number, got ${quote(s)}`);
    // Bounded so that spans and time integrals stay finite (no metric can become NaN).
    if (Math.abs(v) > MAX_TRACE_SECONDS) {
      const max = MAX_TRACE_SECONDS.toLocaleString('en-US');
      throw new InputError(
        this.file,
        line,
        field,
        `expected at most ${max} seconds in magnitude, got ${quote(s)}`,
      );
    }
    return v;
  }

  private integer(
    record: readonly string[],
    i: number,
    field: string,
    line: number,
    dflt: number | undefined,
  ): number {
    const s = this.text(record, i).trim();
    if (s === '') {
      if (dflt === undefined) throw new InputError(this.file, line, field, 'missing value');
      return dflt;
    }
    const v = DECIMAL.test(s) ? Number(s) : Number.NaN;
    if (!Number.isInteger(v) || v < 0) {
      throw new InputError(this.file, line, field, `expected a non-negative integer, got ${quote(s)}`);
    }
    if (v > MAX_SIZE) {
      const max = MAX_SIZE.toLocaleString('en-US');
      throw new InputError(this.file, line, field, `expected at most ${max}, got ${quote(s)}`);
    }
    return v;
  }

  /**
   * `k=v;k2=v2` into Nova's dict order: first position of a key, its last value. Public for the
   * byte scanner (canonical-scanner.ts), which shares this cache and these rules.
   */
  extraSpecs(raw: string, line: number): ExtraSpecs | undefined {
    const key = raw.trim();
    if (key === '') return undefined;
    const cached = this.specCache.get(key);
    if (cached) return cached;
    const map = new Map<string, string>();
    for (const part of key.split(';')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      const k = eq < 0 ? '' : part.slice(0, eq).trim();
      if (k === '')
        throw new InputError(this.file, line, 'extra_specs', `expected key=value, got ${quote(part.trim())}`);
      map.set(k, part.slice(eq + 1).trim());
    }
    for (const [k, v] of map) {
      const problem = placementSpecProblem(k, v);
      if (problem !== undefined)
        throw new InputError(this.file, line, 'extra_specs', `${problem}, got ${quote(v)}`);
    }
    const specs: ExtraSpecs = { key, entries: [...map] };
    if (this.specCache.size >= 4096) this.specCache.clear();
    this.specCache.set(key, specs);
    return specs;
  }

  /** `image_props` (model/image-props.ts), cached per text; public for the byte scanner, as extraSpecs. */
  imageProps(raw: string, line: number): ImageProps | undefined {
    const cached = this.imageCache.get(raw);
    if (cached) return cached;
    const props = parseImageProps(raw);
    if (typeof props === 'string') throw new InputError(this.file, line, 'image_props', props);
    if (props === undefined) return undefined;
    if (this.imageCache.size >= 4096) this.imageCache.clear();
    this.imageCache.set(raw, props);
    return props;
  }
}

/** `a | b||c` as `a|b|c`: models trimmed, empty ones dropped. */
export function normaliseGpuSpec(raw: string): string {
  return raw
    .split('|')
    .map((m) => m.trim())
    .filter((m) => m !== '')
    .join('|');
}

/** `a; b;;c` as `['a', 'b', 'c']`, undefined when no id is left. */
export function idList(raw: string): readonly string[] | undefined {
  const ids = raw
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return ids.length > 0 ? ids : undefined;
}
