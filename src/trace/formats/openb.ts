// Alibaba openb 2023 (cluster-trace-gpu-v2023): node list → hosts, pod list → canonical rows.
// The mapping and its rules are the openb table in traces/README.md.
import { InputError } from '../../common/errors.ts';
import { MAX_SIZE } from '../../common/limits.ts';
import { CREATE, type TraceRow } from '../row.ts';
import type { ConvertedHost } from './cluster-out.ts';
import { FieldReader } from './records.ts';

export const OPENB_NODE_COLUMNS = ['sn', 'cpu_milli', 'memory_mib', 'gpu', 'model'] as const;
const POD_REQUIRED = ['name', 'cpu_milli', 'memory_mib', 'num_gpu', 'gpu_milli'] as const;
const POD_OPTIONAL = ['gpu_spec', 'creation_time', 'deletion_time'] as const;
const MAX_GPUS = 64;

/** Which openb list a header row starts: the node list, the pod list, or neither (an error). */
export function openbKind(file: string, header: readonly string[]): 'nodes' | 'pods' {
  const first = header[0]?.trim();
  if (first === 'sn') return 'nodes';
  if (first === 'name') return 'pods';
  throw new InputError(
    file,
    1,
    undefined,
    'not an openb file: expected a node list header (sn,cpu_milli,...) or a pod list header (name,cpu_milli,...)',
  );
}

/** Column positions of a header, requiring `required`; -1 for an absent optional column. */
function columns<T extends string>(
  file: string,
  header: readonly string[],
  required: readonly T[],
  optional: readonly T[],
): Record<T, number> {
  const at = (c: T) => header.findIndex((h) => h.trim() === c);
  const out = {} as Record<T, number>;
  for (const c of required) {
    out[c] = at(c);
    if (out[c] < 0)
      throw new InputError(file, 1, c, `missing column (an openb list needs ${required.join(', ')})`);
  }
  for (const c of optional) out[c] = at(c);
  return out;
}

/**
 * One node list row as a host. Cores: floor(cpu_milli / 1000), so a host never offers more than
 * it has (every openb node has whole cores); MiB are Nova's MB; no disk in openb: 0 GB.
 */
export class OpenbNodeMapper {
  private readonly f: FieldReader;
  private readonly c: Record<(typeof OPENB_NODE_COLUMNS)[number], number>;

  constructor(file: string, header: readonly string[]) {
    this.c = columns(file, header, OPENB_NODE_COLUMNS, []);
    this.f = new FieldReader(
      file,
      header.map((h) => h.trim()),
    );
  }

  host(record: readonly string[], line: number): ConvertedHost {
    const f = this.f.at(record, line);
    const c = this.c;
    const name = f.text(c.sn);
    if (name === '') throw f.error('sn', 'missing value');
    const gpus = f.integer(c.gpu, MAX_GPUS);
    return {
      name,
      vcpus: Math.floor(f.number(c.cpu_milli) / 1000),
      memory_mb: f.integer(c.memory_mib, MAX_SIZE),
      disk_gb: 0,
      gpus,
      gpu_model: gpus > 0 ? f.text(c.model) : '',
    };
  }
}

/**
 * One pod list row (11-column or 5-column form) as a canonical create row. Every pod is kept
 * whatever its qos and pod_phase (a Failed or Pending pod still asked for its resources).
 */
export class OpenbPodMapper {
  private readonly f: FieldReader;
  private readonly c: Record<(typeof POD_REQUIRED)[number] | (typeof POD_OPTIONAL)[number], number>;
  /** The 5-column form has no times: every pod arrives at 0, in file order, and never leaves. */
  readonly timed: boolean;

  constructor(file: string, header: readonly string[]) {
    this.c = columns(file, header, POD_REQUIRED, POD_OPTIONAL);
    this.f = new FieldReader(
      file,
      header.map((h) => h.trim()),
    );
    this.timed = this.c.creation_time >= 0;
  }

  /** Fill `row` (the reader's reused row) from one record. */
  map(record: readonly string[], line: number, row: TraceRow): void {
    const f = this.f.at(record, line);
    const c = this.c;
    row.line = line;
    row.event = CREATE;
    row.id = f.text(c.name);
    if (row.id === '') throw f.error('name', 'missing value');
    // Ceil: a fractional core (openb has 0.5-core pods) is a whole vCPU, so no pod gets less than it asked.
    row.vcpus = f.size(c.cpu_milli, Math.ceil(f.number(c.cpu_milli) / 1000), 'vCPUs');
    row.memoryMb = f.integer(c.memory_mib, MAX_SIZE);
    row.diskGb = 0;
    row.count = 1;
    row.az = '';
    row.group = '';
    row.groupPolicy = '';
    row.extraSpecs = undefined;
    row.sameHost = undefined;
    row.differentHost = undefined;
    row.gpus = f.integer(c.num_gpu, MAX_GPUS);
    const milli = f.integer(c.gpu_milli, 1000, 0);
    if (row.gpus === 0 && milli !== 0) throw f.error('gpu_milli', `${milli} with num_gpu 0`);
    if (row.gpus > 0 && milli === 0) throw f.error('gpu_milli', `0 with num_gpu ${row.gpus}`);
    if (milli > 0 && milli < 1000 && row.gpus !== 1)
      throw f.error('gpu_milli', `a share (${milli}) needs num_gpu 1, got ${row.gpus}`);
    row.gpuMilli = milli;
    row.gpuSpec = c.gpu_spec >= 0 ? f.text(c.gpu_spec) : '';
    if (!this.timed) {
      row.time = 0;
      row.duration = Number.NaN;
      return;
    }
    // Within the bounds of the trace decoder (decode.ts), as the sizes above.
    row.time = f.seconds(c.creation_time);
    row.duration = c.deletion_time >= 0 ? f.lifetime(c.deletion_time, row.time, c.creation_time) : Number.NaN;
  }
}
