import type { HostTable } from '../../cluster/host-table.ts';
import { cpuFits, diskFits, gpuFits, ramFits } from '../../cluster/usage.ts';
import type { FilterForm } from '../fused-form.ts';
import type { GroupView } from '../group-view.ts';

const MAX_SLOTS = 8;

/**
 * The conjunction of the filter forms (fused-form.ts) deferred so far in one decision, evaluated per
 * host with no call through a filter: one flag per kind, masks and `below` limits in small slots.
 * Filters are conjunctive, so deferring them changes no verdict; the caller keeps the order where it
 * matters (which filter empties the list, preFilter calls).
 */
export class FusedPredicate {
  private ram = false;
  private ramMb = 0;
  private cpu = false;
  private vcpus = 0;
  private disk = false;
  private diskGb = 0;
  private gpu = false;
  private gpuAllowed: Uint8Array | undefined = undefined;
  private gpus = 0;
  private gpuMilli = 0;
  private group = false;
  private groupMin = Number.NEGATIVE_INFINITY;
  private groupMax = Number.POSITIVE_INFINITY;
  private masks = 0;
  private readonly mask: Uint8Array[] = [];
  private readonly want = new Int32Array(MAX_SLOTS);
  private belows = 0;
  private readonly belowValues: Int32Array[] = [];
  private readonly belowMax = new Float64Array(MAX_SLOTS);

  constructor(
    private readonly t: HostTable,
    private readonly groupView: GroupView,
  ) {}

  reset(): void {
    this.ram = this.cpu = this.disk = this.gpu = this.group = false;
    this.groupMin = Number.NEGATIVE_INFINITY;
    this.groupMax = Number.POSITIVE_INFINITY;
    this.masks = this.belows = 0;
  }

  /** Defer `form`; false when it cannot be held (the caller then applies the filter itself). */
  add(form: FilterForm): boolean {
    switch (form.kind) {
      case 'ram':
        if (this.ram && this.ramMb !== form.amount) return false;
        this.ram = true;
        this.ramMb = form.amount;
        return true;
      case 'cpu':
        if (this.cpu && this.vcpus !== form.amount) return false;
        this.cpu = true;
        this.vcpus = form.amount;
        return true;
      case 'disk':
        if (this.disk && this.diskGb !== form.amount) return false;
        this.disk = true;
        this.diskGb = form.amount;
        return true;
      case 'gpu':
        if (this.gpu) return false;
        this.gpu = true;
        this.gpuAllowed = form.allowed;
        this.gpus = form.gpus;
        this.gpuMilli = form.milli;
        return true;
      case 'group':
        this.group = true;
        if (form.min > this.groupMin) this.groupMin = form.min;
        if (form.max < this.groupMax) this.groupMax = form.max;
        return true;
      case 'mask':
        if (this.masks === MAX_SLOTS) return false;
        this.mask[this.masks] = form.mask;
        this.want[this.masks++] = form.want;
        return true;
      case 'below':
        if (this.belows === MAX_SLOTS) return false;
        this.belowValues[this.belows] = form.values;
        this.belowMax[this.belows++] = form.max;
        return true;
    }
  }

  /**
   * The hosts of `src[from..to)` passing, into `out` from 0 (out may be src: compaction in place);
   * their count. One loop generated per shape of the conjunction (which kinds, how many masks and
   * limits), so no flag is tested and no slot loop runs per host; the checks are `passes`'s.
   */
  collect(src: Int32Array, from: number, to: number, out: Int32Array): number {
    const shape =
      this.masks |
      (this.belows << 4) |
      (this.ram ? 1 << 8 : 0) |
      (this.cpu ? 1 << 9 : 0) |
      (this.disk ? 1 << 10 : 0) |
      (this.group ? 1 << 11 : 0) |
      (this.gpu ? 1 << 12 : 0);
    let f = collectors.get(shape);
    if (f === undefined) {
      f = compileCollector(this.masks, this.belows, this.ram, this.cpu, this.disk, this.group, this.gpu);
      collectors.set(shape, f);
    }
    return f(
      src,
      from,
      to,
      out,
      this.t,
      this,
      this.groupView.countsByHost,
      ramFits,
      cpuFits,
      diskFits,
      gpuFits,
    );
  }

  passes(h: number): boolean {
    const t = this.t;
    for (let j = 0; j < this.masks; j++) if (this.mask[j][h] !== this.want[j]) return false;
    if (this.ram && !ramFits(t, h, this.ramMb)) return false;
    if (this.cpu && !cpuFits(t, h, this.vcpus)) return false;
    if (this.disk && !diskFits(t, h, this.diskGb)) return false;
    for (let j = 0; j < this.belows; j++) if (!(this.belowValues[j][h] < this.belowMax[j])) return false;
    if (this.group) {
      const c = this.groupView.count(h);
      if (c < this.groupMin || c > this.groupMax) return false;
    }
    if (this.gpu) {
      const a = this.gpuAllowed;
      if ((a !== undefined && a[h] !== 1) || !gpuFits(t, h, this.gpus, this.gpuMilli)) return false;
    }
    return true;
  }
}

type Collector = (
  src: Int32Array,
  from: number,
  to: number,
  out: Int32Array,
  t: HostTable,
  p: FusedPredicate,
  counts: Int32Array,
  fitsRam: typeof ramFits,
  fitsCpu: typeof cpuFits,
  fitsDisk: typeof diskFits,
  fitsGpu: typeof gpuFits,
) => number;

const collectors = new Map<number, Collector>();

/** FusedPredicate.collect's loop for one shape: `passes`'s checks in its order, unrolled. */
function compileCollector(
  masks: number,
  belows: number,
  ram: boolean,
  cpu: boolean,
  disk: boolean,
  group: boolean,
  gpu: boolean,
): Collector {
  const head: string[] = ['const ramMb = p.ramMb, vcpus = p.vcpus, diskGb = p.diskGb;'];
  const body: string[] = [];
  for (let j = 0; j < masks; j++) {
    head.push(`const k${j} = p.mask[${j}], w${j} = p.want[${j}];`);
    body.push(`if (k${j}[h] !== w${j}) continue;`);
  }
  if (ram) body.push('if (!fitsRam(t, h, ramMb)) continue;');
  if (cpu) body.push('if (!fitsCpu(t, h, vcpus)) continue;');
  if (disk) body.push('if (!fitsDisk(t, h, diskGb)) continue;');
  for (let j = 0; j < belows; j++) {
    head.push(`const b${j} = p.belowValues[${j}], bm${j} = p.belowMax[${j}];`);
    body.push(`if (!(b${j}[h] < bm${j})) continue;`);
  }
  if (group) {
    head.push('const gmin = p.groupMin, gmax = p.groupMax;');
    body.push('{ const c = counts[h]; if (c < gmin || c > gmax) continue; }');
  }
  if (gpu) {
    head.push('const ga = p.gpuAllowed, gpus = p.gpus, gpuMilli = p.gpuMilli;');
    body.push('if ((ga !== undefined && ga[h] !== 1) || !fitsGpu(t, h, gpus, gpuMilli)) continue;');
  }
  const code = [
    ...head,
    'let kept = 0;',
    'for (let i = from; i < to; i++) {',
    '  const h = src[i];',
    ...body.map((b) => `  ${b}`),
    '  out[kept++] = h;',
    '}',
    'return kept;',
  ].join('\n');
  return new Function(
    'src',
    'from',
    'to',
    'out',
    't',
    'p',
    'counts',
    'fitsRam',
    'fitsCpu',
    'fitsDisk',
    'fitsGpu',
    code,
  ) as Collector;
}
