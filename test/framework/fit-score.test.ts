import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { FitScorer } from '../../src/framework/fit-score.ts';
import { cluster } from '../helpers/cluster.ts';

describe('FitScorer', () => {
  // cpu ratio 2, ram and disk ratio 1, nothing reserved. A: 16 vCPUs, 32768 MB; B: 8 vCPUs, 65536 MB,
  // already running 4 vCPUs / 16384 MB. No host has disk, so disk is left out (R_disk = 0).
  // R_cpu = max(16*2, 8*2) = 32, R_ram = 65536. Flavor: 4 vCPUs, 16384 MB, 0 GB.
  const state = new ClusterState(
    cluster({
      allocation_ratios: { cpu: 2, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'A', vcpus: 16, memory_mb: 32768, disk_gb: 0 },
        { name: 'B', vcpus: 8, memory_mb: 65536, disk_gb: 0 },
      ],
    }),
  );
  state.claim(1, 'running', { vcpus: 4, memoryMb: 16384, diskGb: 0, gpus: 0, gpuMilli: 0 }, undefined);
  const flavor = { vcpus: 4, memoryMb: 16384, diskGb: 0, gpus: 0, gpuMilli: 0 };

  it('dot-product: Σ (demand/R) × (left/R)', () => {
    // A: cpu left (32-0-4)/32 = 0.875, ram left (32768-0-16384)/65536 = 0.25
    //    4/32 * 0.875 + 16384/65536 * 0.25 = 0.109375 + 0.0625 = 0.171875
    // B: cpu left (16-4-4)/32 = 0.25, ram left (65536-16384-16384)/65536 = 0.5
    //    0.125 * 0.25 + 0.25 * 0.5 = 0.03125 + 0.125 = 0.15625
    const fit = new FitScorer(state.hosts, 'dot-product');
    expect(fit.score(0, flavor)).toBe(0.171875);
    expect(fit.score(1, flavor)).toBe(0.15625);
  });

  it('max-ratio: the largest left fraction', () => {
    // A: max(0.875, 0.25) = 0.875; B: max(0.25, 0.5) = 0.5
    const fit = new FitScorer(state.hosts, 'max-ratio');
    expect(fit.score(0, flavor)).toBe(0.875);
    expect(fit.score(1, flavor)).toBe(0.5);
  });
});
