// caching: each worker refreshes its copy of host usage at its first call in every period of
// refresh_interval seconds, consumes its copy for every host it selects, and calls alternate
// between workers (requests and reschedules alike). The claim always checks the truth.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS } from '../../src/framework/options.ts';
import { MAX_RETRIES, NO_VALID_HOST } from '../../src/scheduler/errors.ts';
import { cachingStrategy } from '../../strategies/caching/index.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { simpleCluster } from '../helpers/cluster.ts';
import { generated, HEADER, run } from './support.ts';

describe('caching goes stale', () => {
  it('one worker misses capacity freed by a delete until the next refresh', async () => {
    // One 8192 MB host. a fills it; a is deleted at 1; at 2 the cache (refreshed at 0, then a
    // consumed on it) still shows the host full: NoValidHost. At 61 (period 1) it refreshes: c fits.
    const lines = [
      HEADER,
      '0,create,a,1,8192,0,1,,,,',
      '1,delete,a,,,,,,,,',
      '2,create,b,1,8192,0,1,,,,',
      '61,create,c,1,8192,0,1,,,,',
    ];
    const cached = await run(cachingStrategy, simpleCluster([{}]), lines, { options: { workers: 1 } });
    expect(cached.hosts).toEqual({ a: 'h1', b: '', c: 'h1' });
    expect(cached.log.outcomes[1].reason).toBe(NO_VALID_HOST);
    // The filter strategy reads the truth: b fits, so c does not.
    const truth = await run(filterStrategy, simpleCluster([{}]), lines);
    expect(truth.hosts).toEqual({ a: 'h1', b: 'h1', c: '' });
  });

  it('two workers miss each other’s placements: claims fail and are rescheduled', async () => {
    // h1..h3 of 8192 MB, every instance 8192 MB (one per host); refresh_interval 1000, 2 workers A, B.
    // call 1, r1 -> A: refresh (all free), tie -> h1. A sees h1 full.
    // call 2, r2 -> B: refresh (truth: h1 full) -> h2. B sees h1, h2 full.
    // call 3, r3 -> A: A sees h2, h3 free -> h2 (tie, cluster order); the claim fails (r2 is there).
    //         A consumes h2 anyway. Reschedule, call 4 -> B: h2 excluded, h1 full in B's copy -> h3.
    // t=1 r1 deleted: h1 free in truth, full in both copies.
    // call 5, r4 -> A: A sees h1, h2 full, h3 free -> h3; the claim fails (r3). Reschedule, call 6
    //         -> B: h3 excluded, h1 and h2 full in B's copy -> NoValidHost, though h1 is free.
    // call 7, r5 at t=1000 -> A: new period, refresh (truth: h1 free) -> h1.
    const lines = [
      HEADER,
      '0,create,r1,1,8192,0,1,,,,',
      '0,create,r2,1,8192,0,1,,,,',
      '0,create,r3,1,8192,0,1,,,,',
      '1,delete,r1,,,,,,,,',
      '2,create,r4,1,8192,0,1,,,,',
      '1000,create,r5,1,8192,0,1,,,,',
    ];
    const spec = () => simpleCluster([{}, {}, {}]);
    const { log, r } = await run(cachingStrategy, spec(), lines, { options: { refresh_interval: 1000 } });
    expect(log.outcomes.map((o) => [o.id, o.host, o.attempts])).toEqual([
      ['r1', 'h1', 1],
      ['r2', 'h2', 1],
      ['r3', 'h3', 2],
      ['r4', '', 2],
      ['r5', 'h1', 1],
    ]);
    expect(log.outcomes[3].reason).toBe(NO_VALID_HOST);
    expect(r.result.manager.claimFailures).toBe(2);
    expect(r.result.manager.retries).toBe(2);
    // The truth: r4 takes the freed h1, and r5 finds every host full.
    const truth = await run(filterStrategy, spec(), lines);
    expect(truth.hosts).toEqual({ r1: 'h1', r2: 'h2', r3: 'h3', r4: 'h1', r5: '' });
  });

  it('max_attempts bounds the retries stale copies cause', async () => {
    // Same as above with max_attempts 1: r3's failed claim is not retried.
    const lines = [
      HEADER,
      '0,create,r1,1,8192,0,1,,,,',
      '0,create,r2,1,8192,0,1,,,,',
      '0,create,r3,1,8192,0,1,,,,',
    ];
    const { log, r } = await run(cachingStrategy, simpleCluster([{}, {}, {}]), lines, {
      options: { refresh_interval: 1000 },
      maxAttempts: 1,
    });
    expect(log.outcomes.map((o) => [o.id, o.host, o.reason])).toEqual([
      ['r1', 'h1', undefined],
      ['r2', 'h2', undefined],
      ['r3', '', MAX_RETRIES],
    ]);
    expect(r.result.manager.retries).toBe(0);
  });

  it('with one worker refreshed on every call it decides exactly as filter', async () => {
    // The second case overrides the allocation ratios: the cache's table must carry them too.
    for (const [seed, ratioOverrides] of [
      [41, undefined],
      [42, { cpu: 2, ram: 1 }],
    ] as const) {
      const { spec, lines } = generated(seed);
      const options = { refresh_interval: 0, workers: 1, host_subset_size: 2 };
      const cached = await run(cachingStrategy, spec, lines, { seed, options, ratioOverrides });
      const filter = await run(filterStrategy, spec, lines, {
        seed,
        options: { host_subset_size: 2 },
        ratioOverrides,
      });
      expect(cached.log.outcomes).toEqual(filter.log.outcomes);
      expect(cached.r.result.manager.claimFailures).toBe(0);
    }
  });
});

describe('caching counts its own builds in flight', () => {
  // h1 has far more RAM (RAMWeigher prefers it); IoOpsFilter allows one build in flight per host.
  const spec = () => simpleCluster([{ memory_mb: 65536 }, {}]);
  const options = {
    workers: 1,
    refresh_interval: 1000,
    filters: [...DEFAULT_FILTERS, 'IoOpsFilter'],
    max_io_ops_per_host: 1,
  };

  it('within a request: the cache counts the build it selected, so the next instance goes elsewhere', async () => {
    const lines = [HEADER, '0,create,m,1,1024,0,2,,,,'];
    const cached = await run(cachingStrategy, spec(), lines, { options });
    expect(cached.hosts).toEqual({ 'm-0': 'h1', 'm-1': 'h2' });
    const { workers: _w, refresh_interval: _r, ...filterOptions } = options;
    const truth = await run(filterStrategy, spec(), lines, { options: filterOptions });
    expect(truth.hosts).toEqual(cached.hosts);
  });

  it('across requests: the copy keeps its count until the refresh, the truth resets it', async () => {
    const lines = [
      HEADER,
      '0,create,a,1,1024,0,1,,,,',
      '1,create,b,1,1024,0,1,,,,',
      '1000,create,c,1,1024,0,1,,,,',
    ];
    const cached = await run(cachingStrategy, spec(), lines, { options });
    // b: the copy still counts a's build on h1. c: a new period, refreshed (no builds in flight).
    expect(cached.hosts).toEqual({ a: 'h1', b: 'h2', c: 'h1' });
    const { workers: _w, refresh_interval: _r, ...filterOptions } = options;
    const truth = await run(filterStrategy, spec(), lines, { options: filterOptions });
    expect(truth.hosts).toEqual({ a: 'h1', b: 'h1', c: 'h1' });
  });
});
