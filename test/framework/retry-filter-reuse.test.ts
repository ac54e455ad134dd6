// Regression: the manager empties and reuses its per-instance retry arrays from one request to the
// next. RetryFilter must not unmark through the caller's array, or hosts tried for an earlier
// request stay excluded (chance and caching reschedule; the filter strategy never does).
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { DEFAULT_FILTER_OPTIONS } from '../../src/framework/options.ts';
import { simpleCluster } from '../helpers/cluster.ts';
import { request } from './support.ts';

describe('RetryFilter with a reused retry array', () => {
  it('forgets the hosts of the previous pass even after the caller emptied its array', () => {
    const cluster = new ClusterState(simpleCluster([{}, {}, {}]));
    const f = BUILTIN_PLUGINS.filters
      .get('RetryFilter')!
      .create({ cluster, options: DEFAULT_FILTER_OPTIONS });
    const req = request({ cluster, options: DEFAULT_FILTER_OPTIONS });
    const tried = [0, 2];
    req.retryHosts = tried;
    expect(f.preFilter(req)).toBe(true);
    expect([0, 1, 2].map((h) => f.hostPasses(h, req))).toEqual([false, true, false]);
    // The manager starts the next request: it empties the array and passes no retry record.
    tried.length = 0;
    req.retryHosts = undefined;
    expect(f.preFilter(req)).toBe(false);
    expect([0, 1, 2].map((h) => f.hostPasses(h, req))).toEqual([true, true, true]);
  });
});
