// The resource filters' filterAll fast path must keep exactly the hosts the reference loop
// (one hostPasses call per host, Nova's filter_all) keeps, in the same order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { keepPassing } from '../../src/framework/filter-handler.ts';
import { GroupView } from '../../src/framework/group-view.ts';
import { DEFAULT_FILTER_OPTIONS } from '../../src/framework/options.ts';
import type { FilterRequest } from '../../src/framework/types.ts';
import { cluster } from '../helpers/cluster.ts';

const host = fc.record({
  vcpus: fc.integer({ min: 0, max: 64 }),
  memory_mb: fc.integer({ min: 0, max: 65536 }),
  disk_gb: fc.integer({ min: 0, max: 500 }),
  used: fc.record({
    vcpus: fc.integer({ min: 0, max: 64 }),
    memory: fc.integer({ min: 0, max: 65536 }),
    disk: fc.integer({ min: 0, max: 500 }),
  }),
});

describe('filterAll fast paths', () => {
  it.each(['RamFilter', 'CoreFilter', 'DiskFilter'])('%s keeps what hostPasses keeps', (name) => {
    fc.assert(
      fc.property(
        fc.array(host, { minLength: 1, maxLength: 40 }),
        fc.record({
          vcpus: fc.integer({ min: 0, max: 70 }),
          memoryMb: fc.integer({ min: 0, max: 70000 }),
          diskGb: fc.integer({ min: 0, max: 600 }),
        }),
        fc.constantFrom(0.5, 1, 1.5, 16),
        (hosts, flavor, ratio) => {
          const state = new ClusterState(
            cluster({
              allocation_ratios: { cpu: ratio, ram: ratio, disk: ratio },
              reserved: { memory_mb: 256, disk_gb: 1 },
              hosts: hosts.map((h, i) => ({
                name: `h${i}`,
                vcpus: h.vcpus,
                memory_mb: h.memory_mb,
                disk_gb: h.disk_gb,
              })),
            }),
          );
          // Usage that may exceed the host (overcommitted or over-reserved hosts are legal states).
          hosts.forEach((h, i) => {
            state.hosts.vcpusUsed[i] = h.used.vcpus;
            state.hosts.freeRamMb[i] -= h.used.memory;
            state.hosts.freeDiskMb[i] -= h.used.disk * 1024;
          });
          const f = BUILTIN_PLUGINS.filters
            .get(name)!
            .create({ cluster: state, options: DEFAULT_FILTER_OPTIONS });
          const req = {
            spec: { flavor: flavor },
            index: 0,
            instanceId: 'x',
            retryHosts: undefined,
            group: new GroupView(hosts.length),
          } as unknown as FilterRequest;
          const all = Int32Array.from(hosts.keys());
          const a = all.slice();
          const b = all.slice();
          const na = f.filterAll!(a, a.length, req);
          const nb = keepPassing(f, b, b.length, req);
          expect(Array.from(a.subarray(0, na))).toEqual(Array.from(b.subarray(0, nb)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('GpuFilter keeps what hostPasses keeps (and what gpuFits with the model says, by hand)', () => {
    const gpuHost = fc.record({
      gpus: fc.integer({ min: 0, max: 8 }),
      model: fc.constantFrom('A', 'B', ''),
      used: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 8, maxLength: 8 }),
    });
    fc.assert(
      fc.property(
        fc.array(gpuHost, { minLength: 1, maxLength: 30 }),
        fc.oneof(
          fc.record({ gpus: fc.integer({ min: 1, max: 9 }), gpuMilli: fc.constant(1000) }),
          fc.record({ gpus: fc.constant(1), gpuMilli: fc.integer({ min: 1, max: 999 }) }),
        ),
        fc.constantFrom<string[] | undefined>(undefined, ['A'], ['A', 'B'], ['C']),
        (hosts, demand, gpuSpec) => {
          const state = new ClusterState(
            cluster({
              hosts: hosts.map((h, i) => ({
                name: `h${i}`,
                vcpus: 8,
                memory_mb: 8192,
                disk_gb: 10,
                gpus: h.gpus,
                gpu_model: h.model,
              })),
            }),
          );
          const t = state.hosts;
          hosts.forEach((h, i) => {
            for (let g = 0; g < h.gpus; g++) {
              t.gpuFreeMilli[t.gpuStart[i] + g] = 1000 - h.used[g];
              t.gpuFreeMilliTotal[i] -= h.used[g];
            }
          });
          const f = BUILTIN_PLUGINS.filters
            .get('GpuFilter')!
            .create({ cluster: state, options: DEFAULT_FILTER_OPTIONS });
          const req = {
            spec: { flavor: { vcpus: 1, memoryMb: 1, diskGb: 0, ...demand }, gpuSpec },
            index: 0,
            instanceId: 'x',
            retryHosts: undefined,
            group: new GroupView(hosts.length),
          } as unknown as FilterRequest;
          expect(f.preFilter(req)).toBe(true);
          const all = Int32Array.from(hosts.keys());
          const a = all.slice();
          const b = all.slice();
          const na = f.filterAll!(a, a.length, req);
          const nb = keepPassing(f, b, b.length, req);
          expect(Array.from(a.subarray(0, na))).toEqual(Array.from(b.subarray(0, nb)));
          // The reference, written from the rule: the model is allowed, and there are `gpus` idle
          // GPUs (whole) or one GPU with at least the share free.
          const expected = hosts.flatMap((h, i) => {
            if (gpuSpec !== undefined && !gpuSpec.includes(h.model)) return [];
            const freeOf = h.used.slice(0, h.gpus).map((u) => 1000 - u);
            const ok =
              demand.gpuMilli === 1000
                ? freeOf.filter((x) => x === 1000).length >= demand.gpus
                : freeOf.some((x) => x >= demand.gpuMilli);
            return ok ? [i] : [];
          });
          expect(Array.from(a.subarray(0, na))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
