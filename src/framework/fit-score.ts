import { z } from 'zod';
import type { HostTable } from '../cluster/host-table.ts';
import { diskLeftMb, diskLimitMb, ramLeftMb, ramLimitMb, vcpuLimit, vcpusLeft } from '../cluster/usage.ts';
import type { Flavor } from '../model/flavor.ts';

export const FIT_SCORES = ['dot-product', 'max-ratio'] as const;
export type FitScoreName = (typeof FIT_SCORES)[number];

export const fitScoreOption = z
  .enum(FIT_SCORES)
  .default('dot-product')
  .describe('how capacity left after placement is measured (docs/strategies.md)');

/**
 * How much capacity a host would have left after placing a flavor, as one number (more left, higher).
 * Per resource k (RAM MB, vCPUs, disk MB): the limit C_k = total × allocation ratio (the limit the
 * resource filters check), left_k = C_k − used_k − demand_k, and every quantity is divided by R_k, the
 * largest C_k in the cluster, so a unit means the same on every host:
 *   dot-product  Σ_k (demand_k / R_k) · (left_k / R_k)   (only the resources the request uses count)
 *   max-ratio    max_k left_k / R_k                      (the most-free resource decides)
 * A resource no host has (R_k = 0) is left out. Reads the host table by index; allocates nothing.
 */
export class FitScorer {
  private readonly invRam: number;
  private readonly invCpu: number;
  private readonly invDisk: number;

  constructor(
    private readonly t: HostTable,
    readonly kind: FitScoreName,
  ) {
    let ram = 0;
    let cpu = 0;
    let disk = 0;
    for (let h = 0; h < t.size; h++) {
      ram = Math.max(ram, ramLimitMb(t, h));
      cpu = Math.max(cpu, vcpuLimit(t, h));
      disk = Math.max(disk, diskLimitMb(t, h));
    }
    this.invRam = ram > 0 ? 1 / ram : 0;
    this.invCpu = cpu > 0 ? 1 / cpu : 0;
    this.invDisk = disk > 0 ? 1 / disk : 0;
  }

  /** The score of host `h` for flavor `f`. */
  score(h: number, f: Flavor): number {
    const t = this.t;
    const ramLeft = (ramLeftMb(t, h) - f.memoryMb) * this.invRam;
    const cpuLeft = (vcpusLeft(t, h) - f.vcpus) * this.invCpu;
    const diskDemand = 1024 * f.diskGb;
    const diskLeft = (diskLeftMb(t, h) - diskDemand) * this.invDisk;
    if (this.kind === 'max-ratio') return Math.max(ramLeft, cpuLeft, diskLeft);
    return (
      f.memoryMb * this.invRam * ramLeft +
      f.vcpus * this.invCpu * cpuLeft +
      diskDemand * this.invDisk * diskLeft
    );
  }
}
