import { ContractError } from '../common/errors.ts';
import { GPU_MILLI } from '../common/limits.ts';
import type { Flavor } from '../model/flavor.ts';
import type { AllocationRatios, ClusterSpec } from './cluster-spec.ts';
import { GroupTable, type ServerGroup } from './groups.ts';
import { HostTable } from './host-table.ts';
import { InstanceTable } from './instance-table.ts';
import {
  allocate,
  deallocate,
  fitLimit,
  flavorFitsPlacement,
  Placement,
  type PlacementQuery,
} from './placement.ts';
import {
  chooseGpus,
  consume,
  consumeFromRequest,
  finishBuilds,
  flavorFits,
  giveBack,
  gpuFits,
  NO_GPU_FIT,
  type UsageArrays,
} from './usage.ts';

/**
 * Told of every change of a host's RAM, disk, vCPU or GPU usage (indexes over the host table, such
 * as a HostIndex, keep themselves current through it).
 */
export interface UsageWatcher {
  /** Host `h`'s usage changed (a claim, a release, a cached consume). */
  hostChanged(h: number): void;
  /** The usage arrays were rewritten wholesale (a cache refresh): anything may have changed. */
  allChanged(): void;
  /** Builds finished on host `h` (num_io_ops reset); only watchers that keep io ops define it. */
  ioOpsChanged?(h: number): void;
}

/** How the cluster runs: `placement` true for a Zed deployment (docs/nova-zed.md). */
export interface ClusterOptions {
  /**
   * Keep Placement's providers and allocations: a claim is first Placement's (PUT /allocations,
   * refused when it no longer fits), and the compute node's own claim checks GPUs only, as a Zed
   * compute node has no resource limits to check (the classic resource filters that set them are gone).
   */
  readonly placement?: boolean;
}

/**
 * Hosts, live instances and server groups of one replay. The only place that changes usage: the
 * compute node's claim (place an instance), release (delete it) and finished builds, each with the
 * arithmetic of usage.ts (and of placement.ts for Placement's allocations in zed mode).
 */
export class ClusterState {
  readonly hosts: HostTable;
  readonly instances = new InstanceTable();
  readonly groups = new GroupTable();
  /**
   * The compute node's own copy of every host-table field a claim reads. Strategies get the table
   * itself (typed arrays, writable); a claim first checks the claimed host's fields against this
   * copy, so a driver that wrote the table cannot make a claim over-commit. A true private field:
   * no driver can reach it.
   */
  readonly #own: Pick<HostTable, CheckedField | 'size' | 'gpuCount'> & UsageArrays;
  /** Indexes over the usage, told of each change (none until one asks: a replay pays nothing). */
  private readonly watchers: UsageWatcher[] = [];
  /** Placement's providers and allocations (zed mode only). Private: only claims change them. */
  readonly #placement: Placement | undefined;

  constructor(
    spec: ClusterSpec,
    ratioOverrides: Partial<AllocationRatios> = {},
    options: ClusterOptions = {},
  ) {
    this.hosts = new HostTable(spec, ratioOverrides);
    const t = this.hosts;
    this.#placement = options.placement
      ? new Placement(
          t,
          spec.hosts.map((h) => h.providerTraits),
        )
      : undefined;
    this.#own = {
      size: t.size,
      freeRamMb: t.freeRamMb.slice(),
      freeDiskMb: t.freeDiskMb.slice(),
      vcpusUsed: t.vcpusUsed.slice(),
      numInstances: t.numInstances.slice(),
      gpuFreeMilli: t.gpuFreeMilli.slice(),
      gpuFreeMilliTotal: t.gpuFreeMilliTotal.slice(),
      gpuStart: t.gpuStart.slice(),
      gpuCount: t.gpuCount.slice(),
      totalUsableRamMb: t.totalUsableRamMb.slice(),
      totalUsableDiskGb: t.totalUsableDiskGb.slice(),
      vcpusTotal: t.vcpusTotal.slice(),
      ramAllocationRatio: t.ramAllocationRatio.slice(),
      cpuAllocationRatio: t.cpuAllocationRatio.slice(),
      diskAllocationRatio: t.diskAllocationRatio.slice(),
    };
    // A driver gets this object as ctx.cluster: it may not shadow a method (a `fits` that always
    // says yes). A swapped table is caught by the claim's check against the private copy.
    Object.preventExtensions(this);
  }

  /** Keep `w` told of every usage change from now on. */
  watchUsage(w: UsageWatcher): void {
    this.watchers.push(w);
  }

  /** Host `h`'s usage was changed outside claim and release (a cache's own consume). */
  hostUsageChanged(h: number): void {
    for (const w of this.watchers) w.hostChanged(h);
  }

  /** The usage arrays were rewritten wholesale (a cache refresh). */
  usageRewritten(): void {
    for (const w of this.watchers) w.allChanged();
  }

  /**
   * Would a claim of this flavor succeed now? Classic: the compute node's limits (those of the
   * resource filters). Zed mode: Placement's capacity, and GPU room.
   */
  fits(h: number, f: Flavor): boolean {
    const p = this.#placement;
    if (p === undefined) return flavorFits(this.hosts, h, f);
    return flavorFitsPlacement(p, h, f) && (f.gpus === 0 || gpuFits(this.hosts, h, f.gpus, f.gpuMilli));
  }

  /** Is this a zed-mode cluster (Placement's providers and allocations kept)? */
  get hasPlacement(): boolean {
    return this.#placement !== undefined;
  }

  /**
   * Zed mode: would Placement accept a claim of this flavor on host `h` now (PUT /allocations
   * without a 409)? Always true in classic mode, which has no Placement.
   */
  placementFits(h: number, f: Flavor): boolean {
    const p = this.#placement;
    return p === undefined || flavorFitsPlacement(p, h, f);
  }

  /**
   * Zed mode: does host `h` match the query (traits, member_of, room), the limit aside? False in
   * classic mode.
   */
  placementMatches(q: PlacementQuery, h: number): boolean {
    return this.#placement?.matches(q, h) ?? false;
  }

  /** Zed mode: Placement's GET /allocation_candidates into `out`; returns how many (0 in classic mode). */
  placementCandidates(q: PlacementQuery, out: Int32Array): number {
    return this.#placement?.candidates(q, out) ?? 0;
  }

  /**
   * Zed mode: the largest amount of class `c` (placement.ts VCPU, MEMORY_MB, DISK_GB) a claim on
   * host `h` could take now, min(max_unit, capacity - used): an amount >= 1 fits iff it is at most
   * this. For indexes over hosts (told of its changes as UsageWatchers); -Infinity in classic mode.
   */
  placementFitLimit(h: number, c: number): number {
    const p = this.#placement;
    return p === undefined ? Number.NEGATIVE_INFINITY : fitLimit(p, h, c);
  }

  /** Zed mode: the bit of a provider trait (-1: no provider has it, or classic mode). */
  placementTraitBit(name: string): number {
    return this.#placement?.traitBit(name) ?? -1;
  }

  /** Zed mode: words per trait mask (0 in classic mode). */
  get placementTraitWords(): number {
    return this.#placement?.traitWords ?? 0;
  }

  /**
   * Placement's view of host `h` for one class (tests, explain): inventory total, reserved,
   * ratio, capacity and the allocations' sum; undefined in classic mode.
   */
  placementInventory(
    h: number,
    c: number,
  ): { total: number; reserved: number; ratio: number; capacity: number; used: number } | undefined {
    const p = this.#placement;
    if (p === undefined) return undefined;
    const i = c * p.size + h;
    return {
      total: p.total[i],
      reserved: p.reserved[i],
      ratio: p.ratio[i],
      capacity: p.capacity[i],
      used: p.used[i],
    };
  }

  /**
   * The compute node's claim: if the flavor fits, consume it on the host (Nova's
   * consume_from_request) and record the live instance (`request`: the multi-instance request it
   * belongs to, '' for none). The GPUs are chosen here (usage.ts chooseGpus); `gpu` names the
   * host's GPU (local index) for a GPU share and is ignored otherwise: not a GPU of the host is a
   * ContractError, a GPU without room a failed claim. Returns the slot, or -1 when the claim fails.
   */
  claim(
    h: number,
    id: string,
    f: Flavor,
    group: ServerGroup | undefined,
    request = '',
    requestCount = 1,
    gpu?: number,
  ): number {
    const t = this.hosts;
    const o = this.#own;
    const share = f.gpus > 0 && f.gpuMilli < GPU_MILLI;
    if (share && gpu !== undefined && (gpu >>> 0 !== gpu || gpu >= t.gpuCount[h])) {
      throw new ContractError(
        `named GPU ${gpu} of host "${t.names[h]}", which has ${t.gpuCount[h]} GPU(s) (0 to ${t.gpuCount[h] - 1})`,
      );
    }
    // O(1): the fields this claim reads, on this host only. Equal means the fit below is the one
    // the compute node's own counts give.
    if (
      t.freeRamMb[h] !== o.freeRamMb[h] ||
      t.freeDiskMb[h] !== o.freeDiskMb[h] ||
      t.vcpusUsed[h] !== o.vcpusUsed[h] ||
      t.numInstances[h] !== o.numInstances[h] ||
      t.totalUsableRamMb[h] !== o.totalUsableRamMb[h] ||
      t.totalUsableDiskGb[h] !== o.totalUsableDiskGb[h] ||
      t.vcpusTotal[h] !== o.vcpusTotal[h] ||
      t.ramAllocationRatio[h] !== o.ramAllocationRatio[h] ||
      t.cpuAllocationRatio[h] !== o.cpuAllocationRatio[h] ||
      t.diskAllocationRatio[h] !== o.diskAllocationRatio[h]
    ) {
      const changed = this.changedField(h);
      if (changed !== undefined) throw new ContractError(`changed the host table: ${changed}`);
    }
    if (f.gpus > 0) {
      const changed = this.changedGpu(h);
      if (changed !== undefined) throw new ContractError(`changed the host table: ${changed}`);
    }
    const p = this.#placement;
    // Zed: Placement's claim first (a 409 when it no longer fits); the compute node then checks no
    // resource limits. Classic: the compute node's limits.
    if (p === undefined ? !flavorFits(t, h, f) : !flavorFitsPlacement(p, h, f)) return -1;
    const mask = f.gpus === 0 ? 0n : chooseGpus(o, h, f, share && gpu !== undefined ? gpu : -1);
    if (f.gpus !== 0 && mask === NO_GPU_FIT) return -1;
    if (p !== undefined) allocate(p, h, f);
    consumeFromRequest(t, h, f, mask);
    consume(o, h, f, mask);
    for (const w of this.watchers) w.hostChanged(h);
    if (group) this.groups.addMember(group, h);
    return this.instances.add(id, h, f, mask, group ? group.id : -1, request, requestCount);
  }

  /** The flavor being released, rewritten by every release (no object per release). */
  private readonly released = { vcpus: 0, memoryMb: 0, diskGb: 0, gpus: 0, gpuMilli: 0 };

  /** Delete a live instance and give its resources back. */
  release(slot: number): void {
    const inst = this.instances;
    const h = inst.hostOf(slot);
    const f = this.released;
    inst.flavorInto(slot, f);
    // A flavor without GPUs holds none (claim stores 0n): its mask is not read (a BigInt).
    const mask = f.gpus === 0 ? 0n : inst.gpuMask[slot];
    giveBack(this.hosts, h, f, mask);
    giveBack(this.#own, h, f, mask);
    if (this.#placement !== undefined) deallocate(this.#placement, h, f);
    for (const w of this.watchers) w.hostChanged(h);
    const g = inst.groupOf(slot);
    if (g >= 0) this.groups.removeMember(this.groups.byIndex(g), h);
    inst.remove(slot);
  }

  /** The builds of a request completed on these hosts: their io ops are no longer in flight. */
  finishBuilds(hosts: readonly number[]): void {
    finishBuilds(this.hosts, hosts);
    // num_io_ops changed: the indexes that keep it (IoOps filter and weigher) are told.
    for (const w of this.watchers) if (w.ioOpsChanged !== undefined) for (const h of hosts) w.ioOpsChanged(h);
  }

  /**
   * Check the whole host table against the compute node's own counts (once, at the end of a
   * replay): a description of the first field a strategy changed, or undefined.
   */
  findTableChange(): string | undefined {
    for (let h = 0; h < this.hosts.size; h++) {
      const changed = this.changedField(h) ?? this.changedGpu(h);
      if (changed !== undefined) return `changed the host table: ${changed}`;
    }
    return undefined;
  }

  /** A GPU field of host `h` that differs from the compute node's copy (its GPUs only: O(64)). */
  private changedGpu(h: number): string | undefined {
    const t = this.hosts;
    const o = this.#own;
    const where = `of host "${t.names[h]}"`;
    const tail = '(strategies may only read ctx.cluster.hosts)';
    if (
      t.gpuCount[h] !== o.gpuCount[h] ||
      t.gpuStart[h] !== o.gpuStart[h] ||
      t.gpuStart[h + 1] !== o.gpuStart[h + 1]
    )
      return `gpuCount/gpuStart ${where} changed ${tail}`;
    if (t.gpuFreeMilliTotal[h] !== o.gpuFreeMilliTotal[h])
      return `gpuFreeMilliTotal ${where} is ${t.gpuFreeMilliTotal[h]}, but the compute node's claims leave ${o.gpuFreeMilliTotal[h]} ${tail}`;
    for (let g = o.gpuStart[h]; g < o.gpuStart[h + 1]; g++) {
      if (t.gpuFreeMilli[g] !== o.gpuFreeMilli[g])
        return `gpuFreeMilli of GPU ${g - o.gpuStart[h]} ${where} is ${t.gpuFreeMilli[g]}, but the compute node's claims leave ${o.gpuFreeMilli[g]} ${tail}`;
    }
    return undefined;
  }

  /** The first checked field of host `h` that differs from the compute node's copy (NaN equals NaN). */
  private changedField(h: number): string | undefined {
    const t = this.hosts;
    const o = this.#own;
    for (const field of CHECKED_FIELDS) {
      const seen = t[field][h];
      const own = o[field][h];
      if (!Object.is(seen, own) && !(seen === own)) {
        return `${field} of host "${t.names[h]}" is ${seen}, but the compute node's claims leave ${own} (strategies may only read ctx.cluster.hosts)`;
      }
    }
    return undefined;
  }
}

/** Host-table fields a claim reads (usage and capacity): written by claims and releases only. */
const CHECKED_FIELDS = [
  'freeRamMb',
  'freeDiskMb',
  'vcpusUsed',
  'numInstances',
  'totalUsableRamMb',
  'totalUsableDiskGb',
  'vcpusTotal',
  'ramAllocationRatio',
  'cpuAllocationRatio',
  'diskAllocationRatio',
] as const;
type CheckedField = (typeof CHECKED_FIELDS)[number];
