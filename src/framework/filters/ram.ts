import { ramFits, ramLeftMb, ramLimitMb } from '../../cluster/usage.ts';
import { defineHostFilter } from '../define.ts';
import { amount } from '../diagnosis.ts';
import type { FilterRequest } from '../types.ts';

/** RamFilter (classic): free RAM within the ram_allocation_ratio limit, net of the reservation. */
export const ramFilter = defineHostFilter({
  name: 'RamFilter',
  description: 'free RAM within the ram_allocation_ratio limit, net of the reservation (classic)',
  create({ cluster }) {
    const t = cluster.hosts;
    const form = { kind: 'ram' as const, amount: 0 };
    return {
      name: 'RamFilter',
      runOncePerRequest: false,
      preFilter: () => true,
      hostPasses: (h, req: FilterRequest) => ramFits(t, h, req.spec.flavor.memoryMb),
      // Written out here rather than shared with the other resource filters, so V8 specialises the
      // loop to this one predicate instead of calling through a polymorphic site per host.
      filterAll(list, len, req: FilterRequest) {
        const requested = req.spec.flavor.memoryMb;
        let kept = 0;
        for (let i = 0; i < len; i++) {
          const h = list[i];
          if (ramFits(t, h, requested)) list[kept++] = h;
        }
        return kept;
      },
      fusedForm(req: FilterRequest) {
        form.amount = req.spec.flavor.memoryMb;
        return form;
      },
      explain(h, req: FilterRequest) {
        const asked = req.spec.flavor.memoryMb;
        const total = t.totalUsableRamMb[h];
        if (!(total >= asked))
          return `RamFilter: ${amount(asked)} MB asked, more than the host's ${amount(total)} MB`;
        return (
          `RamFilter: ${amount(ramLeftMb(t, h))} MB free under the limit, ${amount(asked)} MB asked ` +
          `(limit ${amount(ramLimitMb(t, h))} MB = ${amount(total)} MB × ${amount(t.ramAllocationRatio[h])})`
        );
      },
    };
  },
});
