import type { ClusterState, Flavor } from '../../src/cluster/cluster-state.ts';
import type { HostTable } from '../../src/cluster/host-table.ts';

/** The host-table fields that change as instances come and go: what a cache can get wrong. */
const USAGE_FIELDS = ['freeRamMb', 'freeDiskMb', 'vcpusUsed', 'numInstances', 'numIoOps'] as const;

/**
 * A scheduler's cached copy of host usage (Nova's CachingScheduler keeps its HostState objects between
 * periodic refreshes). `cluster` is a view of the real cluster state whose host table reads usage from
 * the copy and everything static (capacities, ratios, AZs, aggregates, traits, service state) from the
 * real table; live instances and server groups are read live, as Nova's request spec brings the group
 * from the database. Filters and weighers built on `cluster` see the cache, never the truth.
 */
export class HostCache {
  readonly cluster: ClusterState;
  readonly hosts: HostTable;

  constructor(private readonly truth: ClusterState) {
    const t = truth.hosts;
    const own: PropertyDescriptorMap = {};
    for (const f of USAGE_FIELDS) own[f] = { value: t[f].slice(), enumerable: true };
    this.hosts = Object.create(t, own) as HostTable;
    this.cluster = Object.create(truth, { hosts: { value: this.hosts, enumerable: true } }) as ClusterState;
  }

  /** Copy the real usage into the cache (the periodic refresh). */
  refresh(): void {
    const t = this.truth.hosts;
    const c = this.hosts;
    for (const f of USAGE_FIELDS) (c[f] as Float64Array | Int32Array).set(t[f] as never);
  }

  /**
   * Nova's `consume_from_request` on the cached HostState when the scheduler selects the host: done
   * before, and whatever the result of, the compute node's claim.
   */
  consume(h: number, f: Flavor): void {
    const c = this.hosts;
    c.freeRamMb[h] -= f.memoryMb;
    c.freeDiskMb[h] -= f.diskGb * 1024;
    c.vcpusUsed[h] += f.vcpus;
    c.numInstances[h] += 1;
    c.numIoOps[h] += 1;
  }
}
