import { z } from 'zod';
import type { ClusterState } from '../cluster/cluster-state.ts';
import { BUILTIN_PLUGINS } from './builtins.ts';
import { type ConstraintOptions, constraintFilters, constraintOptionsShape } from './constraints.ts';
import { FilterPipeline } from './pipeline.ts';
import { type Scorer, ScoreSelection } from './selections.ts';
import { type FrameworkStrategy, frameworkStrategy } from './strategy.ts';
import type { PluginSet } from './types.ts';

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

function checkReserved(name: string, own: z.ZodObject, constraints: z.ZodRawShape): void {
  for (const key of Object.keys(own.shape)) {
    if (key in constraints) {
      throw new Error(`strategy "${name}": option "${key}" is reserved for the hard constraints`);
    }
  }
}

/**
 * Build a strategy from a scorer: the constraint filters (by default those of the `filter` strategy,
 * resource fit included) keep the feasible hosts, in cluster order; the scorer fills one number per
 * candidate from the host table's typed arrays; the highest wins and ties go to cluster order. This
 * is the fast form: one call per instance, the loop over hosts in the scorer itself.
 */
export function defineScoreStrategy<S extends z.ZodObject = z.ZodObject<Record<string, never>>>(
  def: ScoreStrategyDefinition<S>,
): FrameworkStrategy<z.output<S> & ConstraintOptions> {
  const own = def.options ?? z.strictObject({});
  checkReserved(def.name, own, constraintOptionsShape(BUILTIN_PLUGINS));
  return frameworkStrategy({
    name: def.name,
    description: def.description,
    optionsSchema(plugins: PluginSet) {
      const constraints = constraintOptionsShape(plugins);
      checkReserved(def.name, own, constraints);
      return own.extend(constraints) as unknown as z.ZodType<z.output<S> & ConstraintOptions>;
    },
    create: (cluster, options, plugins) =>
      new FilterPipeline(
        def.name,
        cluster,
        constraintFilters(cluster, options, plugins),
        new ScoreSelection(def.scorer(cluster, options), cluster.hosts.size),
      ),
  });
}
