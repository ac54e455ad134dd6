// GPU claims and releases: which GPUs a claim takes, what a departure gives back, and what a driver
// may name. Every expected value below is worked out by hand from the rules in usage.ts.
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { gpuFits } from '../../src/cluster/usage.ts';
import { ContractError } from '../../src/common/errors.ts';
import { SeededRng } from '../../src/common/rng.ts';
import type { Flavor } from '../../src/model/flavor.ts';
import type { DriverContext, SchedulerDriver } from '../../src/scheduler/driver.ts';
import { SchedulerManager } from '../../src/scheduler/manager.ts';
import { SchedulerRecords } from '../../src/scheduler/records.ts';
import type { RequestSpec } from '../../src/scheduler/request-spec.ts';
import { cluster } from '../helpers/cluster.ts';

const gpu = (gpus: number, gpuMilli: number): Flavor => ({
  vcpus: 1,
  memoryMb: 1,
  diskGb: 0,
  gpus,
  gpuMilli,
});
const whole = (n: number) => gpu(n, 1000);
const share = (milli: number) => gpu(1, milli);

/** Host g0 with 4 GPUs, g1 with none; plenty of CPU and RAM. */
function gpuState(): ClusterState {
  return new ClusterState(
    cluster({
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'g0', vcpus: 64, memory_mb: 65536, disk_gb: 100, gpus: 4, gpu_model: 'V100' },
        { name: 'g1', vcpus: 64, memory_mb: 65536, disk_gb: 100 },
      ],
    }),
  );
}

const free = (c: ClusterState) => [...c.hosts.gpuFreeMilli.subarray(0, 4)];

describe('GPU claims', () => {
  it('the host table lays out GPUs per host', () => {
    const t = gpuState().hosts;
    expect([...t.gpuCount]).toEqual([4, 0]);
    expect([...t.gpuStart]).toEqual([0, 4, 4]);
    expect(t.gpuModel).toEqual(['V100', '']);
    expect(t.hasGpus).toBe(true);
    expect([...t.gpuFreeMilli]).toEqual([1000, 1000, 1000, 1000]);
    expect([...t.gpuFreeMilliTotal]).toEqual([4000, 0]);
  });

  it('shares go best-fit, whole GPUs lowest idle first; a departure gives back exactly its GPUs', () => {
    const c = gpuState();
    // All idle: the least free share that fits is a tie at 1000, so GPU 0.
    const a = c.claim(0, 'a', share(600), undefined);
    expect(free(c)).toEqual([400, 1000, 1000, 1000]);
    expect(c.instances.gpuMask[a]).toBe(0b0001n);
    // 300 fits on GPU 0 (400 free) and on 1..3 (1000): GPU 0 has the least free.
    const b = c.claim(0, 'b', share(300), undefined);
    expect(free(c)).toEqual([100, 1000, 1000, 1000]);
    expect(c.instances.gpuMask[b]).toBe(0b0001n);
    // Two whole GPUs: the lowest idle ones are 1 and 2.
    const w = c.claim(0, 'w', whole(2), undefined);
    expect(free(c)).toEqual([100, 0, 0, 1000]);
    expect(c.instances.gpuMask[w]).toBe(0b0110n);
    expect(c.hosts.gpuFreeMilliTotal[0]).toBe(1100);
    // 300 more: only GPU 3 has room.
    const d = c.claim(0, 'd', share(300), undefined);
    expect(free(c)).toEqual([100, 0, 0, 700]);
    // No idle GPU is left: two whole GPUs neither fit nor claim; 1000 as a "share" neither.
    expect(gpuFits(c.hosts, 0, 2, 1000)).toBe(false);
    expect(c.claim(0, 'x', whole(2), undefined)).toBe(-1);
    expect(c.claim(0, 'y', whole(1), undefined)).toBe(-1);
    // A host without GPUs takes no GPU request, and still takes a CPU-only one.
    expect(c.claim(1, 'z', share(1), undefined)).toBe(-1);
    expect(c.claim(1, 'cpu', gpu(0, 0), undefined)).toBeGreaterThanOrEqual(0);
    // w leaves: GPUs 1 and 2 come back whole; the shares stay where they are.
    c.release(w);
    expect(free(c)).toEqual([100, 1000, 1000, 700]);
    expect(c.hosts.gpuFreeMilliTotal[0]).toBe(2800);
    c.release(a);
    expect(free(c)).toEqual([700, 1000, 1000, 700]);
    c.release(b);
    c.release(d);
    expect(free(c)).toEqual([1000, 1000, 1000, 1000]);
    expect(c.hosts.gpuFreeMilliTotal[0]).toBe(4000);
    expect(c.findTableChange()).toBeUndefined();
  });

  it('a driver may name the GPU of a share; a GPU without room fails the claim', () => {
    const c = gpuState();
    c.claim(0, 'a', share(600), undefined); // GPU 0: 400 free
    // Best fit would pick GPU 0 (400); the driver names GPU 2.
    const b = c.claim(0, 'b', share(300), undefined, '', 1, 2);
    expect(free(c)).toEqual([400, 1000, 700, 1000]);
    expect(c.instances.gpuMask[b]).toBe(0b0100n);
    // GPU 0 has 400 free: 500 does not fit there, though it would on GPU 1.
    expect(c.claim(0, 'c', share(500), undefined, '', 1, 0)).toBe(-1);
    expect(free(c)).toEqual([400, 1000, 700, 1000]);
    // For whole GPUs the name is ignored: the lowest idle GPU (1) is taken, not 3.
    const w = c.claim(0, 'w', whole(1), undefined, '', 1, 3);
    expect(c.instances.gpuMask[w]).toBe(0b0010n);
    c.release(b);
    expect(free(c)).toEqual([400, 0, 1000, 1000]);
  });

  it.each([4, -1, 1.5, Number.NaN])('naming GPU %s of a 4-GPU host breaks the contract', (g) => {
    const c = gpuState();
    expect(() => c.claim(0, 'a', share(100), undefined, '', 1, g)).toThrow(ContractError);
    expect(() => c.claim(0, 'a', share(100), undefined, '', 1, g)).toThrow(
      `named GPU ${g} of host "g0", which has 4 GPU(s) (0 to 3)`,
    );
    expect(c.instances.liveCount).toBe(0);
    expect(c.hosts.gpuFreeMilliTotal[0]).toBe(4000);
  });

  it('a driver that writes the GPU arrays is caught at its next GPU claim', () => {
    const c = gpuState();
    c.claim(0, 'a', whole(4), undefined);
    c.hosts.gpuFreeMilli[3] = 1000;
    expect(() => c.claim(0, 'b', whole(1), undefined)).toThrow(/gpuFreeMilli of GPU 3 of host "g0" is 1000/);
    expect(c.findTableChange()).toMatch(/gpuFreeMilli of GPU 3 of host "g0"/);
  });
});

describe('provision(index, host, gpu)', () => {
  const spec = (id: string, f: Flavor): RequestSpec => ({
    requestId: id,
    instanceIds: [id],
    flavor: f,
    time: 0,
    availabilityZone: undefined,
    group: undefined,
    extraSpecs: undefined,
    gpuSpec: undefined,
    sameHost: undefined,
    differentHost: undefined,
  });
  const run = (gpuChoice: number | undefined) => {
    const c = gpuState();
    const results: boolean[] = [];
    const driver: SchedulerDriver = {
      name: 'named-gpu',
      scheduleRunInstance(ctx: DriverContext) {
        results.push(ctx.provision(0, 0, gpuChoice));
      },
    };
    const m = new SchedulerManager({
      driver,
      cluster: c,
      rng: new SeededRng(1),
      records: new SchedulerRecords(false),
      maxAttempts: 1,
    });
    return { c, m, results };
  };

  it('the named GPU is the one the claim takes', () => {
    const { c, m, results } = run(3);
    m.runInstance({ time: 0 }, spec('a', share(250)));
    expect(results).toEqual([true]);
    expect(free(c)).toEqual([1000, 1000, 1000, 750]);
  });

  it('a GPU the host does not have is a contract error naming the strategy', () => {
    const { m } = run(7);
    expect(() => m.runInstance({ time: 0 }, spec('a', share(250)))).toThrow(
      'strategy "named-gpu" named GPU 7 of host "g0", which has 4 GPU(s) (0 to 3)',
    );
  });
});
