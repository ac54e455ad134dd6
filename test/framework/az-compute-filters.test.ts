// AvailabilityZoneFilter (nova/scheduler/filters/availability_zone_filter.py):
//   no AZ requested -> pass; metadata = aggregate_metadata_get_by_host(host, key='availability_zone')
//   (only aggregates holding that key; values comma-split and stripped);
//   'availability_zone' in metadata -> requested in that set; else requested == 'nova'.
// ComputeFilter (compute_filter.py): service disabled -> fail; service not up -> fail.
import { describe, expect, it } from 'vitest';
import { cluster, hostSpec } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, passing, request } from './support.ts';

const host = hostSpec;

const zones = () =>
  cluster({
    allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
    reserved: { memory_mb: 0, disk_gb: 0 },
    hosts: [
      host('h1', { az: 'az1' }),
      host('h2', { az: 'az2' }),
      host('h3'), // no AZ aggregate: Nova's default zone 'nova'
      // An AZ given through an aggregate, comma-separated with spaces: {'az1', 'az3'}
      host('h4', { aggregates: [{ name: 'multi', metadata: { availability_zone: 'az1 ,  az3' } }] }),
      host('h5', { az: 'nova' }),
      // az2 (implicit aggregate) plus another aggregate saying az4: {'az2', 'az4'}
      host('h6', { az: 'az2', aggregates: [{ name: 'extra', metadata: { availability_zone: 'az4' } }] }),
      // Aggregates without the availability_zone key do not put a host in a zone.
      host('h7', { aggregates: [{ name: 'ssd', metadata: { ssd: 'true' } }] }),
    ],
  });

describe('AvailabilityZoneFilter', () => {
  it('passes every host when no AZ is requested', () => {
    const b = bench(zones());
    expect(passing(b, 'AvailabilityZoneFilter', request(b))).toEqual([
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'h7',
    ]);
  });

  it.each([
    ['az1', ['h1', 'h4'], "h1's own zone; h4's 'az1 ,  az3' splits to {'az1', 'az3'}"],
    ['az3', ['h4'], 'the second comma-separated value, stripped'],
    ['az2', ['h2', 'h6'], "h6 is in {'az2', 'az4'}"],
    ['az4', ['h6'], 'a zone from a second aggregate'],
    ['nova', ['h3', 'h5', 'h7'], "h3 and h7 have no AZ aggregate (default 'nova'); h5 says 'nova'"],
    ['AZ1', [], 'zones are case-sensitive'],
    ['az1, az3', [], 'the request is one name: "az1, az3" is not in the set'],
    ['az9', [], 'unknown zone'],
  ])('requested %j passes %j (%s)', (az, expected) => {
    const b = bench(zones());
    expect(passing(b, 'AvailabilityZoneFilter', request(b, { az }))).toEqual(expected);
  });

  it('end to end: the az column restricts the hosts, the weigher picks among them', async () => {
    // Free RAM: h1 4096, h2 8192, h3 2048 (no zone). RAMWeigher prefers most free RAM.
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        host('h1', { az: 'az1', memory_mb: 4096 }),
        host('h2', { az: 'az2', memory_mb: 8192 }),
        host('h3', { memory_mb: 2048 }),
      ],
    });
    const { log } = await replayLines(spec, [
      'time,id,vcpus,memory_mb,az',
      '0,a,1,1024,', //   any zone: h2 (8192 free)
      '1,b,1,1024,az1', // only h1
      '2,c,1,1024,nova', // only h3
      '3,d,1,4096,az1', // h1 has 4096 - 1024 = 3072 left -> NoValidHost
    ]);
    expect(log.hosts()).toEqual({ a: 'h2', b: 'h1', c: 'h3', d: '' });
  });
});

describe('ComputeFilter', () => {
  const services = () =>
    cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        host('h1', { memory_mb: 16384, enabled: false }), // most RAM, but disabled
        host('h2', { memory_mb: 12288, up: false }), //      down
        host('h3', { memory_mb: 4096 }),
        host('h4', { memory_mb: 2048, enabled: false, up: false }),
      ],
    });

  it('keeps only hosts whose service is enabled and up', () => {
    const b = bench(services());
    expect(passing(b, 'ComputeFilter', request(b))).toEqual(['h3']);
  });

  it('end to end: the biggest hosts are skipped while disabled or down', async () => {
    const { log } = await replayLines(services(), [
      'time,id,vcpus,memory_mb',
      '0,a,1,1024', // h3 (the only active host)
      '1,b,1,4096', // h3 has 3072 left -> NoValidHost, although h1 and h2 have room
    ]);
    expect(log.hosts()).toEqual({ a: 'h3', b: '' });
  });

  it('without ComputeFilter the disabled host is used', async () => {
    const { log } = await replayLines(services(), ['time,id,vcpus,memory_mb', '0,a,1,1024'], {
      options: { filters: ['RamFilter'] },
    });
    expect(log.hosts()).toEqual({ a: 'h1' });
  });

  it('reports NoValidHost when every host is disabled or down', async () => {
    const spec = cluster({
      hosts: [host('h1', { enabled: false }), host('h2', { up: false })],
    });
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024']);
    expect(log.outcomes.map((o) => [o.id, o.host, o.reason])).toEqual([
      ['a', '', 'No valid host was found.'],
    ]);
  });
});
