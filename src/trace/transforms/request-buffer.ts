import type { ExtraSpecs } from '../../model/extra-specs.ts';
import type { GroupPolicy } from '../../model/group-policy.ts';
import type { ImageProps } from '../../model/image-props.ts';
import { CREATE, type TraceRow } from '../row.ts';

/** An interning table: each distinct value once, rows hold its index. */
class Symbols<T> {
  readonly values: T[] = [];
  private readonly index = new Map<string, number>();

  of(key: string, value: T): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(key, i);
    }
    return i;
  }
}

/** Interned strings per request. */
const STRINGS = 8;

function grow<T extends Float64Array | Int32Array>(a: T, n: number): T {
  if (n < a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(1024, 2 * a.length));
  b.set(a);
  return b;
}

/**
 * Every create request of a trace, held in columns (one typed array per number, the strings that
 * repeat interned): about 90 bytes per request plus its id. What --sort, --shuffle and --inflate
 * reorder and resample, as they need the whole request list.
 */
export class RequestBuffer {
  size = 0;
  line = new Int32Array(0);
  time = new Float64Array(0);
  duration = new Float64Array(0);
  vcpus = new Float64Array(0);
  memoryMb = new Float64Array(0);
  diskGb = new Float64Array(0);
  count = new Int32Array(0);
  gpus = new Int32Array(0);
  gpuMilli = new Int32Array(0);
  /** Interned: az, group, group_policy, extra_specs, same_host, different_host, gpu_spec, image_props. */
  strings = new Int32Array(0);
  readonly ids: string[] = [];
  private readonly text = new Symbols<string>();
  private readonly specs = new Symbols<ExtraSpecs | undefined>();
  private readonly lists = new Symbols<readonly string[] | undefined>();
  private readonly images = new Symbols<ImageProps | undefined>();

  add(r: TraceRow): void {
    const n = this.size;
    this.line = grow(this.line, n);
    this.time = grow(this.time, n);
    this.duration = grow(this.duration, n);
    this.vcpus = grow(this.vcpus, n);
    this.memoryMb = grow(this.memoryMb, n);
    this.diskGb = grow(this.diskGb, n);
    this.count = grow(this.count, n);
    this.gpus = grow(this.gpus, n);
    this.gpuMilli = grow(this.gpuMilli, n);
    this.strings = grow(this.strings, STRINGS * n + STRINGS - 1);
    this.line[n] = r.line;
    this.time[n] = r.time;
    this.duration[n] = r.duration;
    this.vcpus[n] = r.vcpus;
    this.memoryMb[n] = r.memoryMb;
    this.diskGb[n] = r.diskGb;
    this.count[n] = r.count;
    this.gpus[n] = r.gpus;
    this.gpuMilli[n] = r.gpuMilli;
    const s = STRINGS * n;
    this.strings[s] = this.text.of(r.az, r.az);
    this.strings[s + 1] = this.text.of(r.group, r.group);
    this.strings[s + 2] = this.text.of(r.groupPolicy, r.groupPolicy);
    this.strings[s + 3] = this.specs.of(r.extraSpecs?.key ?? '', r.extraSpecs);
    this.strings[s + 4] = this.lists.of(r.sameHost?.join(';') ?? '', r.sameHost);
    this.strings[s + 5] = this.lists.of(r.differentHost?.join(';') ?? '', r.differentHost);
    this.strings[s + 6] = this.text.of(r.gpuSpec, r.gpuSpec);
    this.strings[s + 7] = this.images.of(r.imageProps?.key ?? '', r.imageProps);
    this.ids.push(r.id);
    this.size++;
  }

  /** Fill `row` with request i (time and id are the caller's). */
  fill(i: number, row: TraceRow): void {
    row.line = this.line[i];
    row.event = CREATE;
    row.duration = this.duration[i];
    row.vcpus = this.vcpus[i];
    row.memoryMb = this.memoryMb[i];
    row.diskGb = this.diskGb[i];
    row.count = this.count[i];
    row.gpus = this.gpus[i];
    row.gpuMilli = this.gpuMilli[i];
    const s = STRINGS * i;
    const t = this.text.values;
    row.az = t[this.strings[s]];
    row.group = t[this.strings[s + 1]];
    row.groupPolicy = t[this.strings[s + 2]] as GroupPolicy | '';
    row.extraSpecs = this.specs.values[this.strings[s + 3]];
    row.sameHost = this.lists.values[this.strings[s + 4]];
    row.differentHost = this.lists.values[this.strings[s + 5]];
    row.gpuSpec = t[this.strings[s + 6]];
    row.imageProps = this.images.values[this.strings[s + 7]];
  }
}
