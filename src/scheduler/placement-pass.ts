import type { ClusterState } from '../cluster/cluster-state.ts';
import type { PlacementQuery } from '../cluster/placement.ts';
import { ContractError } from '../common/errors.ts';
import type { PlacementPass } from './driver.ts';

/**
 * One pass's Placement answer, as the manager keeps it: the query is made when the pass starts,
 * the candidate list only when a driver first reads it (nova-zed's tree index never does), and
 * whether a host is a candidate is a stamp test on that list, or without it, when the limit
 * cannot cut the list short, the query's own test for that host.
 */
export class ManagerPlacementPass implements PlacementPass {
  query!: PlacementQuery;
  complete = false;
  maxAlternates = 0;
  private list: Int32Array | undefined = undefined;
  private readonly buffer: Int32Array;
  private readonly stamps: Uint32Array;
  private stamp = 0;
  /** A claim was made in this pass before the list was read: it can no longer be read. */
  private claimed = false;

  constructor(private readonly cluster: ClusterState) {
    this.buffer = new Int32Array(cluster.hosts.size);
    this.stamps = new Uint32Array(cluster.hosts.size);
  }

  /** Start a pass: its query, and the alternates wanted per instance. */
  begin(query: PlacementQuery, maxAlternates: number): void {
    this.query = query;
    this.maxAlternates = maxAlternates;
    this.complete = this.cluster.hosts.size <= query.limit;
    this.list = undefined;
    this.claimed = false;
  }

  get candidates(): Int32Array {
    if (this.list === undefined) {
      if (this.claimed) {
        throw new ContractError(
          'read placement.candidates after provisioning in the same pass (read it first)',
        );
      }
      const n = this.cluster.placementCandidates(this.query, this.buffer);
      this.stamp = (this.stamp + 1) >>> 0 || 1;
      for (let i = 0; i < n; i++) this.stamps[this.buffer[i]] = this.stamp;
      this.list = this.buffer.subarray(0, n);
    }
    return this.list;
  }

  /** Is host `h` one of this pass's candidates? Called before each claim. */
  has(h: number): boolean {
    if (this.list === undefined && this.complete) {
      this.claimed = true;
      return this.cluster.placementMatches(this.query, h);
    }
    return this.candidates !== undefined && this.stamps[h] === this.stamp;
  }
}
