import { describe, expect, it } from 'vitest';
import { FlavorOutcomes } from '../../src/metrics/outcomes.ts';

const flavor = (vcpus: number, memoryMb: number, diskGb = 0, gpus = 0, gpuMilli = 0) => ({
  vcpus,
  memoryMb,
  diskGb,
  gpus,
  gpuMilli,
});

describe('FlavorOutcomes', () => {
  it('counts instances and NoValidHost per shape, most instances first', () => {
    const o = new FlavorOutcomes();
    const small = flavor(2, 4096, 40);
    // Three instances of one request share a flavor object; a fourth comes as an equal copy.
    o.add(small, true);
    o.add(small, true);
    o.add(small, false);
    o.add(flavor(2, 4096, 40), true);
    o.add(flavor(8, 16384, 160), false);
    expect(o.list()).toEqual([
      {
        vcpus: 2,
        memory_mb: 4096,
        disk_gb: 40,
        instances: 4,
        placed: 3,
        no_valid_host: 1,
        no_valid_host_rate: 0.25,
      },
      {
        vcpus: 8,
        memory_mb: 16384,
        disk_gb: 160,
        instances: 1,
        placed: 0,
        no_valid_host: 1,
        no_valid_host_rate: 1,
      },
    ]);
  });

  it('keeps shapes apart that a numeric hash of their fields cannot', () => {
    const o = new FlavorOutcomes(true);
    // (vcpus·31 + memory)·31 is 31·31 for both (1, 0) and (0, 31): same hash, different shapes.
    o.add(flavor(1, 0), true);
    o.add(flavor(0, 31), false);
    o.add(flavor(1, 0), true);
    const list = o.list();
    expect(list.map((e) => [e.vcpus, e.memory_mb, e.instances, e.no_valid_host])).toEqual([
      [1, 0, 2, 0],
      [0, 31, 1, 1],
    ]);
    expect(list[0]).toHaveProperty('gpus', 0);
  });

  it('tells GPU shapes apart by gpus and gpu_milli', () => {
    const o = new FlavorOutcomes(true);
    o.add(flavor(4, 8192, 0, 1, 500), true);
    o.add(flavor(4, 8192, 0, 1, 250), true);
    o.add(flavor(4, 8192, 0, 1, 500), false);
    expect(o.list().map((e) => [e.gpu_milli, e.instances, e.placed])).toEqual([
      [500, 2, 1],
      [250, 1, 1],
    ]);
  });
});
