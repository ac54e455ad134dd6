import type { Flavor } from '../model/flavor.ts';

/** Outcomes of the instances of one flavor shape. */
export interface FlavorOutcome {
  readonly vcpus: number;
  readonly memory_mb: number;
  readonly disk_gb: number;
  readonly instances: number;
  readonly placed: number;
  readonly no_valid_host: number;
  /** no_valid_host / instances. */
  readonly no_valid_host_rate: number;
}

/** Instances and NoValidHost per flavor shape (vcpus, memory_mb, disk_gb). */
export class FlavorOutcomes {
  private readonly byShape = new Map<string, { f: Flavor; instances: number; nvh: number }>();

  add(f: Flavor, placed: boolean): void {
    const key = `${f.vcpus}|${f.memoryMb}|${f.diskGb}`;
    let e = this.byShape.get(key);
    if (!e) {
      e = { f: { vcpus: f.vcpus, memoryMb: f.memoryMb, diskGb: f.diskGb }, instances: 0, nvh: 0 };
      this.byShape.set(key, e);
    }
    e.instances++;
    if (!placed) e.nvh++;
  }

  /** Most instances first; ties by vcpus, memory, disk (a stable, input-independent order). */
  list(): FlavorOutcome[] {
    return [...this.byShape.values()]
      .sort(
        (a, b) =>
          b.instances - a.instances ||
          a.f.vcpus - b.f.vcpus ||
          a.f.memoryMb - b.f.memoryMb ||
          a.f.diskGb - b.f.diskGb,
      )
      .map((e) => ({
        vcpus: e.f.vcpus,
        memory_mb: e.f.memoryMb,
        disk_gb: e.f.diskGb,
        instances: e.instances,
        placed: e.instances - e.nvh,
        no_valid_host: e.nvh,
        no_valid_host_rate: e.nvh / e.instances,
      }));
  }
}
