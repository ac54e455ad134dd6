import type { ServerGroup } from '../cluster/groups.ts';
import type { ExtraSpecs } from '../model/extra-specs.ts';
import type { Flavor } from '../model/flavor.ts';
import type { ImageProps } from '../model/image-props.ts';

/**
 * What one create row asks for (Nova's RequestSpec). The replay reuses one object (and one id list
 * for single-instance rows) for every request: strategies and observers read it and never keep it,
 * nor its `instanceIds`, past the request.
 */
export interface RequestSpec {
  readonly requestId: string;
  /** Instance ids: `[id]` for one instance, `id-0` ... `id-(n-1)` for several. */
  readonly instanceIds: readonly string[];
  readonly flavor: Flavor;
  /** Trace time of the request, in seconds. */
  readonly time: number;
  readonly availabilityZone: string | undefined;
  readonly group: ServerGroup | undefined;
  readonly extraSpecs: ExtraSpecs | undefined;
  /** Allowed GPU models (trace `gpu_spec`); undefined for any model. */
  readonly gpuSpec: readonly string[] | undefined;
  /** Scheduler hints `same_host` / `different_host`, already resolved to instance ids. */
  readonly sameHost: readonly string[] | undefined;
  readonly differentHost: readonly string[] | undefined;
  /** The image's properties (Nova's `spec_obj.image.properties`, trace `image_props`); undefined: none. */
  readonly imageProps?: ImageProps | undefined;
}

/** Per-scheduling-pass properties (Nova's filter_properties): the retry record of a reschedule. */
export interface FilterProperties {
  /** Hosts already tried for this instance, and how many passes were made (RetryFilter). */
  readonly retry: { readonly numAttempts: number; readonly hosts: readonly number[] } | undefined;
}

export const NO_RETRY: FilterProperties = Object.freeze({ retry: undefined });

/**
 * A request for `flavor` with nothing else: no zone, group, extra specs, GPU models or hints, at
 * time 0; one instance per id (`[requestId]` by default). Spread it to set the other fields.
 */
export function plainRequestSpec(
  flavor: Flavor,
  requestId = 'r',
  instanceIds: readonly string[] = [requestId],
): RequestSpec {
  return {
    requestId,
    instanceIds,
    flavor,
    time: 0,
    availabilityZone: undefined,
    group: undefined,
    extraSpecs: undefined,
    gpuSpec: undefined,
    sameHost: undefined,
    differentHost: undefined,
    imageProps: undefined,
  };
}
