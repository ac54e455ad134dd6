import type { Flavor } from './flavor.ts';

/**
 * A trace's flavors with their instance counts, known before the replay starts (the run reads the
 * trace once for its shapes). Strategies that plan for the workload, such as fgd, receive it.
 */
export type FlavorMix = readonly { readonly flavor: Flavor; readonly count: number }[];
