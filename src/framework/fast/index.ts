import type { ClusterState } from '../../cluster/cluster-state.ts';
import type { DecisionFastPath } from '../fast-path.ts';
import type { FilterOptions } from '../options.ts';
import type { HostFilter, HostWeigher } from '../types.ts';
import { FusedDecision } from './fused.ts';
import { indexedFastPath } from './indexed.ts';

/** What a FilterScheduler's fast paths are built from: its cluster, options and built plugins. */
export interface FastPathInit {
  readonly cluster: ClusterState;
  readonly options: FilterOptions;
  /** The configured filters, built, in configured order. */
  readonly filters: readonly HostFilter[];
  /** The configured weighers, built, in configured order. */
  readonly weighers: readonly HostWeigher[];
}

/**
 * The fast paths of a FilterScheduler with Nova's selection, tried in this order before the
 * reference loop. None with `reference_scan` set.
 */
export function buildFastPaths(init: FastPathInit): DecisionFastPath[] {
  if (init.options.reference_scan) return [];
  const out: DecisionFastPath[] = [];
  // The index first: O(log n) for what it can decide exactly; the fused pass takes every other request.
  const indexed = indexedFastPath(init);
  if (indexed) out.push(indexed);
  out.push(new FusedDecision(init.cluster, init.filters, init.weighers, init.options.host_subset_size));
  return out;
}
