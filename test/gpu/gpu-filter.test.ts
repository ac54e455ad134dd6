// GpuFilter: GPU room and the gpu_spec model constraint; in the default filter list only on a
// cluster with GPUs.
import { describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/run-config.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { DEFAULT_FILTER_OPTIONS, DEFAULT_FILTERS, withGpuFilter } from '../../src/framework/options.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { bench, place, request } from '../framework/support.ts';
import { cluster as clusterSpec } from '../helpers/cluster.ts';

describe('GpuFilter', () => {
  const cluster = () =>
    bench(
      clusterSpec({
        hosts: [
          { name: 'v100', vcpus: 8, memory_mb: 8192, disk_gb: 10, gpus: 2, gpu_model: 'V100' },
          { name: 't4', vcpus: 8, memory_mb: 8192, disk_gb: 10, gpus: 1, gpu_model: 'T4' },
          { name: 'cpu', vcpus: 8, memory_mb: 8192, disk_gb: 10 },
        ],
      }),
    );
  const passing = (b: ReturnType<typeof cluster>, gpus: number, gpuMilli: number, gpuSpec?: string[]) => {
    const f = BUILTIN_PLUGINS.filters
      .get('GpuFilter')!
      .create({ cluster: b.cluster, options: DEFAULT_FILTER_OPTIONS });
    const req = request(b, { flavor: { gpus, gpuMilli }, gpuSpec });
    if (!f.preFilter(req)) return 'skipped';
    return b.cluster.hosts.names.filter((_, h) => f.hostPasses(h, req));
  };

  it('passes hosts with room for the GPUs', () => {
    const b = cluster();
    expect(passing(b, 1, 1000)).toEqual(['v100', 't4']);
    expect(passing(b, 2, 1000)).toEqual(['v100']);
    expect(passing(b, 3, 1000)).toEqual([]);
    expect(passing(b, 1, 500)).toEqual(['v100', 't4']);
    // t4's only GPU is 70% used: a 0.5 share fits on v100 only, 0.3 on both.
    place(b, 't4', 'a', { gpus: 1, gpuMilli: 700 });
    expect(passing(b, 1, 500)).toEqual(['v100']);
    expect(passing(b, 1, 300)).toEqual(['v100', 't4']);
    expect(passing(b, 1, 1000)).toEqual(['v100']);
  });

  it('gpu_spec keeps only hosts of an allowed model', () => {
    const b = cluster();
    expect(passing(b, 1, 1000, ['T4'])).toEqual(['t4']);
    expect(passing(b, 1, 1000, ['A100', 'V100'])).toEqual(['v100']);
    expect(passing(b, 2, 1000, ['T4'])).toEqual([]);
    expect(passing(b, 1, 1000, ['A100'])).toEqual([]);
  });

  it('explains a rejection with the GPUs the host has', () => {
    const b = cluster();
    const f = BUILTIN_PLUGINS.filters
      .get('GpuFilter')!
      .create({ cluster: b.cluster, options: DEFAULT_FILTER_OPTIONS });
    const why = (host: string, gpus: number, gpuMilli: number, gpuSpec?: string[]) => {
      const req = request(b, { flavor: { gpus, gpuMilli }, gpuSpec });
      f.preFilter(req);
      const h = b.cluster.hosts.indexOf(host);
      expect(f.hostPasses(h, req)).toBe(false);
      return f.explain!(h, req);
    };
    place(b, 't4', 'a', { gpus: 1, gpuMilli: 700 });
    expect(why('v100', 3, 1000)).toBe('GpuFilter: 2 idle GPU(s) of 2, 3 asked');
    expect(why('t4', 1, 1000)).toBe('GpuFilter: 0 idle GPU(s) of 1, 1 asked');
    expect(why('cpu', 1, 1000)).toBe('GpuFilter: 0 idle GPU(s) of 0, 1 asked');
    expect(why('t4', 1, 500)).toBe(
      'GpuFilter: at most 300/1000 of a GPU free on one of 1 GPUs, 500/1000 asked',
    );
    expect(why('v100', 1, 1000, ['T4'])).toBe('GpuFilter: model V100, gpu_spec allows T4');
    expect(why('cpu', 1, 1000, ['A100', 'T4'])).toBe('GpuFilter: no GPU model, gpu_spec allows A100|T4');
  });

  it('a request without GPUs skips it, gpu_spec or not', () => {
    const b = cluster();
    expect(passing(b, 0, 0)).toBe('skipped');
    expect(passing(b, 0, 0, ['T4'])).toBe('skipped');
  });
});

describe('the default filter list', () => {
  it('gets GpuFilter after DiskFilter on a cluster with GPUs, only there', () => {
    const plain = loadRunConfig(filterStrategy, undefined, {}, 1);
    expect(plain.effective.filters).toEqual([...DEFAULT_FILTERS]);
    const gpu = loadRunConfig(filterStrategy, undefined, {}, 1, undefined, true);
    expect(gpu.effective.filters).toEqual([
      'RetryFilter',
      'AvailabilityZoneFilter',
      'ComputeFilter',
      'RamFilter',
      'CoreFilter',
      'DiskFilter',
      'GpuFilter',
      'AggregateInstanceExtraSpecsFilter',
      'ServerGroupAntiAffinityFilter',
      'ServerGroupAffinityFilter',
    ]);
  });

  it('a filter list the user sets is kept as given', () => {
    const c = loadRunConfig(filterStrategy, undefined, { filters: ['RamFilter'] }, 1, undefined, true);
    expect(c.effective.filters).toEqual(['RamFilter']);
  });

  it('withGpuFilter adds it once, at the end when there is no DiskFilter', () => {
    expect(withGpuFilter(['RamFilter'])).toEqual(['RamFilter', 'GpuFilter']);
    expect(withGpuFilter(['GpuFilter', 'RamFilter'])).toEqual(['GpuFilter', 'RamFilter']);
  });
});
