import { z } from 'zod';
import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import { ContractError } from '../../src/common/errors.ts';
import type { ConstraintOptions } from '../../src/framework/constraints.ts';
import {
  defineScoreStrategy as defineBuiltinScoreStrategy,
  type ScoreStrategyDefinition,
} from '../../src/framework/score-strategy.ts';
import type { FrameworkStrategy } from '../../src/framework/strategy.ts';
import type { FilterRequest, PluginInit } from '../../src/framework/types.ts';
import type { RequestSpec } from '../../src/scheduler/request-spec.ts';
import type { Strategy } from '../../src/scheduler/strategy.ts';
import { HostView } from './host-view.ts';

/**
 * A strategy written in full: `create` returns your own SchedulerDriver, reading the host table's
 * typed arrays through `ctx.cluster.hosts`. Without `optionsSchema` it takes no options.
 */
export function defineStrategy<O = Record<string, never>>(
  strategy: Omit<Strategy<O>, 'optionsSchema'> & { readonly optionsSchema?: z.ZodType<O> },
): Strategy<O> {
  return {
    ...strategy,
    optionsSchema: strategy.optionsSchema ?? (z.strictObject({}) as unknown as z.ZodType<O>),
  };
}

/** The simple per-host form of a score strategy. */
export interface HostScoreDefinition<S extends z.ZodObject> {
  readonly name: string;
  readonly description: string;
  readonly options?: S;
  /**
   * The score of one feasible host for the request; the highest wins, ties go to cluster order, and
   * -Infinity rejects the host. NaN is an error. `host` is one reused view: read it, do not keep it.
   */
  score(host: HostView, spec: RequestSpec, options: z.output<S> & ConstraintOptions): number;
}

/**
 * A score strategy from a per-host function over a HostView: the simple form. Decides exactly as the
 * same score written with `defineScoreStrategy` over the typed arrays, but costs a function call and
 * getter calls per host.
 */
export function defineHostScoreStrategy<S extends z.ZodObject = z.ZodObject<Record<string, never>>>(
  def: HostScoreDefinition<S>,
): FrameworkStrategy<z.output<S> & ConstraintOptions> {
  return defineBuiltinScoreStrategy<S>({
    name: def.name,
    description: def.description,
    options: def.options,
    scorer(cluster: ClusterState, options) {
      const view = new HostView(cluster.hosts);
      return (list, len, req, scores) => {
        for (let i = 0; i < len; i++) {
          view.index = list[i];
          const s = def.score(view, req.spec, options);
          if (Number.isNaN(s)) throw nanScore(def.name, cluster, list[i]);
          scores[i] = s;
        }
      };
    },
  });
}

/**
 * A score strategy from a scorer over the host table's typed arrays: the fast form (see
 * `ScoreStrategyDefinition`). Highest wins, ties go to cluster order, -Infinity rejects a host; a
 * NaN score is an error naming the strategy and the host.
 */
export function defineScoreStrategy<S extends z.ZodObject = z.ZodObject<Record<string, never>>>(
  def: ScoreStrategyDefinition<S>,
): FrameworkStrategy<z.output<S> & ConstraintOptions> {
  return defineBuiltinScoreStrategy<S>({
    ...def,
    scorer(cluster, options) {
      const scorer = def.scorer(cluster, options);
      return (list, len, req, scores) => {
        scorer(list, len, req, scores);
        for (let i = 0; i < len; i++) if (Number.isNaN(scores[i])) throw nanScore(def.name, cluster, list[i]);
      };
    },
  });
}

function nanScore(strategy: string, cluster: ClusterState, host: number): ContractError {
  return new ContractError(
    `strategy "${strategy}" scored host "${cluster.hosts.names[host]}" NaN (a score must be a number; -Infinity rejects a host)`,
  );
}

/** A filter for the `filter` strategy (and every strategy taking a `filters` list), loaded by name. */
export interface FilterPlugin<S extends z.ZodRawShape = z.ZodRawShape> {
  readonly kind: 'filter';
  /** The name used in `filters` (like Nova's class names: letters, digits, underscores). */
  readonly name: string;
  /** Nova's `run_filter_once_per_request`: skipped for the second and later instances of a request. */
  readonly runOncePerRequest?: boolean;
  /** Its own options (zod schemas by key), set with the strategy's: `--set my_limit=3`. */
  readonly options?: S;
  /** Called once per replay; returns Nova's `host_passes` as a predicate over a host number. */
  create(init: PluginInit<z.output<z.ZodObject<S>>>): (host: number, req: FilterRequest) => boolean;
  /**
   * Optional: why `host` fails this filter, with the numbers (shown by diagnosis and explain). Called
   * only for a host the predicate has just rejected, never on the hot path. Without it the reason
   * is generic and names the filter.
   */
  explain?(host: number, req: FilterRequest): string;
}

/** A weigher for the `filter` and `weighted` strategies, loaded by name. */
export interface WeigherPlugin<S extends z.ZodRawShape = z.ZodRawShape> {
  readonly kind: 'weigher';
  readonly name: string;
  /** Clamp raw values before normalisation (Nova's minval / maxval); unset: the list's min / max. */
  readonly minval?: number;
  readonly maxval?: number;
  /** The weight multiplier (default 1.0). */
  readonly multiplier?: number;
  /** Its own options (zod schemas by key), set with the strategy's. */
  readonly options?: S;
  /** Called once per replay; returns the raw weight of a host number. */
  create(init: PluginInit<z.output<z.ZodObject<S>>>): (host: number, req: FilterRequest) => number;
}

export function defineFilter<S extends z.ZodRawShape = Record<never, never>>(
  def: Omit<FilterPlugin<S>, 'kind'>,
): FilterPlugin<S> {
  return { kind: 'filter', ...def };
}

export function defineWeigher<S extends z.ZodRawShape = Record<never, never>>(
  def: Omit<WeigherPlugin<S>, 'kind'>,
): WeigherPlugin<S> {
  return { kind: 'weigher', ...def };
}
