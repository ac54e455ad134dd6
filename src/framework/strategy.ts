import type { z } from 'zod';
import type { ClusterState } from '../cluster/cluster-state.ts';
import type { FlavorMix } from '../model/flavor-mix.ts';
import type { SchedulerDriver } from '../scheduler/driver.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { BUILTIN_PLUGINS } from './builtins.ts';
import type { PluginSet } from './types.ts';

/**
 * A strategy built on the framework: its options (filter and weigher names, the options they
 * declare) and its filters depend on the plugin set. As a plain Strategy it uses the built-in
 * plugins; a catalog calls `withPlugins` with its own (Kubernetes' NewFramework(registry, ...)).
 */
export interface FrameworkStrategy<O> extends Strategy<O> {
  withPlugins(plugins: PluginSet): Strategy<O>;
}

/** How a framework strategy is written: its schema and its driver from a plugin set. */
export interface FrameworkStrategyDefinition<O> {
  readonly name: string;
  readonly description: string;
  /** See Strategy.placement. */
  readonly placement?: 'zed';
  optionsSchema(plugins: PluginSet): z.ZodType<O>;
  create(cluster: ClusterState, options: O, plugins: PluginSet, flavors?: FlavorMix): SchedulerDriver;
}

export function frameworkStrategy<O>(def: FrameworkStrategyDefinition<O>): FrameworkStrategy<O> {
  const bind = (plugins: PluginSet): Strategy<O> => ({
    name: def.name,
    description: def.description,
    ...(def.placement !== undefined && { placement: def.placement }),
    optionsSchema: def.optionsSchema(plugins),
    create: (cluster, options, flavors) => def.create(cluster, options, plugins, flavors),
  });
  return { ...bind(BUILTIN_PLUGINS), withPlugins: bind };
}

/** Is this strategy one a catalog must bind to its plugins? */
export function isFrameworkStrategy<O>(s: Strategy<O>): s is FrameworkStrategy<O> {
  return typeof (s as Partial<FrameworkStrategy<O>>).withPlugins === 'function';
}
