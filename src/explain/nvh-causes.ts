import type { ClusterState } from '../cluster/cluster-state.ts';
import type { Flavor } from '../model/flavor.ts';
import type { ReplayObserver } from '../replay/observer.ts';
import type { InstanceOutcome } from '../scheduler/outcome.ts';
import { fitsEmptyCluster } from './nearest-miss.ts';

/** The resource each classic resource filter stands for; any other filter is `other`. */
const RESOURCE_OF_FILTER: Readonly<Record<string, 'ram' | 'vcpus' | 'disk' | 'gpus'>> = {
  RamFilter: 'ram',
  CoreFilter: 'vcpus',
  DiskFilter: 'disk',
  GpuFilter: 'gpus',
};

/** The report's NoValidHost causes (report schema `explain.no_valid_host_causes`). */
export interface NoValidHostCauses {
  /** Per filter that removed the last hosts (`none`: no filter did), most first. */
  readonly by_filter: { readonly filter: string; readonly instances: number }[];
  /** The emptying filter's resource (RamFilter: ram...); `other` for the other filters and none. */
  readonly by_resource: {
    readonly ram: number;
    readonly vcpus: number;
    readonly disk: number;
    readonly gpus: number;
    readonly other: number;
  };
  /** Requests no enabled, up host could take even if the cluster were empty (not capacity). */
  readonly impossible_on_empty_cluster: number;
  /** The rest: a fitting host exists in principle, the cluster was too full (or the filters said no). */
  readonly capacity: number;
}

/**
 * Counts each NoValidHost by cause. Only NoValidHost outcomes cost anything: a map increment, and
 * the empty-cluster fit, computed once per flavor shape.
 */
export class NoValidHostCauseCounter implements ReplayObserver {
  private cluster: ClusterState | undefined;
  private readonly byFilter = new Map<string, number>();
  private readonly byResource = { ram: 0, vcpus: 0, disk: 0, gpus: 0, other: 0 };
  private readonly emptyFit = new Map<string, boolean>();
  private impossible = 0;
  private total = 0;

  begin(cluster: ClusterState): void {
    this.cluster = cluster;
  }

  instanceScheduled(o: InstanceOutcome): void {
    if (o.host >= 0) return;
    this.total++;
    const filter = o.emptiedBy ?? 'none';
    this.byFilter.set(filter, (this.byFilter.get(filter) ?? 0) + 1);
    this.byResource[RESOURCE_OF_FILTER[filter] ?? 'other']++;
    if (!this.fitsEmpty(o.spec.flavor)) this.impossible++;
  }

  private fitsEmpty(f: Flavor): boolean {
    const key = `${f.vcpus},${f.memoryMb},${f.diskGb},${f.gpus},${f.gpuMilli}`;
    let fits = this.emptyFit.get(key);
    if (fits === undefined) {
      fits = this.cluster ? fitsEmptyCluster(this.cluster.hosts, f) : true;
      this.emptyFit.set(key, fits);
    }
    return fits;
  }

  summary(): NoValidHostCauses {
    return {
      by_filter: [...this.byFilter]
        .map(([filter, instances]) => ({ filter, instances }))
        .sort((a, b) => b.instances - a.instances || (a.filter < b.filter ? -1 : 1)),
      by_resource: { ...this.byResource },
      impossible_on_empty_cluster: this.impossible,
      capacity: this.total - this.impossible,
    };
  }
}
