import { FILTERS, WEIGHERS } from './registry.ts';
import type { HostFilter, HostWeigher, PluginInit } from './types.ts';

/** The configured filters, by name, in order (Nova's `enabled_filters`). */
export function buildFilters(names: readonly string[], init: PluginInit): HostFilter[] {
  return names.map((name) => {
    const make = FILTERS.get(name);
    if (!make) throw new Error(`unknown filter "${name}" (known: ${[...FILTERS.keys()].join(', ')})`);
    return make(init);
  });
}

/** The configured weighers, by name, in order (Nova's `weight_classes`). */
export function buildWeighers(names: readonly string[], init: PluginInit): HostWeigher[] {
  return names.map((name) => {
    const make = WEIGHERS.get(name);
    if (!make) throw new Error(`unknown weigher "${name}" (known: ${[...WEIGHERS.keys()].join(', ')})`);
    return make(init);
  });
}
