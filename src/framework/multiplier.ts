import type { HostTable } from '../cluster/host-table.ts';
import { multiplier } from '../common/bounds.ts';
import { pyFloat } from '../common/py-float.ts';

/** A weigher's multiplier option, with its default. */
export const multiplierOption = (d: number) => multiplier().default(d);

/**
 * Nova's `utils.get_weight_multiplier`: per host, the minimum of the aggregate-metadata values of
 * `key` (as Python floats), else the configured value; a value float() rejects means the configured
 * value. Aggregates are static, so this is computed once per replay.
 */
export function weightMultipliers(t: HostTable, key: string, configured: number): Float64Array {
  const out = new Float64Array(t.size);
  for (let h = 0; h < t.size; h++) {
    const values = t.aggregateValues(h, key);
    if (values.length === 0) {
      out[h] = configured;
      continue;
    }
    let min = Number.POSITIVE_INFINITY;
    let ok = true;
    for (const v of values) {
      const x = pyFloat(v);
      if (x === undefined) {
        ok = false;
        break;
      }
      if (x < min || Number.isNaN(x)) min = x;
    }
    out[h] = ok ? min : configured;
  }
  return out;
}
