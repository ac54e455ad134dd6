// first-fit, best-fit and worst-fit on small clusters, every placement worked out by hand.
// Flavors use 0 vCPUs and 0 disk where only RAM should matter: the dot-product score then reduces to
// (memory_mb / R_ram) * (RAM left / R_ram), so hosts rank by RAM left after placement.
import { describe, expect, it } from 'vitest';
import { NO_VALID_HOST } from '../../src/scheduler/errors.ts';
import { bestFitStrategy } from '../../strategies/best-fit.ts';
import { firstFitStrategy } from '../../strategies/first-fit.ts';
import { worstFitStrategy } from '../../strategies/worst-fit.ts';
import { cluster, simpleCluster } from '../helpers/cluster.ts';
import { HEADER, run } from './support.ts';

// h0001..h0003, 8 vCPUs and 8192 MB each, ratios 1, nothing reserved.
const three = () =>
  cluster({
    allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
    reserved: { memory_mb: 0, disk_gb: 0 },
    groups: [{ count: 3, prefix: 'h', vcpus: 8, memory_mb: 8192, disk_gb: 100 }],
  });

describe('first-fit', () => {
  it('fills h0001 first, then h0002, and reuses a hole at the front', async () => {
    const { hosts } = await run(firstFitStrategy, three(), [
      HEADER,
      // 4096 MB each: two fit per host.
      '0,create,a,1,4096,10,1,,,,',
      '1,create,b,1,4096,10,1,,,,',
      '2,create,c,1,4096,10,1,,,,',
      '3,create,d,1,4096,10,1,,,,',
      '4,create,e,1,4096,10,1,,,,',
      // a leaves h0001: the next one goes back there, not to h0003 which still has room.
      '5,delete,a,,,,,,,,',
      '6,create,f,1,4096,10,1,,,,',
    ]);
    expect(hosts).toEqual({ a: 'h0001', b: 'h0001', c: 'h0002', d: 'h0002', e: 'h0003', f: 'h0001' });
  });

  it('keeps the hard constraints: AZ, disabled hosts, anti-affinity, affinity', async () => {
    const spec = cluster({
      allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'h1', vcpus: 8, memory_mb: 8192, disk_gb: 100, az: 'az1' },
        { name: 'h2', vcpus: 8, memory_mb: 8192, disk_gb: 100, az: 'az1', enabled: false },
        { name: 'h3', vcpus: 8, memory_mb: 8192, disk_gb: 100, az: 'az2' },
        { name: 'h4', vcpus: 8, memory_mb: 8192, disk_gb: 100, az: 'az2' },
      ],
    });
    const { hosts } = await run(firstFitStrategy, spec, [
      HEADER,
      // az2: h3 is the first host there.
      '0,create,z,1,1024,10,1,,az2,,',
      // anti-affinity: w-0 h1; w-1 not h1, h2 disabled -> h3; w-2 -> h4; w-3: no host left.
      '1,create,w,1,1024,10,4,,,web,anti-affinity',
      // affinity: c-0 h1 (first); c-1 must join it on h1.
      '2,create,c,1,1024,10,2,,,db,affinity',
    ]);
    expect(hosts).toEqual({
      z: 'h3',
      'w-0': 'h1',
      'w-1': 'h3',
      'w-2': 'h4',
      'w-3': '',
      'c-0': 'h1',
      'c-1': 'h1',
    });
  });

  it('refuses a filter list without the resource filters', () => {
    const r = firstFitStrategy.optionsSchema.safeParse({ filters: ['RetryFilter', 'RamFilter'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toMatch(/must include RamFilter, CoreFilter, DiskFilter/);
  });
});

describe('best-fit packs', () => {
  // Free RAM h1 8192, h2 4096, h3 6144 (R_ram = 8192).
  const spec = () => simpleCluster([{ memory_mb: 8192 }, { memory_mb: 4096 }, { memory_mb: 6144 }]);
  const lines = [
    'time,id,vcpus,memory_mb,disk_gb',
    '0,a,0,2048,0', // left after: h1 6144, h2 2048, h3 4096 -> h2
    '1,b,0,2048,0', // left after: h1 6144, h2 0, h3 4096 -> h2 (an exact fit)
    '2,c,0,4096,0', // h2 is full; left after: h1 4096, h3 2048 -> h3
    '3,d,0,4096,0', // h3 has 2048 free, too little; h1 -> 0 left -> h1
    '4,e,0,1024,0', // h1 0, h2 0, h3 2048 free: only h3 fits
  ];

  it('puts each instance where the least RAM is left after it', async () => {
    const { hosts } = await run(bestFitStrategy, spec(), lines);
    expect(hosts).toEqual({ a: 'h2', b: 'h2', c: 'h3', d: 'h1', e: 'h3' });
  });

  it('max-ratio counts the resources the request does not use', async () => {
    // 0 vCPUs and 0 disk requested: vCPUs and disk stay wholly free (left fraction 1 on every host),
    // so max(RAM left, 1, 1) = 1 everywhere, every host ties, and ties go to cluster order: with this
    // score best-fit degenerates to first-fit. a, b, c fill h1 (8192 -> 0); d goes to h2; e (1024)
    // fits only h3.
    const { hosts } = await run(bestFitStrategy, spec(), lines, { options: { score: 'max-ratio' } });
    expect(hosts).toEqual({ a: 'h1', b: 'h1', c: 'h1', d: 'h2', e: 'h3' });
  });
});

describe('worst-fit spreads', () => {
  it('three equal hosts take one instance each before any takes a second', async () => {
    const { hosts } = await run(worstFitStrategy, three(), [
      'time,id,vcpus,memory_mb,disk_gb',
      '0,a,0,2048,0', // all 8192: tie -> h0001
      '1,b,0,2048,0', // h0001 6144 free: h0002 and h0003 leave more -> h0002
      '2,c,0,2048,0', // -> h0003
      '3,d,0,2048,0', // all 6144: tie -> h0001
    ]);
    expect(hosts).toEqual({ a: 'h0001', b: 'h0002', c: 'h0003', d: 'h0001' });
  });

  it('on uneven hosts picks the most RAM left after placement', async () => {
    // Free h1 8192, h2 4096, h3 6144.
    const spec = simpleCluster([{ memory_mb: 8192 }, { memory_mb: 4096 }, { memory_mb: 6144 }]);
    const { hosts, log } = await run(worstFitStrategy, spec, [
      'time,id,vcpus,memory_mb,disk_gb',
      '0,a,0,2048,0', // left: h1 6144, h2 2048, h3 4096 -> h1
      '1,b,0,2048,0', // left: h1 4096, h2 2048, h3 4096 -> tie h1/h3 -> h1
      '2,c,0,4096,0', // free h1 4096, h2 4096, h3 6144; left: 0, 0, 2048 -> h3
      '3,d,0,8192,0', // fits nowhere
    ]);
    expect(hosts).toEqual({ a: 'h1', b: 'h1', c: 'h3', d: '' });
    expect(log.outcomes[3].reason).toBe(NO_VALID_HOST);
  });
});
