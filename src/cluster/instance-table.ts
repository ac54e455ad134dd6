import type { Flavor } from '../model/flavor.ts';
import { IdIndex } from './id-index.ts';
import { MultiRequests } from './multi-requests.ts';

/**
 * Live instances, struct-of-arrays over reusable slots, so memory follows the live set rather than
 * the length of the trace.
 */
export class InstanceTable {
  private readonly ids: string[] = [];
  private readonly slotById = new IdIndex(this.ids);
  private free: number[] = [];
  host = new Int32Array(1024);
  vcpus = new Float64Array(1024);
  memoryMb = new Float64Array(1024);
  diskGb = new Float64Array(1024);
  gpus = new Uint8Array(1024);
  gpuMilli = new Uint16Array(1024);
  /** The GPUs the instance holds on its host: bit i is the host's GPU i (at most 64 per host). */
  gpuMask = new BigUint64Array(1024);
  /** Server group id, or -1. */
  group = new Int32Array(1024);
  /** A number unique to this incarnation of the instance, so a stale departure cannot delete a re-created id. */
  serial = new Float64Array(1024);
  private nextSerial = 1;
  /** The multi-instance request a slot belongs to ('' for a single instance). */
  readonly request: string[] = [];
  /** Multi-instance requests with live instances, so `delete id` can find `id-*`. */
  readonly multiRequests = new MultiRequests();

  get liveCount(): number {
    return this.slotById.size;
  }

  slotOf(id: string): number {
    return this.slotById.get(id);
  }

  idOf(slot: number): string {
    return this.ids[slot];
  }

  /** The flavor of a live instance (one object per call: for releases, not for hot loops). */
  flavorOf(slot: number): Flavor {
    return {
      vcpus: this.vcpus[slot],
      memoryMb: this.memoryMb[slot],
      diskGb: this.diskGb[slot],
      gpus: this.gpus[slot],
      gpuMilli: this.gpuMilli[slot],
    };
  }

  /** Copy the flavor of a live instance into `out` (no allocation: for per-release hot paths). */
  flavorInto(slot: number, out: { -readonly [K in keyof Flavor]: Flavor[K] }): void {
    out.vcpus = this.vcpus[slot];
    out.memoryMb = this.memoryMb[slot];
    out.diskGb = this.diskGb[slot];
    out.gpus = this.gpus[slot];
    out.gpuMilli = this.gpuMilli[slot];
  }

  /**
   * Add a live instance; returns its slot. The caller has checked that `id` is not live.
   * `gpuMask`: the GPUs it holds on `host` (bit i: the host's GPU i), 0n for none.
   */
  add(
    id: string,
    host: number,
    f: Flavor,
    gpuMask: bigint,
    group: number,
    request: string,
    requestCount: number,
  ): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.ids.length;
      this.ids.push(id);
      if (slot >= this.host.length) this.grow();
    } else {
      this.ids[slot] = id;
    }
    this.slotById.add(id, slot);
    this.host[slot] = host;
    this.vcpus[slot] = f.vcpus;
    this.memoryMb[slot] = f.memoryMb;
    this.diskGb[slot] = f.diskGb;
    this.gpus[slot] = f.gpus;
    this.gpuMilli[slot] = f.gpuMilli;
    this.gpuMask[slot] = gpuMask;
    this.group[slot] = group;
    this.serial[slot] = this.nextSerial++;
    this.request[slot] = request;
    if (request !== '') this.multiRequests.added(request, requestCount);
    return slot;
  }

  remove(slot: number): void {
    this.slotById.delete(slot);
    this.ids[slot] = '';
    const request = this.request[slot];
    if (request !== '') {
      this.multiRequests.removed(request);
      this.request[slot] = '';
    }
    this.serial[slot] = 0;
    this.free.push(slot);
  }

  private grow(): void {
    const n = this.host.length * 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array | Uint16Array | BigUint64Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(n);
      (b as Float64Array).set(a as Float64Array);
      return b;
    };
    this.host = grow(this.host, (k) => new Int32Array(k));
    this.vcpus = grow(this.vcpus, (k) => new Float64Array(k));
    this.memoryMb = grow(this.memoryMb, (k) => new Float64Array(k));
    this.diskGb = grow(this.diskGb, (k) => new Float64Array(k));
    this.gpus = grow(this.gpus, (k) => new Uint8Array(k));
    this.gpuMilli = grow(this.gpuMilli, (k) => new Uint16Array(k));
    this.gpuMask = grow(this.gpuMask, (k) => new BigUint64Array(k));
    this.group = grow(this.group, (k) => new Int32Array(k));
    this.serial = grow(this.serial, (k) => new Float64Array(k));
  }
}
