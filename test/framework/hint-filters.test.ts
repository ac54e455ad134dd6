// SameHostFilter / DifferentHostFilter (nova/scheduler/filters/affinity_filter.py):
//   hint absent or empty -> pass; else overlap = host holds one of the hinted instance uuids;
//   SameHost passes on overlap, DifferentHost on no overlap. A hinted id that is not live is on
//   no host: it can never overlap. In the trace a request id stands for all its live instances.
import { describe, expect, it } from 'vitest';
import { simpleCluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, passing, place, request } from './support.ts';

describe('SameHostFilter and DifferentHostFilter, host by host', () => {
  const setup = () => {
    const b = bench(simpleCluster([{}, {}, {}]));
    place(b, 'h1', 'x');
    place(b, 'h3', 'y');
    return b;
  };

  it.each<[string, string[] | undefined, string[]]>([
    ['no hint', undefined, ['h1', 'h2', 'h3']],
    ['one instance', ['x'], ['h1']],
    ['two instances on two hosts', ['x', 'y'], ['h1', 'h3']],
    ['an id that is not live matches no host', ['ghost'], []],
    ['live and not live', ['ghost', 'y'], ['h3']],
  ])('SameHostFilter: %s', (_why, ids, expected) => {
    const b = setup();
    expect(passing(b, 'SameHostFilter', request(b, { sameHost: ids }))).toEqual(expected);
  });

  it.each<[string, string[] | undefined, string[]]>([
    ['no hint', undefined, ['h1', 'h2', 'h3']],
    ['one instance', ['x'], ['h2', 'h3']],
    ['two instances on two hosts', ['x', 'y'], ['h2']],
    ['an id that is not live excludes nothing', ['ghost'], ['h1', 'h2', 'h3']],
  ])('DifferentHostFilter: %s', (_why, ids, expected) => {
    const b = setup();
    expect(passing(b, 'DifferentHostFilter', request(b, { differentHost: ids }))).toEqual(expected);
  });
});

describe('scheduler hints end to end', () => {
  const filters = ['RamFilter', 'SameHostFilter', 'DifferentHostFilter'];

  it('same_host and different_host steer against the RAM weigher', async () => {
    // Three hosts of 8192 MB; every instance takes 1024 MB.
    const { log } = await replayLines(
      simpleCluster([{}, {}, {}]),
      [
        'time,event,id,vcpus,memory_mb,same_host,different_host',
        '0,create,a,1,1024,,', //      tie at 8192 -> h1 (7168 left)
        '1,create,b,1,1024,a,', //     same host as a: h1 (6144 left), though h2/h3 have 8192
        '2,create,c,1,1024,,a;b', //   not h1; h2 and h3 tie -> h2 (7168 left)
        '3,create,d,1,1024,a;c,', //   h1 (6144) or h2 (7168): h2
        '4,create,e,1,1024,ghost,', // no host holds "ghost" -> NoValidHost
        '5,create,f,1,1024,,ghost', // excludes nothing: h3 (8192)
        '6,delete,a,,,,', //
        '7,create,g,1,1024,a,', //     a is gone: no host holds it -> NoValidHost
        '8,create,h,1,1024,b,', //     b still on h1
      ],
      { options: { filters } },
    );
    expect(log.hosts()).toEqual({ a: 'h1', b: 'h1', c: 'h2', d: 'h2', e: '', f: 'h3', g: '', h: 'h1' });
  });

  it('a request id in a hint stands for all its live instances', async () => {
    // m-0, m-1 spread by anti-affinity: h1, h2. different_host=m leaves only h3;
    // same_host=m keeps h1 and h2 (both 7168 free) -> h1.
    const { log } = await replayLines(
      simpleCluster([{}, {}, {}]),
      [
        'time,id,vcpus,memory_mb,count,group,group_policy,same_host,different_host',
        '0,m,1,1024,2,g,anti-affinity,,',
        '1,p,1,1024,1,,,,m',
        '2,q,1,1024,1,,,m,',
      ],
      { options: { filters: [...filters, 'ServerGroupAntiAffinityFilter'] } },
    );
    expect(log.hosts()).toEqual({ 'm-0': 'h1', 'm-1': 'h2', p: 'h3', q: 'h1' });
  });
});
