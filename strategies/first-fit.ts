import {
  type ConstraintOptions,
  constraintFilters,
  constraintOptionsSchema,
} from '../src/framework/constraints.ts';
import { FilterPipeline } from '../src/framework/pipeline.ts';
import { firstSelection } from '../src/framework/selections.ts';
import { frameworkStrategy } from '../src/framework/strategy.ts';

/**
 * First-fit: the first host in cluster order that passes the hard constraints (resource fit, AZ,
 * enabled and up, server-group affinity rules). Packs the front of the cluster.
 */
export const firstFitStrategy = frameworkStrategy<ConstraintOptions>({
  name: 'first-fit',
  description: 'first feasible host in cluster order (packs the front of the cluster)',
  optionsSchema: constraintOptionsSchema,
  create: (cluster, options, plugins) =>
    new FilterPipeline('first-fit', cluster, constraintFilters(cluster, options, plugins), firstSelection),
});
