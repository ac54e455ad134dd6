import type { z } from 'zod';
import type { ClusterState } from '../cluster/cluster-state.ts';
import type { FlavorMix } from '../model/flavor-mix.ts';
import type { SchedulerDriver } from './driver.ts';

/**
 * A scheduling strategy as users pick it by name: a description, a zod schema for its options (with
 * defaults, rejecting unknown keys), and a factory that builds a fresh driver for one replay.
 */
export interface Strategy<Options = unknown> {
  readonly name: string;
  /** One line, shown by `schedbench strategies`. */
  readonly description: string;
  readonly optionsSchema: z.ZodType<Options>;
  /**
   * `zed`: the strategy runs under the Zed candidate step only (docs/nova-zed.md): the run config's
   * `placement` is `zed` for it, and `none` is refused. Absent: either, `none` by default.
   */
  readonly placement?: 'zed';
  /** `flavors`: the trace's flavor mix, which the replay always passes (tests may leave it out). */
  create(cluster: ClusterState, options: Options, flavors?: FlavorMix): SchedulerDriver;
}

/** A strategy of any options type, as registries hold them (each validates its own options). */
// biome-ignore lint/suspicious/noExplicitAny: options are validated by each strategy's own schema
export type AnyStrategy = Strategy<any>;
