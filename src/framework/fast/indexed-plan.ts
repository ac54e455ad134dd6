import type { ClusterState } from '../../cluster/cluster-state.ts';
import { IndexField } from '../../cluster/host-index.ts';
import type { HostTable } from '../../cluster/host-table.ts';
import type { FilterOptions } from '../options.ts';
import { reusableFilterRequest } from '../request.ts';
import type { HostFilter, HostWeigher } from '../types.ts';
import { weighs } from '../weight-handler.ts';
import { wantsCombo } from './indexed-combo.ts';

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
  ['ImagePropertiesFilter', 'image'],
  ['ServerGroupAntiAffinityFilter', 'group'],
  ['ServerGroupAffinityFilter', 'group'],
  // Counts below a limit: pruned by the subtree minima (indexed-counts.ts).
  ['IoOpsFilter', 'ioops'],
  ['NumInstancesFilter', 'instances'],
  // Taken only when they would skip the request (no capabilities specs, no host hints).
  ['ComputeCapabilitiesFilter', 'caps'],
  ['SameHostFilter', 'hints'],
  ['DifferentHostFilter', 'hints'],
]);

/** The weighers it indexes: the tree field of each one's raw value (its max; min is the next). */
const WEIGHER_FIELDS: ReadonlyMap<string, IndexField> = new Map([
  ['RAMWeigher', IndexField.RamMax],
  ['CPUWeigher', IndexField.CpuMax],
  ['DiskWeigher', IndexField.DiskMax],
  ['IoOpsWeigher', IndexField.IoOpsMax],
  ['NumInstancesWeigher', IndexField.InstancesMax],
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
  /** WeightHandler's active weighers (multiplier non-zero on some host), in order, but the inert ones. */
  readonly weighers: readonly HostWeigher[];
  readonly weigherFields: readonly IndexField[];
  /** The tree fields to keep. */
  readonly fields: readonly IndexField[];
  /** The count filters' limits (IoOpsFilter, NumInstancesFilter): +Infinity when not configured. */
  readonly ioOpsMax: number;
  readonly instancesMax: number;
  /** ComputeCapabilitiesFilter, SameHostFilter or DifferentHostFilter is configured. */
  readonly caps: boolean;
  readonly hints: boolean;
  /**
   * Per active weigher: the server-group policy it weighs ('soft-affinity', 'soft-anti-affinity'),
   * or undefined for a resource weigher (then `weigherFields` holds its tree field).
   */
  readonly softPolicies: readonly (string | undefined)[];
  readonly anySoft: boolean;
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
  const weighers = init.weighers.filter((w) => weighs(w) && !inert(w));
  const t = cluster.hosts;
  const weigherFields: IndexField[] = [];
  const softPolicies: (string | undefined)[] = [];
  for (const w of weighers) {
    const soft = softPolicy(w);
    const field = soft === undefined ? weigherField(w, t) : IndexField.RamMax;
    if (field === undefined || w.preScore !== undefined) return undefined;
    weigherFields.push(field);
    softPolicies.push(soft);
  }
  const ioOpsMax = countLimit(filters, 'IoOpsFilter', t.numIoOps);
  const instancesMax = countLimit(filters, 'NumInstancesFilter', t.numInstances);
  if (Number.isNaN(ioOpsMax) || Number.isNaN(instancesMax)) return undefined;
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
  for (let j = 0; j < weigherFields.length; j++) {
    const f = weigherFields[j];
    if (softPolicies[j] === undefined) fields.push(f, (f + 1) as IndexField);
  }
  // The minima prune, the maxima count whole subtrees (survivors of multi-instance rows).
  if (has('ioops')) fields.push(IndexField.IoOpsMax, IndexField.IoOpsMin);
  if (has('instances')) fields.push(IndexField.InstancesMax, IndexField.InstancesMin);
  if (wantsCombo({ weighers, weigherFields, softPolicies })) fields.push(IndexField.ComboMax);
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
    ioOpsMax,
    instancesMax,
    caps: has('caps'),
    hints: has('hints'),
    softPolicies,
    anySoft: softPolicies.some((p) => p !== undefined),
  };
}

/**
 * A weigher that adds exactly ±0 to every weight, left out of the plan: one finite value on every
 * host (normalised to 0 as lo == hi), unclamped, and a finite multiplier on every host.
 */
function inert(w: HostWeigher): boolean {
  return (
    w.constant === true &&
    w.raises !== true &&
    w.minval === undefined &&
    w.maxval === undefined &&
    w.multipliers.every(Number.isFinite)
  );
}

/** The tree field of a resource weigher's raw value, when its own form reads the table's array. */
function weigherField(w: HostWeigher, t: HostTable): IndexField | undefined {
  const field = WEIGHER_FIELDS.get(w.name);
  const form = w.fusedForm;
  if (field === IndexField.IoOpsMax)
    return form?.kind === 'array' && form.values === t.numIoOps ? field : undefined;
  if (field === IndexField.InstancesMax)
    return form?.kind === 'array' && form.values === t.numInstances ? field : undefined;
  return field;
}

/** The group policy a soft server-group weigher weighs (by its own form), else undefined. */
function softPolicy(w: HostWeigher): string | undefined {
  if (w.name !== 'ServerGroupSoftAffinityWeigher' && w.name !== 'ServerGroupSoftAntiAffinityWeigher')
    return undefined;
  const form = w.fusedForm;
  if (form?.kind !== 'group') return undefined;
  const expected = w.name === 'ServerGroupSoftAffinityWeigher' ? 'soft-affinity' : 'soft-anti-affinity';
  const sign = expected === 'soft-affinity' ? 1 : -1;
  return form.policy === expected && form.sign === sign ? expected : undefined;
}

/**
 * A count filter's limit from its own form (`values[h] < max` over the table's array): +Infinity
 * when the filter is not configured, NaN when its form is not that.
 */
function countLimit(filters: readonly HostFilter[], name: string, values: Int32Array): number {
  let limit = Number.POSITIVE_INFINITY;
  for (const f of filters) {
    if (f.name !== name) continue;
    const form = f.fusedForm?.(reusableFilterRequest(0));
    if (form?.kind !== 'below' || form.values !== values || !Number.isFinite(form.max)) return Number.NaN;
    // Twice configured: both apply, the lower limit decides.
    if (form.max < limit) limit = form.max;
  }
  return limit;
}
