import type { RequestSpec } from '../../scheduler/request-spec.ts';
import type { FilterRequest } from '../types.ts';
import type { Partition, PartitionCache } from './indexed-partitions.ts';
import type { IndexedInit, IndexedPlan } from './indexed-plan.ts';

/**
 * Which static partition a request goes to: the hosts passing the static filters in force (AZ,
 * ComputeFilter, AggregateInstanceExtraSpecs, GPU models), found by the filters' own code on first
 * use and then by the request's static fields (the last request's again, or AZ and extra specs
 * without building a key).
 */
export class StaticPartitions {
  // The last full partition and the static request fields it was for.
  private last: Partition | undefined = undefined;
  private lastAz: string | undefined = undefined;
  private lastSpecs: string | undefined = undefined;
  private lastGpuSpec: readonly string[] | undefined = undefined;
  /** AZ -> extra specs key -> the full partition (null: none), for requests without GPUs. */
  private readonly byStatics = new Map<string | undefined, Map<string | undefined, Partition | null>>();

  constructor(
    private readonly init: IndexedInit,
    private readonly plan: IndexedPlan,
    private readonly partitions: PartitionCache,
    /** The decision's filter request (its spec is the request being decided; read by `fill`). */
    readonly req: FilterRequest,
  ) {}

  /** Does static filter `kind` act on this request (its preFilter's answer)? */
  inForce(kind: string, spec: RequestSpec): boolean {
    if (kind === 'az') return !!spec.availabilityZone;
    if (kind === 'compute') return !this.plan.allActive;
    if (kind === 'aies') return spec.extraSpecs !== undefined && spec.extraSpecs.entries.length > 0;
    return false;
  }

  /** The partition of hosts passing the static filters in force among the first `upto`. */
  partitionFor(spec: RequestSpec, upto: number): Partition | undefined {
    const full = upto === this.plan.kinds.length;
    // The last request's static fields again (the common case): no key to build.
    if (full && this.last !== undefined && this.sameStatics(spec)) {
      this.partitions.freshen();
      return this.last;
    }
    // Without GPUs the static fields are the AZ and extra specs: a lookup, no key built.
    const byStatics = full && (spec.flavor.gpus === 0 || spec.gpuSpec === undefined);
    let known: Map<string | undefined, Partition | null> | undefined;
    if (byStatics) {
      known = this.byStatics.get(spec.availabilityZone);
      const hit = known?.get(spec.extraSpecs?.key);
      if (hit !== undefined) {
        this.partitions.freshen();
        return this.remember(spec, hit ?? undefined);
      }
    }
    const p = this.partitionByKey(spec, upto);
    if (byStatics) {
      if (known === undefined) {
        known = new Map();
        this.byStatics.set(spec.availabilityZone, known);
      }
      known.set(spec.extraSpecs?.key, p ?? null);
    }
    return full ? this.remember(spec, p) : p;
  }

  /** The full partition of this request's static fields, kept as the last one. */
  private remember(spec: RequestSpec, p: Partition | undefined): Partition | undefined {
    this.last = p;
    this.lastAz = spec.availabilityZone;
    this.lastSpecs = spec.extraSpecs?.key;
    this.lastGpuSpec = spec.flavor.gpus !== 0 ? spec.gpuSpec : undefined;
    return p;
  }

  private sameStatics(spec: RequestSpec): boolean {
    return (
      spec.availabilityZone === this.lastAz &&
      spec.extraSpecs?.key === this.lastSpecs &&
      (spec.flavor.gpus !== 0 ? spec.gpuSpec : undefined) === this.lastGpuSpec
    );
  }

  private partitionByKey(spec: RequestSpec, upto: number): Partition | undefined {
    const { plan } = this;
    let key = '';
    for (let i = 0; i < upto; i++) {
      const kind = plan.kinds[i];
      if (kind === 'gpu') {
        if (spec.flavor.gpus !== 0 && spec.gpuSpec !== undefined)
          key += `\u0001g${spec.gpuSpec.join('\u0002')}`;
      } else if (this.inForce(kind, spec)) {
        if (kind === 'az') key += `\u0001a${spec.availabilityZone}`;
        else if (kind === 'compute') key += '\u0001c';
        else key += `\u0001e${spec.extraSpecs!.key}`;
      }
    }
    return this.partitions.get(key, this.fill, this, upto);
  }

  /** Mark the hosts passing the static filters in force among the first `upto` (their own code). */
  private fill(this: void, mask: Uint8Array, self: StaticPartitions, upto: number): boolean {
    const { plan, req } = self;
    const spec = req.spec;
    const t = self.init.cluster.hosts;
    mask.fill(1);
    for (let i = 0; i < upto; i++) {
      const kind = plan.kinds[i];
      if (kind === 'gpu') {
        const models = spec.gpuSpec;
        if (spec.flavor.gpus === 0 || models === undefined) continue;
        for (let h = 0; h < t.size; h++) if (!models.includes(t.gpuModel[h])) mask[h] = 0;
        continue;
      }
      if (!self.inForce(kind, spec)) continue;
      const filter = self.init.filters[i];
      if (!filter.preFilter(req)) continue;
      for (let h = 0; h < t.size; h++) if (mask[h] === 1 && !filter.hostPasses(h, req)) mask[h] = 0;
    }
    return true;
  }
}
