// The classic RamFilter / CoreFilter / DiskFilter (Nova Stein code, as in test/nova/reference.py):
//   Ram:  total_usable_ram_mb >= req  and  total * ram_ratio - (total - free_ram_mb) >= req
//   Core: vcpus_total == 0 -> pass (fail-safe); limit = vcpus_total * cpu_ratio;
//         if limit > 0 and req > vcpus_total -> fail; fail if limit - vcpus_used < req
//   Disk: req = 1024 * disk_gb; total = total_usable_disk_gb * 1024; total >= req and
//         total * disk_ratio - (total - free_disk_mb) >= req
// HostState: free_ram_mb = memory_mb - reserved.memory_mb - Σ instance RAM;
//            free_disk_mb = (disk_gb - reserved.disk_gb) * 1024 - Σ 1024 * instance disk_gb.
import { describe, expect, it } from 'vitest';
import { cluster, simpleCluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, passing, place, request } from './support.ts';

function oneHost(
  host: Record<string, unknown>,
  ratios: Record<string, number>,
  reserved: Record<string, number>,
) {
  return bench(
    cluster({
      allocation_ratios: { cpu: 16, ram: 1.5, disk: 1, ...ratios },
      reserved: { memory_mb: 0, disk_gb: 0, ...reserved },
      hosts: [{ name: 'h1', vcpus: 8, memory_mb: 8192, disk_gb: 100, ...host }],
    }),
  );
}

describe('RamFilter', () => {
  // ram ratio 1.5, reserved 512, host 8192 MB:
  //   free = 8192 - 512 = 7680; used = 8192 - 7680 = 512; limit = 8192 * 1.5 = 12288
  //   usable = 12288 - 512 = 11776
  const fresh = () => oneHost({ memory_mb: 8192 }, { ram: 1.5 }, { memory_mb: 512 });

  it('passes a request of exactly the host total (8192 <= 8192 and 8192 <= 11776)', () => {
    const b = fresh();
    expect(passing(b, 'RamFilter', request(b, { flavor: { memoryMb: 8192 } }))).toEqual(['h1']);
  });

  it('fails one MB over the host total even though the ratio leaves 11776 MB usable', () => {
    // total_usable_ram_mb 8192 >= 8193 is False: an instance never overcommits against itself.
    const b = fresh();
    expect(passing(b, 'RamFilter', request(b, { flavor: { memoryMb: 8193 } }))).toEqual([]);
  });

  it('exactly-fits passes and one MB more fails once instances use RAM', () => {
    // After 6000 MB: free = 7680 - 6000 = 1680; used = 8192 - 1680 = 6512;
    // usable = 12288 - 6512 = 5776.
    const b = fresh();
    place(b, 'h1', 'x', { memoryMb: 6000 });
    expect(passing(b, 'RamFilter', request(b, { flavor: { memoryMb: 5776 } }))).toEqual(['h1']);
    expect(passing(b, 'RamFilter', request(b, { flavor: { memoryMb: 5777 } }))).toEqual([]);
  });

  it('with ratio 1.0 the reservation is what is left out: usable = 8192 - 512 = 7680', () => {
    const b = oneHost({ memory_mb: 8192 }, { ram: 1.0 }, { memory_mb: 512 });
    expect(passing(b, 'RamFilter', request(b, { flavor: { memoryMb: 7680 } }))).toEqual(['h1']);
    expect(passing(b, 'RamFilter', request(b, { flavor: { memoryMb: 7681 } }))).toEqual([]);
  });

  it('a request larger than the host total fails even with ratio 100', () => {
    // host 1024 MB, ratio 100: limit 102400, but 1024 >= 1025 is False.
    const b = oneHost({ memory_mb: 1024 }, { ram: 100 }, { memory_mb: 0 });
    expect(passing(b, 'RamFilter', request(b, { flavor: { memoryMb: 1025 } }))).toEqual([]);
    expect(passing(b, 'RamFilter', request(b, { flavor: { memoryMb: 1024 } }))).toEqual(['h1']);
  });

  it('end to end: overcommit up to the ratio limit, then nothing but a 0 MB flavor fits', async () => {
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1.5, disk: 1 },
      reserved: { memory_mb: 512, disk_gb: 0 },
      hosts: [{ name: 'h1', vcpus: 8, memory_mb: 8192, disk_gb: 100 }],
    });
    const { log } = await replayLines(spec, [
      'time,id,vcpus,memory_mb',
      '0,a,1,6000', // usable before: 11776 -> placed
      '1,b,1,5777', // usable 5776 (see above) < 5777 -> ERROR
      '2,c,1,5776', // 5776 >= 5776 -> placed; used = 512 + 6000 + 5776 = 12288, usable 0
      '3,d,1,1', //    0 >= 1 is False -> ERROR
      '4,e,1,0', //    0 >= 0 -> placed
    ]);
    expect(log.hosts()).toEqual({ a: 'h1', b: '', c: 'h1', d: '', e: 'h1' });
  });

  it('runs for every instance of a request (not once per request)', async () => {
    // ratio 1, no reservation. a-0 (3000) -> h1 (4096 free > 3072 free);
    // a-1: h1 has 4096 - 3000 = 1096 < 3000 -> only h2 (3072 >= 3000).
    const spec = simpleCluster([{ memory_mb: 4096 }, { memory_mb: 3072 }]);
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb,count', '0,a,1,3000,2']);
    expect(log.hosts()).toEqual({ 'a-0': 'h1', 'a-1': 'h2' });
  });
});

describe('CoreFilter', () => {
  // cpu ratio 16, host 4 vCPUs: limit = 4 * 16 = 64.
  const fresh = () => oneHost({ vcpus: 4 }, { cpu: 16 }, {});

  it('a request above vcpus_total fails although the ratio limit (64) would allow it', () => {
    // limit 64 > 0 and 5 > vcpus_total 4 -> fail; 4 -> 64 - 0 >= 4 -> pass.
    const b = fresh();
    expect(passing(b, 'CoreFilter', request(b, { flavor: { vcpus: 5 } }))).toEqual([]);
    expect(passing(b, 'CoreFilter', request(b, { flavor: { vcpus: 4 } }))).toEqual(['h1']);
  });

  it('exactly the free vCPUs after the ratio passes, one more fails', () => {
    // 15 instances of 4 vCPUs: used 60, free = 64 - 60 = 4.
    const b = fresh();
    for (let i = 0; i < 15; i++) place(b, 'h1', `x${i}`, { vcpus: 4 });
    expect(passing(b, 'CoreFilter', request(b, { flavor: { vcpus: 4 } }))).toEqual(['h1']);
    // One more vCPU used: free = 64 - 61 = 3 < 4 -> fail; 3 passes.
    place(b, 'h1', 'y', { vcpus: 1 });
    expect(passing(b, 'CoreFilter', request(b, { flavor: { vcpus: 4 } }))).toEqual([]);
    expect(passing(b, 'CoreFilter', request(b, { flavor: { vcpus: 3 } }))).toEqual(['h1']);
  });

  it('a host reporting vcpus_total == 0 passes any request (fail-safe)', () => {
    const b = oneHost({ vcpus: 0 }, { cpu: 16 }, {});
    expect(passing(b, 'CoreFilter', request(b, { flavor: { vcpus: 1000 } }))).toEqual(['h1']);
  });

  it('with a ratio below 1 the limit is below the host total', () => {
    // ratio 0.5, 4 vCPUs: limit 2. 3 vCPUs: 3 > 4 no, but free 2 < 3 -> fail. 2 -> pass.
    const b = oneHost({ vcpus: 4 }, { cpu: 0.5 }, {});
    expect(passing(b, 'CoreFilter', request(b, { flavor: { vcpus: 3 } }))).toEqual([]);
    expect(passing(b, 'CoreFilter', request(b, { flavor: { vcpus: 2 } }))).toEqual(['h1']);
  });
});

describe('DiskFilter (in MB, net of the reserved disk)', () => {
  it('ratio 1.0, reserved 10 GB on a 100 GB host: usable 92160 MB = 90 GB', () => {
    // total = 100 * 1024 = 102400; free = (100 - 10) * 1024 = 92160; used = 10240;
    // usable = 102400 * 1.0 - 10240 = 92160. 90 GB = 92160 MB passes, 91 GB = 93184 fails.
    const b = oneHost({ disk_gb: 100 }, { disk: 1.0 }, { disk_gb: 10 });
    expect(passing(b, 'DiskFilter', request(b, { flavor: { diskGb: 90 } }))).toEqual(['h1']);
    expect(passing(b, 'DiskFilter', request(b, { flavor: { diskGb: 91 } }))).toEqual([]);
  });

  it('ratio 2.0: the host total (100 GB) still bounds one instance', () => {
    // limit = 204800; usable = 204800 - 10240 = 194560 (190 GB), but 102400 < 103424 (101 GB).
    const b = oneHost({ disk_gb: 100 }, { disk: 2.0 }, { disk_gb: 10 });
    expect(passing(b, 'DiskFilter', request(b, { flavor: { diskGb: 100 } }))).toEqual(['h1']);
    expect(passing(b, 'DiskFilter', request(b, { flavor: { diskGb: 101 } }))).toEqual([]);
  });

  it('ratio 2.0 after a 100 GB instance: usable = 204800 - (102400 - (-10240)) = 92160 MB', () => {
    // free = 92160 - 102400 = -10240; used = 102400 + 10240 = 112640; usable = 204800 - 112640.
    const b = oneHost({ disk_gb: 100 }, { disk: 2.0 }, { disk_gb: 10 });
    place(b, 'h1', 'x', { diskGb: 100 });
    expect(passing(b, 'DiskFilter', request(b, { flavor: { diskGb: 90 } }))).toEqual(['h1']);
    expect(passing(b, 'DiskFilter', request(b, { flavor: { diskGb: 91 } }))).toEqual([]);
  });

  it('a 0 GB flavor always fits, even on a full host', () => {
    // 100 GB placed with ratio 1.0 and no reservation: usable = 102400 - 102400 = 0 >= 0.
    const b = oneHost({ disk_gb: 100 }, { disk: 1.0 }, {});
    place(b, 'h1', 'x', { diskGb: 100 });
    expect(passing(b, 'DiskFilter', request(b, { flavor: { diskGb: 0 } }))).toEqual(['h1']);
    expect(passing(b, 'DiskFilter', request(b, { flavor: { diskGb: 1 } }))).toEqual([]);
  });

  it('end to end: the reserved disk is not schedulable', async () => {
    // h1 100 GB, h2 50 GB, reserved 10 GB each: usable 90 GB and 40 GB.
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 10 },
      hosts: [
        { name: 'h1', vcpus: 8, memory_mb: 4096, disk_gb: 100 },
        { name: 'h2', vcpus: 8, memory_mb: 8192, disk_gb: 50 },
      ],
    });
    const { log } = await replayLines(spec, [
      'time,id,vcpus,memory_mb,disk_gb',
      '0,a,1,1024,41', // only h1 (41 > 40); RAM would prefer h2
      '1,b,1,1024,49', // h1: 90 - 41 = 49 GB left -> fits exactly; h2: 49 > 40
      '2,c,1,1024,1', //  h1 is full (0 GB left): h2
      '3,d,1,1024,40', // h2: 40 - 1 = 39 < 40 -> nowhere
    ]);
    expect(log.hosts()).toEqual({ a: 'h1', b: 'h1', c: 'h2', d: '' });
  });
});
