import { defineHostFilter } from '../define.ts';
import { matchExtraSpec } from '../extra-specs-ops.ts';
import { type HostVerdicts, StaticVerdictCache, verdictOf } from '../static-results.ts';
import type { FilterRequest } from '../types.ts';

const SCOPE = 'aggregate_instance_extra_specs';

/**
 * AggregateInstanceExtraSpecsFilter: every unscoped or `aggregate_instance_extra_specs:` extra spec
 * must match a value of that key in the host's aggregate metadata.
 */
export const aggregateInstanceExtraSpecsFilter = defineHostFilter({
  name: 'AggregateInstanceExtraSpecsFilter',
  create({ cluster }) {
    const t = cluster.hosts;
    const cache = new StaticVerdictCache(t.size);
    let current: HostVerdicts | undefined;
    return {
      name: 'AggregateInstanceExtraSpecsFilter',
      runOncePerRequest: true,
      preFilter(req: FilterRequest): boolean {
        const specs = req.spec.extraSpecs;
        if (!specs || specs.entries.length === 0) return false;
        current = cache.get(specs.key, (h) => {
          const metadata = t.aggregateMetadata(h);
          for (const [fullKey, want] of specs.entries) {
            // Python: key.split(':', 1)
            const colon = fullKey.indexOf(':');
            let key = fullKey;
            if (colon >= 0) {
              if (fullKey.slice(0, colon) !== SCOPE) continue;
              key = fullKey.slice(colon + 1);
            }
            const values = metadata.get(key);
            if (!values || values.size === 0) return false;
            let matched = false;
            for (const v of values) {
              if (matchExtraSpec(v, want)) {
                matched = true;
                break;
              }
            }
            if (!matched) return false;
          }
          return true;
        });
        return true;
      },
      hostPasses: (h) => verdictOf(current!, h),
    };
  },
});
