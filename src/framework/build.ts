import { z } from 'zod';
import type { ClusterState } from '../cluster/cluster-state.ts';
import type {
  FilterDefinition,
  HostFilter,
  HostWeigher,
  PluginInit,
  PluginSet,
  WeigherDefinition,
} from './types.ts';

/** A plugin's own options, picked from the strategy's flat options; defaults fill what is not there. */
function initOf(
  cluster: ClusterState,
  def: FilterDefinition | WeigherDefinition,
  options: Readonly<Record<string, unknown>>,
): PluginInit {
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(def.options)) own[key] = options[key];
  return { cluster, options: z.strictObject(def.options).parse(own) };
}

// Names were checked against the same plugin set when the options were parsed.
function lookup<T>(defs: ReadonlyMap<string, T>, kind: string, name: string): T {
  const def = defs.get(name);
  if (def === undefined)
    throw new Error(`${kind} "${name}" is not in the plugin set the options were read with`);
  return def;
}

/** The configured filters, by name, in order (Nova's `enabled_filters`). */
export function buildFilters(
  names: readonly string[],
  cluster: ClusterState,
  options: object,
  plugins: PluginSet,
): HostFilter[] {
  return names.map((name) => {
    const def = lookup(plugins.filters, 'filter', name);
    return def.create(initOf(cluster, def, options as Record<string, unknown>));
  });
}

/** The configured weighers, by name, in order (Nova's `weight_classes`). */
export function buildWeighers(
  names: readonly string[],
  cluster: ClusterState,
  options: object,
  plugins: PluginSet,
): HostWeigher[] {
  return names.map((name) => {
    const def = lookup(plugins.weighers, 'weigher', name);
    return def.create(initOf(cluster, def, options as Record<string, unknown>));
  });
}
