import type { HostTable } from '../../cluster/host-table.ts';
import type { ExtraSpecs } from '../../model/extra-specs.ts';
import { defineHostFilter } from '../define.ts';
import { matchExtraSpec } from '../extra-specs-ops.ts';
import { type HostVerdicts, StaticVerdictCache, verdictMask, verdictOf } from '../static-results.ts';
import type { FilterRequest } from '../types.ts';

const SCOPE = 'aggregate_instance_extra_specs';

/**
 * AggregateInstanceExtraSpecsFilter: every unscoped or `aggregate_instance_extra_specs:` extra spec
 * must match a value of that key in the host's aggregate metadata.
 */
export const aggregateInstanceExtraSpecsFilter = defineHostFilter({
  name: 'AggregateInstanceExtraSpecsFilter',
  description:
    "extra specs (unscoped or aggregate_instance_extra_specs:) must match the host's aggregate metadata",
  create({ cluster }) {
    const t = cluster.hosts;
    const cache = new StaticVerdictCache(t.size);
    let current: HostVerdicts | undefined;
    const form = { kind: 'mask' as const, mask: new Uint8Array(0), want: 1, stable: true };
    return {
      name: 'AggregateInstanceExtraSpecsFilter',
      runOncePerRequest: true,
      preFilter(req: FilterRequest): boolean {
        const specs = req.spec.extraSpecs;
        if (!specs || specs.entries.length === 0) return false;
        current = cache.get(specs.key, (h) => firstMismatch(t, h, specs) < 0);
        return true;
      },
      hostPasses: (h) => verdictOf(current!, h),
      fusedForm: () => verdictMask(current!, form),
      explain(h, req: FilterRequest) {
        const specs = req.spec.extraSpecs!;
        const [fullKey, want] = specs.entries[firstMismatch(t, h, specs)];
        const key = unscoped(fullKey)!;
        const values = t.aggregateMetadata(h).get(key);
        const have = values && values.size > 0 ? `has ${[...values].sort().join(', ')}` : 'has no value';
        return `AggregateInstanceExtraSpecsFilter: ${fullKey}=${want} asked, the host's aggregate metadata ${key} ${have}`;
      },
    };
  },
});

/** The metadata key an extra spec names, or undefined when it is scoped to something else. */
function unscoped(fullKey: string): string | undefined {
  // Python: key.split(':', 1)
  const colon = fullKey.indexOf(':');
  if (colon < 0) return fullKey;
  return fullKey.slice(0, colon) === SCOPE ? fullKey.slice(colon + 1) : undefined;
}

/** The index of the first extra spec host `h`'s aggregate metadata does not match, or -1. */
function firstMismatch(t: HostTable, h: number, specs: ExtraSpecs): number {
  const metadata = t.aggregateMetadata(h);
  for (let i = 0; i < specs.entries.length; i++) {
    const [fullKey, want] = specs.entries[i];
    const key = unscoped(fullKey);
    if (key === undefined) continue;
    const values = metadata.get(key);
    if (!values || values.size === 0) return i;
    let matched = false;
    for (const v of values) {
      if (matchExtraSpec(v, want)) {
        matched = true;
        break;
      }
    }
    if (!matched) return i;
  }
  return -1;
}
