import { z } from 'zod';
import type { ClusterState } from '../src/cluster/cluster-state.ts';
import {
  type ConstraintOptions,
  constraintFilters,
  constraintOptionsShape,
} from '../src/framework/constraints.ts';
import { FitScorer, fitScoreOption } from '../src/framework/fit-score.ts';
import { HostCheck } from '../src/framework/host-check.ts';
import type { DecisionProbe, ExplainableDriver } from '../src/framework/probe.ts';
import { reusableFilterRequest } from '../src/framework/request.ts';
import { frameworkStrategy } from '../src/framework/strategy.ts';
import type { FilterRequest, PluginSet } from '../src/framework/types.ts';
import type { DriverContext, SchedulerDriver } from '../src/scheduler/driver.ts';
import { NO_VALID_HOST, PLACEMENT } from '../src/scheduler/errors.ts';
import type { FilterProperties, RequestSpec } from '../src/scheduler/request-spec.ts';

const ownOptions = {
  d: z.int().positive().default(2).describe('feasible hosts sampled per instance'),
  pick: z
    .enum(['worst-fit', 'best-fit'])
    .default('worst-fit')
    .describe('which sampled host wins: most capacity left (least loaded) or least'),
  score: fitScoreOption,
};
export type PowerOfTwoOptions = z.output<z.ZodObject<typeof ownOptions>> & ConstraintOptions;

export function powerOfTwoOptionsSchema(plugins: PluginSet): z.ZodType<PowerOfTwoOptions> {
  return z.strictObject({
    ...ownOptions,
    ...constraintOptionsShape(plugins),
  }) as unknown as z.ZodType<PowerOfTwoOptions>;
}

/**
 * Power of d choices (Sparrow-style): per instance, sample `d` distinct hosts uniformly among those
 * passing the hard constraints and take the better by the fit score (FitScorer; ties to the lower
 * host number). Hosts are drawn by a partial Fisher–Yates shuffle and checked one by one, so when
 * most hosts are feasible an instance costs about `d` host evaluations, whatever the cluster size.
 */
export class PowerOfTwoScheduler implements SchedulerDriver, ExplainableDriver {
  readonly name = 'power-of-two';
  private readonly check: HostCheck;
  private readonly fit: FitScorer;
  private readonly sign: number;
  private readonly d: number;
  /** A permutation of the hosts; each draw shuffles a prefix of it (any permutation works). */
  private readonly order: Int32Array;
  private readonly sample: Int32Array;
  /** Zed mode: this pass's candidates, shuffled by the draws as `order` is. */
  private readonly scratch: Int32Array;
  private readonly req: FilterRequest;
  private probe: DecisionProbe | undefined = undefined;

  constructor(cluster: ClusterState, options: PowerOfTwoOptions, plugins: PluginSet) {
    const n = cluster.hosts.size;
    this.check = new HostCheck(constraintFilters(cluster, options, plugins));
    this.fit = new FitScorer(cluster.hosts, options.score);
    this.sign = options.pick === 'worst-fit' ? 1 : -1;
    this.d = options.d;
    this.order = new Int32Array(n);
    for (let h = 0; h < n; h++) this.order[h] = h;
    this.sample = new Int32Array(Math.min(options.d, n));
    this.scratch = new Int32Array(n);
    this.req = reusableFilterRequest(n);
  }

  /** Explaining: the funnel a full scan would give, then the sampled feasible hosts, scored. */
  setProbe(probe: DecisionProbe | undefined): void {
    this.probe = probe;
  }

  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void {
    const { req, sample, check } = this;
    const placement = ctx.placement;
    // Zed mode: draws among Placement's candidates, from a copy of them in cluster order.
    const order = placement === undefined ? this.order : this.candidates(placement.candidates);
    const n = placement === undefined ? order.length : placement.candidates.length;
    req.spec = spec;
    req.retryHosts = props.retry?.hosts;
    for (let k = 0; k < spec.instanceIds.length; k++) {
      req.index = k;
      req.instanceId = spec.instanceIds[k];
      req.group.refresh(spec.group);
      check.preFilter(req);
      let found = 0;
      let seen = 0;
      // The last filter (by position) that was a host's first rejection: with no host found, every
      // host was checked and this is the filter a scan would have been emptied by.
      let emptiedBy = -1;
      while (seen < n && found < this.d) {
        const j = seen + ctx.rng.int(n - seen);
        const h = order[j];
        order[j] = order[seen];
        order[seen] = h;
        seen++;
        const rejectedBy = check.rejectedBy(h, req);
        if (rejectedBy < 0) sample[found++] = h;
        else if (rejectedBy > emptiedBy) emptiedBy = rejectedBy;
      }
      ctx.countHostEvaluations(seen);
      if (this.probe) this.explain(this.probe, spec, k, found);
      if (found === 0) {
        ctx.noValidHost(k, NO_VALID_HOST, n === 0 && placement ? PLACEMENT : check.filterName(emptiedBy));
        continue;
      }
      ctx.provision(k, this.better(found, spec));
    }
  }

  /** `candidates` copied into the scratch permutation (zed mode). */
  private candidates(candidates: Int32Array): Int32Array {
    this.scratch.set(candidates);
    return this.scratch;
  }

  private explain(probe: DecisionProbe, spec: RequestSpec, k: number, found: number): void {
    const d = this.check.diagnoseAll(this.order.length, this.req);
    // In host order, so that equal scores rank as `better` breaks ties (the lower host number).
    const hosts = Int32Array.from(this.sample.subarray(0, found)).sort();
    probe.filtered(d, spec, k, hosts, found);
    const scores = Float64Array.from(hosts, (h) => this.sign * this.fit.score(h, spec.flavor));
    probe.scored(hosts, found, scores);
  }

  private better(found: number, spec: RequestSpec): number {
    const { sample, fit, sign } = this;
    let best = sample[0];
    let bestScore = sign * fit.score(best, spec.flavor);
    for (let i = 1; i < found; i++) {
      const h = sample[i];
      const s = sign * fit.score(h, spec.flavor);
      if (s > bestScore || (s === bestScore && h < best)) {
        best = h;
        bestScore = s;
      }
    }
    return best;
  }
}

export const powerOfTwoStrategy = frameworkStrategy<PowerOfTwoOptions>({
  name: 'power-of-two',
  description: 'sample d random feasible hosts, take the better (constant-time, Sparrow-style)',
  optionsSchema: powerOfTwoOptionsSchema,
  create: (cluster, options, plugins) => new PowerOfTwoScheduler(cluster, options, plugins),
});
