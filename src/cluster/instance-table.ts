import type { Flavor } from '../model/flavor.ts';
import { IdIndex } from './id-index.ts';
import { MultiRequests } from './multi-requests.ts';

// A slot's numbers, one record of eight (64 bytes, a cache line): a release reads them all at once.
const REC = 8;
const HOST = 0;
const VCPUS = 1;
const MEMORY = 2;
const DISK = 3;
/** gpus (8 bits) | gpuMilli << 8 (16 bits) | 1 << 24 for an instance of a multi-instance request. */
const GPU_BITS = 4;
/** The id's hash in the IdIndex (its delete needs it). */
const ID_HASH = 5;
const GROUP = 6;
const SERIAL = 7;
const MULTI = 1 << 24;

/**
 * Live instances over reusable slots, so memory follows the live set rather than the length of
 * the trace. A slot's numbers are one record (a departure's check of the serial brings in the host,
 * flavor, group and id hash its release reads); each is stored as the typed column it replaced
 * would keep it (host and group as Int32, gpus as Uint8, gpuMilli as Uint16).
 */
export class InstanceTable {
  private readonly ids: string[] = [];
  private readonly slotById = new IdIndex(this.ids, true);
  private free: number[] = [];
  private rec = new Float64Array(1024 * REC);
  /** The GPUs the instance holds on its host: bit i is the host's GPU i (at most 64 per host). */
  gpuMask = new BigUint64Array(1024);
  private nextSerial = 1;
  /** The multi-instance request a slot belongs to ('' for a single instance). */
  readonly request: string[] = [];
  /** Multi-instance requests with live instances, so `delete id` can find `id-*`. */
  readonly multiRequests = new MultiRequests();

  /** Slots the table has room for now (it grows as needed). */
  get capacity(): number {
    return this.gpuMask.length;
  }

  /** Slots in use or freed so far: every live slot is below this. */
  get slots(): number {
    return this.ids.length;
  }

  hostOf(slot: number): number {
    return this.rec[slot * REC + HOST];
  }

  /** Server group id, or -1. */
  groupOf(slot: number): number {
    return this.rec[slot * REC + GROUP];
  }

  /**
   * A number unique to this incarnation of the instance, so a stale departure cannot delete a
   * re-created id; 0 for a free slot.
   */
  serialOf(slot: number): number {
    return this.rec[slot * REC + SERIAL];
  }

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
    const r = this.rec;
    const at = slot * REC;
    return {
      vcpus: r[at + VCPUS],
      memoryMb: r[at + MEMORY],
      diskGb: r[at + DISK],
      gpus: r[at + GPU_BITS] & 0xff,
      gpuMilli: (r[at + GPU_BITS] >>> 8) & 0xffff,
    };
  }

  /** Copy the flavor of a live instance into `out` (no allocation: for per-release hot paths). */
  flavorInto(slot: number, out: { -readonly [K in keyof Flavor]: Flavor[K] }): void {
    const r = this.rec;
    const at = slot * REC;
    out.vcpus = r[at + VCPUS];
    out.memoryMb = r[at + MEMORY];
    out.diskGb = r[at + DISK];
    const gpu = r[at + GPU_BITS];
    out.gpus = gpu & 0xff;
    out.gpuMilli = (gpu >>> 8) & 0xffff;
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
      this.request.push(request);
      if (slot >= this.gpuMask.length) this.grow();
    } else {
      this.ids[slot] = id;
      // A free slot's request is '': only a multi-instance one is written.
      if (request !== '') this.request[slot] = request;
    }
    const r = this.rec;
    const at = slot * REC;
    // ToInt32, ToUint8, ToUint16: the values the typed columns held.
    r[at + HOST] = host | 0;
    r[at + VCPUS] = f.vcpus;
    r[at + MEMORY] = f.memoryMb;
    r[at + DISK] = f.diskGb;
    r[at + GPU_BITS] = (f.gpus & 0xff) | ((f.gpuMilli & 0xffff) << 8) | (request === '' ? 0 : MULTI);
    r[at + ID_HASH] = this.slotById.add(id, slot);
    r[at + GROUP] = group | 0;
    r[at + SERIAL] = this.nextSerial++;
    this.gpuMask[slot] = gpuMask;
    if (request !== '') this.multiRequests.added(request, requestCount);
    return slot;
  }

  remove(slot: number): void {
    const r = this.rec;
    const at = slot * REC;
    this.slotById.delete(slot, r[at + ID_HASH]);
    this.ids[slot] = '';
    // A single instance's request is '' (not read: one cache line less per release).
    if ((r[at + GPU_BITS] & MULTI) !== 0) {
      this.multiRequests.removed(this.request[slot]);
      this.request[slot] = '';
    }
    r[at + SERIAL] = 0;
    this.free.push(slot);
  }

  private grow(): void {
    const rec = new Float64Array(2 * this.rec.length);
    rec.set(this.rec);
    this.rec = rec;
    const mask = new BigUint64Array(2 * this.gpuMask.length);
    mask.set(this.gpuMask);
    this.gpuMask = mask;
  }
}
