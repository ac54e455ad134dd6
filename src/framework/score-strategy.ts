import { z } from 'zod';
import type { ClusterState } from '../cluster/cluster-state.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { type ConstraintOptions, constraintFilters, constraintOptionsShape } from './constraints.ts';
import { FilterPipeline } from './pipeline.ts';
import { type Scorer, ScoreSelection } from './selections.ts';

/** A strategy that scores the hosts passing its hard constraints and takes the best one. */
export interface ScoreStrategyDefinition<S extends z.ZodObject> {
  readonly name: string;
  /** One line, shown by `schedbench strategies`. */
  readonly description: string;
  /** The strategy's own options (a zod object; `z.strictObject` rejects misspelt keys). */
  readonly options?: S;
  /**
   * Called once per replay with the validated options (the strategy's own plus `filters` and the
   * other constraint options); returns the function that scores the candidates of each instance.
   */
  scorer(cluster: ClusterState, options: z.output<S> & ConstraintOptions): Scorer;
}

/**
 * Build a strategy from a scorer: the constraint filters (by default those of the `filter` strategy,
 * resource fit included) keep the feasible hosts, in cluster order; the scorer fills one number per
 * candidate from the host table's typed arrays; the highest wins and ties go to cluster order. This
 * is the fast form: one call per instance, the loop over hosts in the scorer itself.
 */
export function defineScoreStrategy<S extends z.ZodObject = z.ZodObject<Record<string, never>>>(
  def: ScoreStrategyDefinition<S>,
): Strategy<z.output<S> & ConstraintOptions> {
  const own = def.options ?? z.strictObject({});
  for (const key of Object.keys(own.shape)) {
    if (key in constraintOptionsShape) {
      throw new Error(`strategy "${def.name}": option "${key}" is reserved for the hard constraints`);
    }
  }
  const optionsSchema = own.extend(constraintOptionsShape) as unknown as z.ZodType<
    z.output<S> & ConstraintOptions
  >;
  return {
    name: def.name,
    description: def.description,
    optionsSchema,
    create: (cluster, options) =>
      new FilterPipeline(
        def.name,
        cluster,
        constraintFilters(cluster, options),
        new ScoreSelection(def.scorer(cluster, options), cluster.hosts.size),
      ),
  };
}
