import { defineHostFilter } from '../define.ts';
import type { FilterRequest } from '../types.ts';

/** Nova's `CONF.default_availability_zone`: the zone of a host that is in no AZ aggregate. */
export const DEFAULT_AVAILABILITY_ZONE = 'nova';

/**
 * AvailabilityZoneFilter: a requested AZ must be among the host's `availability_zone` aggregate
 * values; a host in no AZ aggregate is in "nova". Results are static, so they are cached per AZ.
 */
export const availabilityZoneFilter = defineHostFilter({
  name: 'AvailabilityZoneFilter',
  description: "the requested availability zone must be the host's (a host in no AZ aggregate is in nova)",
  create({ cluster }) {
    const t = cluster.hosts;
    const byZone = new Map<string, Uint8Array>();
    let current: Uint8Array = new Uint8Array(0);
    const compute = (az: string): Uint8Array => {
      const pass = new Uint8Array(t.size);
      for (let h = 0; h < t.size; h++) {
        const zones = t.aggregateMetadata(h, 'availability_zone').get('availability_zone');
        pass[h] = (zones ? zones.has(az) : az === DEFAULT_AVAILABILITY_ZONE) ? 1 : 0;
      }
      return pass;
    };
    const form = { kind: 'mask' as const, mask: current, want: 1, stable: true };
    return {
      name: 'AvailabilityZoneFilter',
      runOncePerRequest: true,
      preFilter(req: FilterRequest): boolean {
        const az = req.spec.availabilityZone;
        if (!az) return false;
        let pass = byZone.get(az);
        if (!pass) {
          pass = compute(az);
          byZone.set(az, pass);
        }
        current = pass;
        return true;
      },
      hostPasses: (h) => current[h] === 1,
      fusedForm() {
        form.mask = current;
        return form;
      },
      explain(h, req: FilterRequest) {
        const zones = t.aggregateMetadata(h, 'availability_zone').get('availability_zone');
        const is = zones
          ? [...zones].sort().join(', ')
          : `${DEFAULT_AVAILABILITY_ZONE} (in no zone aggregate)`;
        return `AvailabilityZoneFilter: host in zone ${is}, ${req.spec.availabilityZone} asked`;
      },
    };
  },
});
