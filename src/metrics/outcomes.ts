import type { Flavor } from '../model/flavor.ts';

/** Outcomes of the instances of one flavor shape. */
export interface FlavorOutcome {
  readonly vcpus: number;
  readonly memory_mb: number;
  readonly disk_gb: number;
  /** Only on a cluster with GPUs. */
  readonly gpus?: number;
  readonly gpu_milli?: number;
  readonly instances: number;
  readonly placed: number;
  readonly no_valid_host: number;
  /** no_valid_host / instances. */
  readonly no_valid_host_rate: number;
}

/** Instances and NoValidHost per flavor shape (vcpus, memory_mb, disk_gb, and GPUs on a GPU cluster). */
export class FlavorOutcomes {
  private readonly byShape = new Map<string, { f: Flavor; instances: number; nvh: number }>();

  /** `withGpus`: the cluster has GPUs, so shapes and the listing include gpus and gpu_milli. */
  constructor(private readonly withGpus = false) {}

  add(f: Flavor, placed: boolean): void {
    const key = `${f.vcpus}|${f.memoryMb}|${f.diskGb}|${f.gpus}|${f.gpuMilli}`;
    let e = this.byShape.get(key);
    if (!e) {
      const copy = {
        vcpus: f.vcpus,
        memoryMb: f.memoryMb,
        diskGb: f.diskGb,
        gpus: f.gpus,
        gpuMilli: f.gpuMilli,
      };
      e = { f: copy, instances: 0, nvh: 0 };
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
          a.f.diskGb - b.f.diskGb ||
          a.f.gpus - b.f.gpus ||
          a.f.gpuMilli - b.f.gpuMilli,
      )
      .map((e) => ({
        vcpus: e.f.vcpus,
        memory_mb: e.f.memoryMb,
        disk_gb: e.f.diskGb,
        ...(this.withGpus ? { gpus: e.f.gpus, gpu_milli: e.f.gpuMilli } : {}),
        instances: e.instances,
        placed: e.instances - e.nvh,
        no_valid_host: e.nvh,
        no_valid_host_rate: e.nvh / e.instances,
      }));
  }
}
