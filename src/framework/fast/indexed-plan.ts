import type { ClusterState } from '../../cluster/cluster-state.ts';
import { IndexField } from '../../cluster/host-index.ts';
import type { FilterOptions } from '../options.ts';
import { reusableFilterRequest } from '../request.ts';
import type { HostFilter, HostWeigher } from '../types.ts';

/**
 * What the index is built from: index.ts's FastPathInit, restated here so the fast paths do not
 * import the module that imports them.
 */
export interface IndexedInit {
  readonly cluster: ClusterState;
  readonly options: FilterOptions;
  readonly filters: readonly HostFilter[];
  readonly weighers: readonly HostWeigher[];
}

/** How the index treats each filter it knows (by its built-in name: catalogs cannot shadow one). */
const FILTER_KINDS: ReadonlyMap<string, string> = new Map([
  ['RetryFilter', 'retry'],
  ['AvailabilityZoneFilter', 'az'],
  ['ComputeFilter', 'compute'],
  ['RamFilter', 'ram'],
  ['CoreFilter', 'cpu'],
  ['DiskFilter', 'disk'],
  ['GpuFilter', 'gpu'],
  ['AggregateInstanceExtraSpecsFilter', 'aies'],
  ['ServerGroupAntiAffinityFilter', 'group'],
  ['ServerGroupAffinityFilter', 'group'],
]);

/** The weighers it indexes: the tree field of each one's raw value (its max; min is the next). */
const WEIGHER_FIELDS: ReadonlyMap<string, IndexField> = new Map([
  ['RAMWeigher', IndexField.RamMax],
  ['CPUWeigher', IndexField.CpuMax],
  ['DiskWeigher', IndexField.DiskMax],
]);

/** What the indexed fast path needs to know about a FilterScheduler's configuration. */
export interface IndexedPlan {
  /** Per configured filter, in order: its kind (FILTER_KINDS) and name. */
  readonly kinds: readonly string[];
  readonly names: readonly string[];
  readonly retry: boolean;
  readonly groupFilters: boolean;
  /** Where ServerGroupAntiAffinityFilter / ServerGroupAffinityFilter are in the list, or −1. */
  readonly antiAt: number;
  readonly affinityAt: number;
  readonly ram: boolean;
  readonly cpu: boolean;
  readonly disk: boolean;
  readonly gpu: boolean;
  /** ComputeFilter's skip answer: every host enabled and up. */
  readonly allActive: boolean;
  /** WeightHandler's active weighers (multiplier non-zero on some host), in order. */
  readonly weighers: readonly HostWeigher[];
  readonly weigherFields: readonly IndexField[];
  /** The tree fields to keep. */
  readonly fields: readonly IndexField[];
}

/** The plan, or undefined when the configuration has a filter or weigher the index cannot decide. */
export function planIndexed(init: IndexedInit): IndexedPlan | undefined {
  const { options, filters, cluster } = init;
  if (options.host_subset_size !== 1) return undefined;
  const kinds: string[] = [];
  for (const f of filters) {
    const kind = FILTER_KINDS.get(f.name);
    if (kind === undefined) return undefined;
    kinds.push(kind);
  }
  const weighers = init.weighers.filter((w) => w.multipliers.some((m) => m !== 0));
  const weigherFields: IndexField[] = [];
  for (const w of weighers) {
    const field = WEIGHER_FIELDS.get(w.name);
    if (field === undefined || w.preScore !== undefined) return undefined;
    weigherFields.push(field);
  }
  const t = cluster.hosts;
  // The index's bounds assume finite numbers (so weights are finite and comparable).
  const statics = [
    t.totalUsableRamMb,
    t.totalUsableDiskGb,
    t.vcpusTotal,
    t.ramAllocationRatio,
    t.cpuAllocationRatio,
    t.diskAllocationRatio,
    t.freeRamMb,
    t.freeDiskMb,
    t.vcpusUsed,
  ];
  for (const a of statics) for (let h = 0; h < t.size; h++) if (!Number.isFinite(a[h])) return undefined;
  const has = (k: string) => kinds.includes(k);
  const fields: IndexField[] = [];
  // The minima serve the survivors count of multi-instance rows.
  if (has('ram')) fields.push(IndexField.RamFit, IndexField.RamFitMin);
  if (has('cpu')) fields.push(IndexField.CpuFit, IndexField.CpuFitMin);
  if (has('disk')) fields.push(IndexField.DiskFit, IndexField.DiskFitMin);
  if (has('gpu')) fields.push(IndexField.GpuIdle, IndexField.GpuShare);
  for (const f of weigherFields) fields.push(f, (f + 1) as IndexField);
  const compute = filters.find((f) => f.name === 'ComputeFilter');
  return {
    kinds,
    names: filters.map((f) => f.name),
    retry: has('retry'),
    groupFilters: has('group'),
    antiAt: filters.findIndex((f) => f.name === 'ServerGroupAntiAffinityFilter'),
    affinityAt: filters.findIndex((f) => f.name === 'ServerGroupAffinityFilter'),
    ram: has('ram'),
    cpu: has('cpu'),
    disk: has('disk'),
    gpu: has('gpu'),
    // Its own answer (it takes no request fields).
    allActive: compute === undefined || !compute.preFilter(reusableFilterRequest(0)),
    weighers,
    weigherFields,
    fields,
  };
}
