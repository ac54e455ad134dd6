import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import { GPU_MILLI, MAX_GPUS } from '../../src/common/limits.ts';

/** Kinds of GPU task (the simulator's GPU affinity): 0 a GPU share, n the n-whole-GPU task. */
export const GPU_KINDS = MAX_GPUS + 1;
const NO_GPU = -1;

/** The kind of a task with these GPUs (GetGpuAffinityFromPodAnnotation), or -1 for none. */
export function gpuKind(gpus: number, gpuMilli: number): number {
  if (gpus === 0) return NO_GPU;
  return gpus === 1 && gpuMilli < GPU_MILLI ? 0 : gpus;
}

/**
 * Per host, how many live instances of each GPU kind it holds: the simulator's
 * NodeResource.GpuAffinity, without walking the host's pods per score. A view derived from the
 * instance table, never a second record of usage: the claim and the release (ClusterState) stay the
 * only writers of the cluster, and this mirror follows them.
 *
 * How it follows, allocation-free:
 * - arrivals: the driver tells `placedMaybe(id)` the instance its last decision sent to a host
 *   (every placement of this driver is one decision); at the next decision `absorbPending` looks it up in
 *   the instance table and, if the claim succeeded and the instance is still live, records it;
 * - departures (replay deletes, all-or-nothing rollbacks): a host whose instance count in the host
 *   table differs from the count recorded here is resynced before it is scored: its recorded slots
 *   (an intrusive list over the instance table's slots) are checked against the table's serials,
 *   so a departure costs O(instances on that host);
 * - anything else (instances claimed outside this driver, as a test or a pre-filled cluster may):
 *   if the counts still differ, one scan of the instance table records every instance missed.
 */
export class HostGpuKinds {
  /** counts[h * GPU_KINDS + kind]: live instances of that kind on host h. */
  readonly counts: Int32Array;
  /** Distinct kinds with a live instance on host h (len(GpuAffinity)). */
  readonly distinct: Int32Array;
  /** Instances (any kind, GPU or not) recorded on host h; compared with the host table's numInstances. */
  private readonly known: Int32Array;
  private readonly head: Int32Array;
  // Per instance-table slot: the incarnation recorded there, its host (-1: none) and kind, list links.
  private slotHost = new Int32Array(0);
  private slotSerial = new Float64Array(0);
  private slotKind = new Int32Array(0);
  private next = new Int32Array(0);
  private prev = new Int32Array(0);
  private pending: string | undefined = undefined;
  /** The flavor of the slot being recorded (read into, not kept). */
  private readonly flavor = { vcpus: 0, memoryMb: 0, diskGb: 0, gpus: 0, gpuMilli: 0 };

  constructor(private readonly cluster: ClusterState) {
    const n = cluster.hosts.size;
    this.counts = new Int32Array(n * GPU_KINDS);
    this.distinct = new Int32Array(n);
    this.known = new Int32Array(n);
    this.head = new Int32Array(n).fill(-1);
  }

  /** The instance the last decision may have placed (checked at the next `absorbPending`). */
  placedMaybe(id: string): void {
    this.pending = id;
  }

  /** Record the last decision's instance if its claim succeeded and it is still live. */
  absorbPending(): void {
    const id = this.pending;
    if (id === undefined) return;
    this.pending = undefined;
    const inst = this.cluster.instances;
    const s = inst.slotOf(id);
    if (s >= 0) this.record(s);
  }

  /** Bring host h up to date with the instance table (O(1) when nothing departed from it). */
  syncHost(h: number): void {
    const live = this.cluster.hosts.numInstances[h];
    if (live === this.known[h]) return;
    const inst = this.cluster.instances;
    for (let s = this.head[h]; s >= 0; ) {
      const after = this.next[s];
      if (inst.serialOf(s) !== this.slotSerial[s]) this.drop(s);
      s = after;
    }
    if (live !== this.known[h]) this.recordAll();
  }

  /**
   * Record every live instance the lists miss (claims made outside the driver), on every host at
   * once: one scan of the table however many hosts it catches up.
   */
  private recordAll(): void {
    const inst = this.cluster.instances;
    for (let s = 0; s < inst.slots; s++) if (inst.serialOf(s) !== 0) this.record(s);
  }

  /** Record live slot s, unless already recorded; a stale record of an earlier incarnation goes first. */
  private record(s: number): void {
    const inst = this.cluster.instances;
    if (s >= this.slotHost.length) this.grow(inst.capacity);
    const h = inst.hostOf(s);
    if (this.slotHost[s] === h && this.slotSerial[s] === inst.serialOf(s)) return;
    if (this.slotHost[s] >= 0) this.drop(s);
    const f = this.flavor;
    inst.flavorInto(s, f);
    const kind = gpuKind(f.gpus, f.gpuMilli);
    this.slotHost[s] = h;
    this.slotSerial[s] = inst.serialOf(s);
    this.slotKind[s] = kind;
    this.prev[s] = -1;
    this.next[s] = this.head[h];
    if (this.head[h] >= 0) this.prev[this.head[h]] = s;
    this.head[h] = s;
    this.known[h]++;
    if (kind !== NO_GPU && this.counts[h * GPU_KINDS + kind]++ === 0) this.distinct[h]++;
  }

  private drop(s: number): void {
    const h = this.slotHost[s];
    const kind = this.slotKind[s];
    const p = this.prev[s];
    const n = this.next[s];
    if (p >= 0) this.next[p] = n;
    else this.head[h] = n;
    if (n >= 0) this.prev[n] = p;
    this.slotHost[s] = -1;
    this.known[h]--;
    if (kind !== NO_GPU && --this.counts[h * GPU_KINDS + kind] === 0) this.distinct[h]--;
  }

  /** Follow the instance table's slot capacity (it doubles, so this is rare). */
  private grow(size: number): void {
    const host = new Int32Array(size).fill(-1);
    host.set(this.slotHost);
    this.slotHost = host;
    const serial = new Float64Array(size);
    serial.set(this.slotSerial);
    this.slotSerial = serial;
    const kind = new Int32Array(size);
    kind.set(this.slotKind);
    this.slotKind = kind;
    const next = new Int32Array(size);
    next.set(this.next);
    this.next = next;
    const prev = new Int32Array(size);
    prev.set(this.prev);
    this.prev = prev;
  }
}
