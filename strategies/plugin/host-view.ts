import type { HostTable } from '../../src/cluster/host-table.ts';
import { vcpusLeft } from '../../src/cluster/usage.ts';

/**
 * One host of the host table as an object, for the simple per-host plugin form. A single view is
 * re-pointed at each host (`index`), so nothing is allocated per host, but every field is a getter
 * call and every host a function call: scoring costs 1.5-2x the typed-array form's
 * (bench/plugin-forms.bench.ts).
 */
export class HostView {
  /** The host number (cluster order). */
  index = 0;

  constructor(private readonly t: HostTable) {}

  get name(): string {
    return this.t.names[this.index];
  }
  /** vCPUs, RAM and disk the host has (before allocation ratios). */
  get vcpus(): number {
    return this.t.vcpusTotal[this.index];
  }
  get memoryMb(): number {
    return this.t.totalUsableRamMb[this.index];
  }
  get diskGb(): number {
    return this.t.totalUsableDiskGb[this.index];
  }
  get vcpusUsed(): number {
    return this.t.vcpusUsed[this.index];
  }
  /** vCPUs left under the allocation ratio: vcpus × cpu_allocation_ratio − vcpusUsed. */
  get freeVcpus(): number {
    return vcpusLeft(this.t, this.index);
  }
  /** Nova's free_ram_mb: memory_mb − reserved − RAM of the live instances. */
  get freeRamMb(): number {
    return this.t.freeRamMb[this.index];
  }
  /** Nova's free_disk_mb. */
  get freeDiskMb(): number {
    return this.t.freeDiskMb[this.index];
  }
  get numInstances(): number {
    return this.t.numInstances[this.index];
  }
  /** GPUs the host has, and their model ('' when the cluster file gives none). */
  get gpus(): number {
    return this.t.gpuCount[this.index];
  }
  get gpuModel(): string {
    return this.t.gpuModel[this.index];
  }
  /** Free GPU share over the host's GPUs, in thousandths (1000 per idle GPU). */
  get freeGpuMilli(): number {
    return this.t.gpuFreeMilliTotal[this.index];
  }
  /** GPUs with nothing on them. */
  get idleGpus(): number {
    const t = this.t;
    let idle = 0;
    for (let g = t.gpuStart[this.index]; g < t.gpuStart[this.index + 1]; g++)
      if (t.gpuFreeMilli[g] === 1000) idle++;
    return idle;
  }
  /** The host's traits from the cluster file (Nova's HostState.stats). */
  get traits(): Readonly<Record<string, unknown>> {
    return this.t.traits[this.index];
  }
}
