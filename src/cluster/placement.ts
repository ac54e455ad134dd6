import type { Flavor } from '../model/flavor.ts';
import type { HostTable } from './host-table.ts';

// Placement as a Zed deployment runs it for single-provider compute nodes: each host's compute node
// resource provider with its VCPU, MEMORY_MB and DISK_GB inventories and traits, the allocations
// made against them, and GET /allocation_candidates. Struct of arrays (row c * size + h per class);
// the usage (allocations) changes only through ClusterState's claim and release, with the
// arithmetic below, as the host table's does through usage.ts.

/** Resource class rows, in the order Nova's resources_from_request_spec adds them. */
export const VCPU = 0;
export const MEMORY_MB = 1;
export const DISK_GB = 2;
const CLASSES = 3;

/** The trait a disabled compute service's provider carries; compute_status_filter forbids it. */
export const COMPUTE_STATUS_DISABLED = 'COMPUTE_STATUS_DISABLED';

/**
 * One GET /allocation_candidates for one instance's worth of resources, as the scheduler's request
 * filters and resources_from_request_spec build it (src/scheduler/request-filter.ts).
 */
export interface PlacementQuery {
  /** Amounts: VCPU, MEMORY_MB, DISK_GB; 0 means the class is not asked for (zeros are dropped). */
  readonly amounts: Float64Array;
  /**
   * Required and forbidden traits as bit masks over `Placement.traitBit` (`traitWords` words each).
   * `impossible`: a required trait no provider has, so no provider can match.
   */
  readonly required: Uint32Array;
  readonly forbidden: Uint32Array;
  readonly impossible: boolean;
  /** member_of: 1 for the hosts in one of the aggregates; undefined for no restriction. */
  readonly memberOf: Uint8Array | undefined;
  /** `limit`: at most this many candidates (Infinity: no limit). */
  readonly limit: number;
}

/** The compute node providers of every host: inventories, traits and allocations. */
export class Placement {
  readonly size: number;
  /** Inventory `total` per class (0: no inventory of that class), also its `max_unit`. */
  readonly total: Float64Array;
  readonly reserved: Float64Array;
  readonly ratio: Float64Array;
  /** int((total - reserved) * allocation_ratio): what allocations may add up to. */
  readonly capacity: Float64Array;
  /** The sum of the allocations against each inventory. */
  readonly used: Float64Array;
  /**
   * The same, as the candidate scan reads it: per host six numbers together, for each class its
   * max_unit (the total) and the room left (capacity - used). Kept with `used` by allocate and
   * deallocate. `amount <= max_unit && amount <= room` is Placement's test for an amount >= 1
   * (integers throughout, so the subtraction is exact).
   */
  readonly room: Float64Array;
  /** Trait names by bit, and the words of bits per host (host h's: h * traitWords ...). */
  readonly traitNames: readonly string[];
  readonly traitWords: number;
  readonly traits: Uint32Array;
  private readonly traitIndex: ReadonlyMap<string, number>;

  constructor(t: HostTable, providerTraits: readonly (readonly string[] | undefined)[]) {
    const n = t.size;
    this.size = n;
    this.total = new Float64Array(CLASSES * n);
    this.reserved = new Float64Array(CLASSES * n);
    this.ratio = new Float64Array(CLASSES * n);
    this.capacity = new Float64Array(CLASSES * n);
    this.used = new Float64Array(CLASSES * n);
    this.room = new Float64Array(2 * CLASSES * n);
    for (let h = 0; h < n; h++) {
      // What the virt driver's update_provider_tree reports for the compute node.
      this.inventory(VCPU, h, t.vcpusTotal[h], t.reservedVcpus[h], t.cpuAllocationRatio[h]);
      this.inventory(MEMORY_MB, h, t.totalUsableRamMb[h], t.reservedRamMb[h], t.ramAllocationRatio[h]);
      this.inventory(
        DISK_GB,
        h,
        t.totalUsableDiskGb[h],
        t.reservedDiskMb[h] / 1024,
        t.diskAllocationRatio[h],
      );
    }
    const names = [COMPUTE_STATUS_DISABLED];
    const index = new Map([[COMPUTE_STATUS_DISABLED, 0]]);
    for (const list of providerTraits) {
      for (const name of list ?? []) {
        if (!index.has(name)) {
          index.set(name, names.length);
          names.push(name);
        }
      }
    }
    this.traitNames = names;
    this.traitIndex = index;
    this.traitWords = Math.ceil(names.length / 32);
    this.traits = new Uint32Array(n * this.traitWords);
    for (let h = 0; h < n; h++) {
      // A disabled compute service's provider carries COMPUTE_STATUS_DISABLED (the compute manager sets it).
      if (t.serviceEnabled[h] === 0) this.setTrait(h, 0);
      for (const name of providerTraits[h] ?? []) this.setTrait(h, index.get(name)!);
    }
  }

  /** The bit of a trait some provider has, or -1 (no provider has it). */
  traitBit(name: string): number {
    return this.traitIndex.get(name) ?? -1;
  }

  /** Does host `h` have trait bit `bit`? */
  hasTrait(h: number, bit: number): boolean {
    return (this.traits[h * this.traitWords + (bit >>> 5)] & (1 << (bit & 31))) !== 0;
  }

  /**
   * GET /allocation_candidates: the providers that have every asked class's inventory, room for it
   * and `1 <= amount <= max_unit`, every required trait and no forbidden one, and are in `memberOf`;
   * in host (cluster) order, at most `q.limit`. Writes them to `out`; returns how many. A query
   * that asks for no resource is refused by Placement (400): no candidates.
   */
  candidates(q: PlacementQuery, out: Int32Array): number {
    const a = q.amounts;
    const vcpus = a[VCPU];
    const memory = a[MEMORY_MB];
    const disk = a[DISK_GB];
    if (q.impossible || (vcpus === 0 && memory === 0 && disk === 0)) return 0;
    const n = this.size;
    const { memberOf, limit, required, forbidden } = q;
    const { room, traits } = this;
    const w = this.traitWords;
    // placementFits and the trait test written out flat: this loop runs over every host.
    let count = 0;
    for (let h = 0; h < n && count < limit; h++) {
      if (memberOf !== undefined && memberOf[h] === 0) continue;
      if (w === 1) {
        const bits = traits[h];
        if ((bits & required[0]) !== required[0] || (bits & forbidden[0]) !== 0) continue;
      } else if (!this.traitsMatch(h, q)) continue;
      const b = 6 * h;
      if (vcpus !== 0 && (vcpus > room[b] || vcpus > room[b + 1])) continue;
      if (memory !== 0 && (memory > room[b + 2] || memory > room[b + 3])) continue;
      if (disk !== 0 && (disk > room[b + 4] || disk > room[b + 5])) continue;
      out[count++] = h;
    }
    return count;
  }

  /** Is host `h` a candidate of `q`, the limit aside? (The scan's test for one host.) */
  matches(q: PlacementQuery, h: number): boolean {
    const a = q.amounts;
    if (q.impossible || (a[VCPU] === 0 && a[MEMORY_MB] === 0 && a[DISK_GB] === 0)) return false;
    if (q.memberOf !== undefined && q.memberOf[h] === 0) return false;
    return this.traitsMatch(h, q) && placementFits(this, h, a[VCPU], a[MEMORY_MB], a[DISK_GB]);
  }

  private traitsMatch(h: number, q: PlacementQuery): boolean {
    const w = this.traitWords;
    for (let i = 0, base = h * w; i < w; i++) {
      const bits = this.traits[base + i];
      if ((bits & q.required[i]) !== q.required[i] || (bits & q.forbidden[i]) !== 0) return false;
    }
    return true;
  }

  private inventory(c: number, h: number, total: number, reserved: number, ratio: number): void {
    const i = c * this.size + h;
    this.total[i] = total;
    this.reserved[i] = reserved;
    this.ratio[i] = ratio;
    // Python's int() of the float product: truncation toward zero.
    this.capacity[i] = Math.trunc((total - reserved) * ratio);
    this.room[6 * h + 2 * c] = total;
    this.room[6 * h + 2 * c + 1] = this.capacity[i];
  }

  private setTrait(h: number, bit: number): void {
    this.traits[h * this.traitWords + (bit >>> 5)] |= 1 << (bit & 31);
  }
}

/**
 * One class of a claim: no amount (0) always fits; else `amount <= max_unit` (so the inventory
 * exists: amounts are integers >= 1) and `amount <= capacity - used`.
 */
function classFits(p: Placement, c: number, h: number, amount: number): boolean {
  const b = 6 * h + 2 * c;
  return amount === 0 || (amount <= p.room[b] && amount <= p.room[b + 1]);
}

/** min(max_unit, capacity - used) of class `c` on host `h`: the largest amount a claim could take. */
export function fitLimit(p: Placement, h: number, c: number): number {
  const b = 6 * h + 2 * c;
  return Math.min(p.room[b], p.room[b + 1]);
}

/**
 * Would PUT /allocations of these amounts on host `h` succeed now (no 409)? Placement's capacity
 * check for each class asked: `used + amount <= int((total - reserved) * ratio)`, `amount <=
 * max_unit` (= total), and an inventory of the class (total > 0).
 */
export function placementFits(
  p: Placement,
  h: number,
  vcpus: number,
  memoryMb: number,
  diskGb: number,
): boolean {
  return (
    classFits(p, VCPU, h, vcpus) && classFits(p, MEMORY_MB, h, memoryMb) && classFits(p, DISK_GB, h, diskGb)
  );
}

/** Does a claim of flavor `f` fit on host `h` now? (The amounts resources_from_request_spec asks.) */
export function flavorFitsPlacement(p: Placement, h: number, f: Flavor): boolean {
  return placementFits(p, h, f.vcpus, f.memoryMb, f.diskGb);
}

/** Record the allocation of flavor `f` on host `h` (the claim's PUT /allocations). */
export function allocate(p: Placement, h: number, f: Flavor): void {
  add(p, h, f.vcpus, f.memoryMb, f.diskGb);
}

/** Remove the allocation of flavor `f` on host `h` (a delete, a rolled-back claim). */
export function deallocate(p: Placement, h: number, f: Flavor): void {
  add(p, h, -f.vcpus, -f.memoryMb, -f.diskGb);
}

/** Add signed amounts to host `h`'s allocations, and take them from its room. */
function add(p: Placement, h: number, vcpus: number, memoryMb: number, diskGb: number): void {
  const n = p.size;
  p.used[VCPU * n + h] += vcpus;
  p.used[MEMORY_MB * n + h] += memoryMb;
  p.used[DISK_GB * n + h] += diskGb;
  const b = 6 * h;
  p.room[b + 1] -= vcpus;
  p.room[b + 3] -= memoryMb;
  p.room[b + 5] -= diskGb;
}
