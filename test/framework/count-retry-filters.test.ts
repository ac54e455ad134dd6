// NumInstancesFilter: num_instances < max_instances_per_host.
// IoOpsFilter: num_io_ops < max_io_ops_per_host; num_io_ops counts the builds of the current
//   request placed on the host (consume_from_request adds 1), and is 0 when the next request starts.
// RetryFilter (classic): passes unless the host is among retry.hosts of the request.
import { describe, expect, it } from 'vitest';
import { simpleCluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, hostIndex, passing, place, request, requestSpec, runThroughManager } from './support.ts';

describe('NumInstancesFilter', () => {
  it('fails a host at max_instances_per_host, passes one below', () => {
    // max 2: h1 holds 2 (2 < 2 False), h2 holds 1 (1 < 2), h3 holds 0.
    const b = bench(simpleCluster([{}, {}, {}]), { max_instances_per_host: 2 });
    place(b, 'h1', 'a');
    place(b, 'h1', 'b');
    place(b, 'h2', 'c');
    expect(passing(b, 'NumInstancesFilter', request(b))).toEqual(['h2', 'h3']);
  });

  it('end to end: stacking fills a host up to the limit, then moves on', async () => {
    // ram_weight_multiplier -1 prefers the host with least free RAM. Two 8192 MB hosts, 1024 each.
    // a: tie -> h1. b: h1 7168 < h2 8192 -> h1 (2 instances). c: h1 at 2 -> h2. d: h2.
    // e: both hosts hold 2 -> NoValidHost.
    const { log } = await replayLines(
      simpleCluster([{}, {}]),
      ['time,id,vcpus,memory_mb', '0,a,1,1024', '1,b,1,1024', '2,c,1,1024', '3,d,1,1024', '4,e,1,1024'],
      {
        options: {
          filters: ['RamFilter', 'NumInstancesFilter'],
          ram_weight_multiplier: -1,
          max_instances_per_host: 2,
        },
      },
    );
    expect(log.hosts()).toEqual({ a: 'h1', b: 'h1', c: 'h2', d: 'h2', e: '' });
  });

  it('deleted instances no longer count', async () => {
    const { log } = await replayLines(
      simpleCluster([{}]),
      [
        'time,event,id,vcpus,memory_mb',
        '0,create,a,1,1024',
        '1,create,b,1,1024', // h1 holds 1 (max 1) -> NoValidHost
        '2,delete,a,,',
        '3,create,c,1,1024', // h1 holds 0 -> h1
      ],
      { options: { filters: ['NumInstancesFilter'], max_instances_per_host: 1 } },
    );
    expect(log.hosts()).toEqual({ a: 'h1', b: '', c: 'h1' });
  });
});

describe('IoOpsFilter', () => {
  it('fails a host with max_io_ops_per_host builds in flight', () => {
    // A claim adds one io op: h1 has 1, and 1 < 1 is False.
    const b = bench(simpleCluster([{}, {}]), { max_io_ops_per_host: 1 });
    place(b, 'h1', 'a');
    expect(passing(b, 'IoOpsFilter', request(b))).toEqual(['h2']);
  });

  it('end to end: builds of one request count, and are over when the next request starts', async () => {
    // max 1, stacking, three 8192 MB hosts, 1024 MB each.
    // a-0: tie -> h1 (io 1). a-1: h1 filtered -> h2, h3 tie -> h2. a-2: input [h2, h3]; h2 has
    //   io 1 -> h3.
    // b: io back to 0 everywhere; every host 7168 free -> tie -> h1 (6144).
    // c-0: stacking -> h1 (6144 < 7168). c-1: h1 has io 1 -> h2, h3 tie at 7168 -> h2.
    const { log } = await replayLines(
      simpleCluster([{}, {}, {}]),
      ['time,id,vcpus,memory_mb,count', '0,a,1,1024,3', '1,b,1,1024,1', '2,c,1,1024,2'],
      {
        options: {
          filters: ['RamFilter', 'IoOpsFilter'],
          ram_weight_multiplier: -1,
          max_io_ops_per_host: 1,
        },
      },
    );
    expect(log.hosts()).toEqual({ 'a-0': 'h1', 'a-1': 'h2', 'a-2': 'h3', b: 'h1', 'c-0': 'h1', 'c-1': 'h2' });
  });
});

describe('RetryFilter', () => {
  it('drops the hosts already tried, and nothing without a retry record', () => {
    const b = bench(simpleCluster([{}, {}, {}]));
    expect(passing(b, 'RetryFilter', request(b, { retryHosts: ['h1', 'h3'] }))).toEqual(['h2']);
    expect(passing(b, 'RetryFilter', request(b, { retryHosts: [] }))).toEqual(['h1', 'h2', 'h3']);
    expect(passing(b, 'RetryFilter', request(b))).toEqual(['h1', 'h2', 'h3']);
  });

  it('through the manager: a reschedule goes to the best host not yet tried', () => {
    // Free RAM h1 8192 > h2 6144 > h3 4096. With h1 tried, the RAM weigher picks h2.
    const b = bench(simpleCluster([{ memory_mb: 8192 }, { memory_mb: 6144 }, { memory_mb: 4096 }]));
    const out = runThroughManager(b, requestSpec('a', { vcpus: 1, memoryMb: 1024 }), {
      retry: { numAttempts: 1, hosts: [hostIndex(b, 'h1')] },
    });
    expect(out.map((o) => [o.id, o.host])).toEqual([['a', 'h2']]);
  });

  it('through the manager: every host tried is NoValidHost', () => {
    const b = bench(simpleCluster([{}, {}]));
    const out = runThroughManager(b, requestSpec('a', { vcpus: 1, memoryMb: 1024 }), {
      retry: { numAttempts: 2, hosts: [hostIndex(b, 'h1'), hostIndex(b, 'h2')] },
    });
    expect(out.map((o) => [o.id, o.host, o.reason])).toEqual([['a', '', 'No valid host was found.']]);
  });
});
