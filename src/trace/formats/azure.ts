// Azure public VM trace (AzurePublicDataset V1/V2 vmtable.csv, no header): one VM → one create row.
// Schema: github.com/Azure/AzurePublicDataset, AzurePublicDatasetV2.md. Rules: traces/README.md.
import { UsageError } from '../../common/errors.ts';
import { MAX_HOSTS } from '../../common/limits.ts';
import { quote } from '../../common/safe-text.ts';
import { CREATE, type TraceRow } from '../row.ts';
import type { ConvertedHost } from './cluster-out.ts';
import { FieldReader } from './records.ts';

export const AZURE_COLUMNS = [
  'vmid',
  'subscriptionid',
  'deploymentid',
  'vmcreated',
  'vmdeleted',
  'maxcpu',
  'avgcpu',
  'p95maxcpu',
  'vmcategory',
  'vmcorecountbucket',
  'vmmemorybucket',
] as const;
const C = Object.fromEntries(AZURE_COLUMNS.map((c, i) => [c, i])) as Record<
  (typeof AZURE_COLUMNS)[number],
  number
>;

/**
 * A bucket as a size: a number is the bucket's upper bound, taken as is (a VM never gets less than
 * its bucket allows); `>N`, the open top bucket, is taken as 2N (an assumption: the trace says no more).
 */
export function bucketSize(f: FieldReader, i: number): number {
  const s = f.text(i);
  const open = s.startsWith('>');
  const v = Number(open ? s.slice(1) : s);
  if (s === '' || !Number.isFinite(v) || v <= 0)
    throw f.error(AZURE_COLUMNS[i], `expected a bucket (a number or >N), got ${quote(s)}`);
  return open ? 2 * v : v;
}

/**
 * The synthesised cluster's host: 64 vCPUs and 512 GB, enough for the largest bucket VM (`>24`
 * cores, 48 vCPUs; `>64` GB, 128 GB) with room to pack several.
 */
export const AZURE_HOST = { vcpus: 64, memoryMb: 512 * 1024 } as const;

/** One vmtable row as a create row: deployments become soft-anti-affinity server groups. */
export class AzureVmMapper {
  private readonly f: FieldReader;

  constructor(file: string) {
    this.f = new FieldReader(file, AZURE_COLUMNS);
  }

  map(record: readonly string[], line: number, row: TraceRow): void {
    const f = this.f.at(record, line);
    row.line = line;
    row.event = CREATE;
    row.id = f.text(C.vmid);
    if (row.id === '') throw f.error('vmid', 'missing value');
    // Every value within the bounds of the trace decoder (decode.ts): what `run --trace-format
    // azure` replays is what `convert --from azure` writes and `run` reads back.
    row.time = f.seconds(C.vmcreated);
    row.duration = f.lifetime(C.vmdeleted, row.time, C.vmcreated);
    row.vcpus = f.size(C.vmcorecountbucket, Math.ceil(bucketSize(f, C.vmcorecountbucket)), 'vCPUs');
    row.memoryMb = f.size(C.vmmemorybucket, Math.ceil(bucketSize(f, C.vmmemorybucket) * 1024), 'MB');
    row.diskGb = 0;
    row.count = 1;
    row.az = '';
    const deployment = f.text(C.deploymentid);
    row.group = deployment;
    row.groupPolicy = deployment === '' ? '' : 'soft-anti-affinity';
    row.extraSpecs = undefined;
    row.sameHost = undefined;
    row.differentHost = undefined;
    row.gpus = 0;
    row.gpuMilli = 0;
    row.gpuSpec = '';
  }
}

/**
 * Sizes the synthesised cluster while the rows stream past: the peak of concurrent vCPUs and
 * memory over the trace's own times (a min-heap of live VMs' departures, so memory follows the
 * live set, not the trace length), then enough AZURE_HOST hosts for that peak.
 */
export class PeakDemand {
  private readonly due: number[] = [];
  private readonly cpu: number[] = [];
  private readonly mem: number[] = [];
  private liveCpu = 0;
  private liveMem = 0;
  peakCpu = 0;
  peakMem = 0;

  /** One arrival; arrivals must come in time order. `duration` NaN: never leaves. */
  add(time: number, duration: number, vcpus: number, memoryMb: number): void {
    while (this.due.length > 0 && this.due[0] <= time) this.pop();
    this.liveCpu += vcpus;
    this.liveMem += memoryMb;
    this.peakCpu = Math.max(this.peakCpu, this.liveCpu);
    this.peakMem = Math.max(this.peakMem, this.liveMem);
    if (!Number.isNaN(duration)) this.push(time + duration, vcpus, memoryMb);
  }

  hosts(): ConvertedHost[] {
    const n = Math.max(
      1,
      Math.ceil(this.peakCpu / AZURE_HOST.vcpus),
      Math.ceil(this.peakMem / AZURE_HOST.memoryMb),
    );
    if (n > MAX_HOSTS)
      throw new UsageError(
        `convert --from azure: the peak demand (${this.peakCpu} vCPUs, ${this.peakMem} MB) needs ${n} hosts of ${AZURE_HOST.vcpus} vCPUs and ${AZURE_HOST.memoryMb} MB, above the limit of ${MAX_HOSTS.toLocaleString('en-US')} hosts`,
      );
    const width = Math.max(4, String(n).length);
    return Array.from({ length: n }, (_, i) => ({
      name: `azure-${String(i + 1).padStart(width, '0')}`,
      vcpus: AZURE_HOST.vcpus,
      memory_mb: AZURE_HOST.memoryMb,
      disk_gb: 0,
      gpus: 0,
      gpu_model: '',
    }));
  }

  private push(t: number, c: number, m: number): void {
    const { due, cpu, mem } = this;
    let i = due.length;
    due.push(t);
    cpu.push(c);
    mem.push(m);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (due[p] <= t) break;
      due[i] = due[p];
      cpu[i] = cpu[p];
      mem[i] = mem[p];
      i = p;
    }
    due[i] = t;
    cpu[i] = c;
    mem[i] = m;
  }

  private pop(): void {
    const { due, cpu, mem } = this;
    this.liveCpu -= cpu[0];
    this.liveMem -= mem[0];
    const t = due.pop()!;
    const c = cpu.pop()!;
    const m = mem.pop()!;
    const n = due.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let k = 2 * i + 1;
      if (k >= n) break;
      if (k + 1 < n && due[k + 1] < due[k]) k++;
      if (due[k] >= t) break;
      due[i] = due[k];
      cpu[i] = cpu[k];
      mem[i] = mem[k];
      i = k;
    }
    due[i] = t;
    cpu[i] = c;
    mem[i] = m;
  }
}
