import { z } from 'zod';
import type { ClusterState } from '../cluster/cluster-state.ts';
import type { FlavorMix } from '../model/flavor-mix.ts';
import type { DriverContext } from '../scheduler/driver.ts';
import { BUILTIN_PLUGINS } from './builtins.ts';
import { type ConstraintOptions, constraintFilters, constraintOptionsShape } from './constraints.ts';
import { FilterPipeline, type HostSelection } from './pipeline.ts';
import type { DecisionProbe } from './probe.ts';
import { type FrameworkStrategy, frameworkStrategy } from './strategy.ts';
import type { FilterRequest, PluginSet } from './types.ts';

// The form of the GPU strategies (fgd, gpu-packing, gpu-clustering, dot-product, random), after the
// FGD simulator's score plugins: the hard constraints keep the feasible hosts, the scorer gives each a
// score and, for a GPU-share request, the GPU it would use; the highest score wins.

/**
 * Fills `scores[i]` for host `list[i]`, i < len (higher wins; -Infinity rejects the host), and
 * `gpus[i]`: the local GPU a GPU-share request would take there, or -1 for the claim's choice.
 * `ctx.rng` is the only randomness allowed. Called once per instance; allocates nothing.
 */
export type GpuScorer = (
  list: Int32Array,
  len: number,
  req: FilterRequest,
  scores: Float64Array,
  gpus: Int32Array,
  ctx: DriverContext,
) => void;

export const TIE_BREAKS = ['host-index', 'random'] as const;
export type TieBreak = (typeof TIE_BREAKS)[number];

/** The options every GPU strategy has, with their defaults. */
export const gpuScoreOptionsShape = {
  tie_break: z
    .enum(TIE_BREAKS)
    .default('host-index')
    .describe('equal best scores: the lowest host number, or one drawn uniformly (Kubernetes selectHost)'),
};

export interface GpuScoreStrategyDefinition<S extends z.ZodRawShape> {
  readonly name: string;
  readonly description: string;
  /** The strategy's own options (zod shapes, with defaults). */
  readonly options: S;
  /** Once per replay; `flavors` is the trace's flavor mix (undefined only when a test leaves it out). */
  scorer(
    cluster: ClusterState,
    options: z.output<z.ZodObject<S & typeof gpuScoreOptionsShape>> & ConstraintOptions,
    flavors: FlavorMix | undefined,
  ): GpuScorer;
}

export type GpuScoreOptions<S extends z.ZodRawShape> = z.output<
  z.ZodObject<S & typeof gpuScoreOptionsShape>
> &
  ConstraintOptions;

/** Build a GPU strategy: constraint filters, then the best-scored host and its GPU. */
export function defineGpuScoreStrategy<S extends z.ZodRawShape>(
  def: GpuScoreStrategyDefinition<S>,
): FrameworkStrategy<GpuScoreOptions<S>> {
  const own = { ...def.options, ...gpuScoreOptionsShape };
  for (const key of Object.keys(own)) {
    if (key in constraintOptionsShape(BUILTIN_PLUGINS))
      throw new Error(`strategy "${def.name}": option "${key}" is reserved`);
  }
  return frameworkStrategy({
    name: def.name,
    description: def.description,
    optionsSchema: (plugins: PluginSet) =>
      z.strictObject({ ...own, ...constraintOptionsShape(plugins) }) as unknown as z.ZodType<
        GpuScoreOptions<S>
      >,
    create: (cluster, options, plugins, flavors) =>
      new FilterPipeline(
        def.name,
        cluster,
        constraintFilters(cluster, options, plugins),
        new GpuScoreSelection(
          def.scorer(cluster, options, flavors),
          cluster.hosts.size,
          (options as { tie_break: TieBreak }).tie_break,
        ),
      ),
  });
}

/** The best-scored survivor and the GPU its scorer chose there. */
export class GpuScoreSelection implements HostSelection {
  gpu = -1;
  private readonly scores: Float64Array;
  private readonly gpus: Int32Array;
  private probe: DecisionProbe | undefined = undefined;

  constructor(
    private readonly scorer: GpuScorer,
    hostCount: number,
    private readonly tieBreak: TieBreak,
  ) {
    this.scores = new Float64Array(hostCount);
    this.gpus = new Int32Array(hostCount);
  }

  select(list: Int32Array, len: number, req: FilterRequest, ctx: DriverContext): number {
    const { scores, gpus } = this;
    this.scorer(list, len, req, scores, gpus, ctx);
    if (this.probe) this.probe.scored(list, len, scores);
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    let ties = 0;
    for (let i = 0; i < len; i++) {
      const s = scores[i];
      if (s > bestScore) {
        bestScore = s;
        best = i;
        ties = 1;
      } else if (s === bestScore && best >= 0 && this.tieBreak === 'random') {
        // Reservoir sampling over the ties, as Kubernetes' selectHost: each kept with 1/ties.
        ties++;
        if (ctx.rng.int(ties) === 0) best = i;
      }
    }
    this.gpu = best < 0 ? -1 : gpus[best];
    return best < 0 ? -1 : list[best];
  }

  setProbe(probe: DecisionProbe | undefined): void {
    this.probe = probe;
  }
}

/** The host's GPU with the least free share that still fits `milli` (ties: lowest index), or -1. */
export function bestFitGpu(free: Int32Array, start: number, end: number, milli: number): number {
  let best = -1;
  for (let g = start; g < end; g++) {
    if (free[g] >= milli && (best < 0 || free[g] < free[best])) best = g;
  }
  return best < 0 ? -1 : best - start;
}

/** Is this flavor a GPU-share request (one GPU, less than all of it)? */
export function isGpuShare(f: { readonly gpus: number; readonly gpuMilli: number }): boolean {
  return f.gpus === 1 && f.gpuMilli < 1000;
}
