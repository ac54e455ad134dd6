import type { z } from 'zod';
import { type FilterOptions, filterOptionsSchema } from '../src/framework/options.ts';
import type { HostSelection } from '../src/framework/pipeline.ts';
import type { DecisionProbe } from '../src/framework/probe.ts';
import { frameworkStrategy } from '../src/framework/strategy.ts';
import type { FilterRequest, PluginSet } from '../src/framework/types.ts';
import type { WeightHandler } from '../src/framework/weight-handler.ts';
import type { DriverContext } from '../src/scheduler/driver.ts';
import { FilterScheduler } from './filter/index.ts';

/** The `filter` strategy's options without host_subset_size: every survivor can be drawn. */
export function weightedOptionsSchema(plugins: PluginSet): z.ZodType<WeightedOptions> {
  return filterOptionsSchema(plugins).omit({
    host_subset_size: true,
  }) as unknown as z.ZodType<WeightedOptions>;
}
export type WeightedOptions = Omit<FilterOptions, 'host_subset_size'>;

/**
 * Stochastic selection after Cinder's StochasticHostWeightHandler. With w_i the weight the `filter`
 * strategy computes for survivor i (per weigher normalised, times its multiplier, summed) and
 * s = min(0, min_j w_j), survivor i is drawn with probability
 *     p_i = (w_i − s) / Σ_j (w_j − s)
 * (uniformly when every w_i − s is 0). The draw: u = rng.float() × Σ, the first survivor in list
 * order whose running sum exceeds u. A single survivor is taken without a draw.
 */
export class StochasticSelection implements HostSelection {
  private readonly weights: Float64Array;

  constructor(
    private readonly weightHandler: WeightHandler,
    hostCount: number,
  ) {
    this.weights = new Float64Array(hostCount);
  }

  setProbe(probe: DecisionProbe | undefined): void {
    this.weightHandler.probe = probe;
  }

  select(list: Int32Array, len: number, req: FilterRequest, ctx: DriverContext): number {
    if (len === 1) return list[0];
    const w = this.weights;
    this.weightHandler.weigh(list, len, req, w);
    let shift = 0;
    for (let i = 0; i < len; i++) if (w[i] < shift) shift = w[i];
    let total = 0;
    for (let i = 0; i < len; i++) total += w[i] - shift;
    if (!(total > 0)) return list[ctx.rng.int(len)];
    const u = ctx.rng.float() * total;
    let acc = 0;
    let lastPositive = 0;
    for (let i = 0; i < len; i++) {
      const x = w[i] - shift;
      if (x <= 0) continue;
      acc += x;
      lastPositive = i;
      if (acc > u) return list[i];
    }
    // Only when u rounded up to the total: the last host with a share.
    return list[lastPositive];
  }
}

/**
 * `weighted`: the `filter` strategy's filters and weighers, then a host drawn with probability
 * proportional to its shifted weight (StochasticSelection), seeded.
 */
export const weightedStrategy = frameworkStrategy<WeightedOptions>({
  name: 'weighted',
  description: 'filters and weighers as filter, then a random host, probability proportional to its weight',
  optionsSchema: weightedOptionsSchema,
  create: (cluster, options, plugins) =>
    new FilterScheduler(
      cluster,
      { ...options, host_subset_size: 1 },
      (handler) => new StochasticSelection(handler, cluster.hosts.size),
      'weighted',
      plugins,
    ),
});
