import { z } from 'zod';
import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import { MAX_SCHEDULER_WORKERS } from '../../src/common/limits.ts';
import type { SeededRng } from '../../src/common/rng.ts';
import { type FilterOptions, filterOptionsSchema } from '../../src/framework/options.ts';
import type { DecisionProbe, ExplainableDriver } from '../../src/framework/probe.ts';
import { frameworkStrategy } from '../../src/framework/strategy.ts';
import type { PluginSet } from '../../src/framework/types.ts';
import type { DriverContext, PlacementPass, SchedulerDriver } from '../../src/scheduler/driver.ts';
import type { FilterProperties, RequestSpec } from '../../src/scheduler/request-spec.ts';
import { FilterScheduler } from '../filter/index.ts';
import { HostCache } from './host-cache.ts';

const cachingOwnOptions = {
  refresh_interval: z
    .number()
    .nonnegative()
    .default(60)
    .describe("seconds of trace time between cache refreshes (Nova's periodic task; 0: every call)"),
  workers: z
    .int()
    .positive()
    .max(MAX_SCHEDULER_WORKERS)
    .default(2)
    .describe('scheduler workers, each with its own cache; calls go to them in turn'),
};
export type CachingOptions = FilterOptions & z.output<z.ZodObject<typeof cachingOwnOptions>>;

export function cachingOptionsSchema(plugins: PluginSet): z.ZodType<CachingOptions> {
  return filterOptionsSchema(plugins).extend(cachingOwnOptions) as unknown as z.ZodType<CachingOptions>;
}

/** One scheduler worker: its cache, a FilterScheduler reading it, and the period it last refreshed in. */
interface Worker {
  readonly cache: HostCache;
  readonly scheduler: FilterScheduler;
  period: number;
}

/**
 * Nova's CachingScheduler: a FilterScheduler whose host usage is a cached copy. Each worker refreshes
 * its copy at its first call in every period of `refresh_interval` seconds of trace time (periods
 * start at 0; the copy is the real state at that call), and between refreshes consumes its own copy
 * for every host it selects, claim or no claim. Driver calls (requests and reschedules) go to the
 * workers in turn, as RPC casts spread over scheduler workers. So a worker misses capacity freed by
 * deletes (NoValidHost that the truth would not give) and, with more than one worker, the other
 * workers' placements: it picks hosts that are no longer free, the compute node's claim (which
 * always checks the truth) fails, and the manager reschedules. With one worker and
 * `refresh_interval: 0` it decides exactly as `filter`.
 */
export class CachingScheduler implements SchedulerDriver, ExplainableDriver {
  readonly name = 'caching';
  private readonly workers: Worker[] = [];
  private next = 0;
  private readonly ctx = new CachedContext();

  constructor(
    cluster: ClusterState,
    private readonly options: CachingOptions,
    plugins: PluginSet,
  ) {
    for (let w = 0; w < options.workers; w++) {
      const cache = new HostCache(cluster);
      const scheduler = new FilterScheduler(cache.cluster, options, undefined, 'caching', plugins);
      this.workers.push({ cache, scheduler, period: Number.NaN });
    }
  }

  setProbe(probe: DecisionProbe | undefined): void {
    for (const w of this.workers) w.scheduler.setProbe(probe);
  }

  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void {
    const w = this.workers[this.next];
    this.next = (this.next + 1) % this.workers.length;
    const interval = this.options.refresh_interval;
    const period = interval > 0 ? Math.floor(spec.time / interval) : Number.NaN;
    // NaN never equals itself: with interval 0 every call refreshes.
    if (period !== w.period) {
      w.cache.refresh();
      w.period = period;
    }
    this.ctx.bind(ctx, w.cache, spec);
    w.scheduler.scheduleRunInstance(this.ctx, spec, props);
  }
}

/** The manager's context, with every selection also consumed on the worker's cache. */
class CachedContext implements DriverContext {
  private inner!: DriverContext;
  private cache!: HostCache;
  private spec!: RequestSpec;

  bind(inner: DriverContext, cache: HostCache, spec: RequestSpec): void {
    this.inner = inner;
    this.cache = cache;
    this.spec = spec;
  }

  get cluster(): ClusterState {
    return this.inner.cluster;
  }

  get rng(): SeededRng {
    return this.inner.rng;
  }

  provision(index: number, host: number, gpu?: number): boolean {
    this.cache.consume(host, this.spec.flavor, gpu);
    return this.inner.provision(index, host, gpu);
  }

  noValidHost(index: number, reason: string, emptiedBy?: string): void {
    this.inner.noValidHost(index, reason, emptiedBy);
  }

  countHostEvaluations(n: number): void {
    this.inner.countHostEvaluations(n);
  }

  get placement(): PlacementPass | undefined {
    return this.inner.placement;
  }

  alternates(hosts: Int32Array, len: number): void {
    this.inner.alternates(hosts, len);
  }
}

export const cachingStrategy = frameworkStrategy<CachingOptions>({
  name: 'caching',
  description: "Nova's CachingScheduler: filter on host state refreshed every N s (stale: retries)",
  optionsSchema: cachingOptionsSchema,
  create: (cluster, options, plugins) => new CachingScheduler(cluster, options, plugins),
});
