// The plugin API: what a strategy, filter or weigher file imports (`from 'schedbench/plugin'`).
// README "Write your own strategy" shows it in use; docs/strategies.md describes every form.
export { z } from 'zod';
export type { ClusterState } from '../../src/cluster/cluster-state.ts';
export type { HostTable } from '../../src/cluster/host-table.ts';
export { type ConstraintOptions, constraintFilters } from '../../src/framework/constraints.ts';
export { FitScorer } from '../../src/framework/fit-score.ts';
export { FilterPipeline, type HostSelection } from '../../src/framework/pipeline.ts';
export type { Scorer } from '../../src/framework/selections.ts';
export type { FilterRequest, HostFilter, HostWeigher, PluginInit } from '../../src/framework/types.ts';
export type { Flavor } from '../../src/model/flavor.ts';
export type { DriverContext, SchedulerDriver } from '../../src/scheduler/driver.ts';
export { NO_VALID_HOST } from '../../src/scheduler/errors.ts';
export type { FilterProperties, RequestSpec } from '../../src/scheduler/request-spec.ts';
export type { Strategy } from '../../src/scheduler/strategy.ts';
export {
  defineFilter,
  defineHostScoreStrategy,
  defineScoreStrategy,
  defineStrategy,
  defineWeigher,
  type FilterPlugin,
  type WeigherPlugin,
} from './define.ts';
export { HostView } from './host-view.ts';
