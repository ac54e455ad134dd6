import type { ClusterState } from '../cluster/cluster-state.ts';
import { DISK_GB, MEMORY_MB, type PlacementQuery, VCPU } from '../cluster/placement.ts';
import { TRAIT_PREFIX } from '../model/extra-specs.ts';
import { OS_TRAITS } from '../model/os-traits.ts';
import type { RequestSpec } from './request-spec.ts';

/** A request's traits as masks over the cluster's provider traits. */
interface TraitMasks {
  readonly required: Uint32Array;
  readonly forbidden: Uint32Array;
  readonly impossible: boolean;
}

/** Distinct extra specs (or zones) remembered before the cache starts again. */
const CACHE_LIMIT = 4096;

/**
 * The scheduler's side of the Zed candidate step, before GET /allocation_candidates: Nova 26's
 * `request_filter.process_reqspec` with Zed's defaults (compute_status_filter forbids
 * COMPUTE_STATUS_DISABLED; map_az_to_placement_aggregate, as query_placement_for_availability_zone
 * is true, asks for member_of the aggregates whose `availability_zone` is the request's zone, and
 * nothing when no aggregate has it; the other request filters are off by default or need inputs a
 * trace has not), then `utils.resources_from_request_spec`: VCPU, MEMORY_MB and DISK_GB from the
 * flavor (zeros dropped), `trait:NAME` extra specs, and the limit `max_placement_results`, lifted
 * for a request with a `group`, `same_host` or `different_host` scheduler hint.
 */
export class PlacementRequestFilter {
  private readonly words: number;
  private readonly disabledBit: number;
  private readonly traits = new Map<string, TraitMasks>();
  private readonly zones = new Map<string, Uint8Array | undefined>();
  private readonly noTraits: TraitMasks;
  private readonly query: {
    amounts: Float64Array;
    required: Uint32Array;
    forbidden: Uint32Array;
    impossible: boolean;
    memberOf: Uint8Array | undefined;
    limit: number;
  };

  constructor(
    private readonly cluster: ClusterState,
    private readonly maxResults: number,
  ) {
    this.words = cluster.placementTraitWords;
    this.disabledBit = cluster.placementTraitBit('COMPUTE_STATUS_DISABLED');
    this.noTraits = this.masks([]);
    this.query = {
      amounts: new Float64Array(3),
      required: this.noTraits.required,
      forbidden: this.noTraits.forbidden,
      impossible: false,
      memberOf: undefined,
      limit: maxResults,
    };
  }

  /** The query for one instance of `spec` (one object, rewritten by every call). */
  queryFor(spec: RequestSpec): PlacementQuery {
    const q = this.query;
    const f = spec.flavor;
    q.amounts[VCPU] = f.vcpus;
    q.amounts[MEMORY_MB] = f.memoryMb;
    // root_gb (a trace has no ephemeral disk or swap, and no boot from volume).
    q.amounts[DISK_GB] = f.diskGb;
    const t =
      spec.extraSpecs === undefined
        ? this.noTraits
        : this.traitsOf(spec.extraSpecs.key, spec.extraSpecs.entries);
    q.required = t.required;
    q.forbidden = t.forbidden;
    q.impossible = t.impossible;
    q.memberOf = spec.availabilityZone === undefined ? undefined : this.zone(spec.availabilityZone);
    // resources_from_request_spec: "Don't limit allocation candidates when using affinity/anti-affinity."
    const unlimited =
      spec.group !== undefined || spec.sameHost !== undefined || spec.differentHost !== undefined;
    q.limit = unlimited ? Number.POSITIVE_INFINITY : this.maxResults;
    return q;
  }

  private traitsOf(key: string, entries: readonly (readonly [string, string])[]): TraitMasks {
    let m = this.traits.get(key);
    if (m === undefined) {
      const asked: [string, string][] = [];
      for (const [k, v] of entries)
        if (k.startsWith(TRAIT_PREFIX)) asked.push([k.slice(TRAIT_PREFIX.length), v]);
      m = this.masks(asked);
      if (this.traits.size >= CACHE_LIMIT) this.traits.clear();
      this.traits.set(key, m);
    }
    return m;
  }

  /** Masks for `trait:NAME` = required | forbidden (other values are refused when the trace is read). */
  private masks(asked: readonly (readonly [string, string])[]): TraitMasks {
    const required = new Uint32Array(this.words);
    const forbidden = new Uint32Array(this.words);
    const set = (a: Uint32Array, bit: number) => {
      a[bit >>> 5] |= 1 << (bit & 31);
    };
    // compute_status_filter: root_forbidden COMPUTE_STATUS_DISABLED, for every request.
    if (this.disabledBit >= 0) set(forbidden, this.disabledBit);
    let impossible = false;
    for (const [name, value] of asked) {
      const bit = this.cluster.placementTraitBit(name);
      // A trait Placement does not know (no standard name, on no provider) is a 400: no candidate.
      if (bit < 0 && !OS_TRAITS.has(name)) impossible = true;
      if (value === 'required') {
        if (bit < 0) impossible = true;
        else set(required, bit);
      } else if (value === 'forbidden' && bit >= 0) set(forbidden, bit);
    }
    return { required, forbidden, impossible };
  }

  /** map_az_to_placement_aggregate: the hosts of aggregates with this zone, or undefined for none. */
  private zone(az: string): Uint8Array | undefined {
    if (this.zones.has(az)) return this.zones.get(az);
    const t = this.cluster.hosts;
    let mask: Uint8Array | undefined;
    for (let h = 0; h < t.size; h++) {
      if (t.aggregateValues(h, 'availability_zone').includes(az)) {
        mask ??= new Uint8Array(t.size);
        mask[h] = 1;
      }
    }
    if (this.zones.size >= CACHE_LIMIT) this.zones.clear();
    this.zones.set(az, mask);
    return mask;
  }
}
