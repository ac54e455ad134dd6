import { cpuFits, vcpuLimit, vcpusLeft } from '../../cluster/usage.ts';
import { defineHostFilter } from '../define.ts';
import { amount } from '../diagnosis.ts';
import type { FilterRequest } from '../types.ts';

/** CoreFilter (classic): free vCPUs within the cpu_allocation_ratio limit. */
export const coreFilter = defineHostFilter({
  name: 'CoreFilter',
  description: 'free vCPUs within the cpu_allocation_ratio limit (classic, pre-Placement)',
  create({ cluster }) {
    const t = cluster.hosts;
    const form = { kind: 'cpu' as const, amount: 0 };
    return {
      name: 'CoreFilter',
      runOncePerRequest: false,
      preFilter: () => true,
      hostPasses: (h, req: FilterRequest) => cpuFits(t, h, req.spec.flavor.vcpus),
      // Written out here rather than shared with the other resource filters, so V8 specialises the
      // loop to this one predicate instead of calling through a polymorphic site per host.
      filterAll(list, len, req: FilterRequest) {
        const requested = req.spec.flavor.vcpus;
        let kept = 0;
        for (let i = 0; i < len; i++) {
          const h = list[i];
          if (cpuFits(t, h, requested)) list[kept++] = h;
        }
        return kept;
      },
      fusedForm(req: FilterRequest) {
        form.amount = req.spec.flavor.vcpus;
        return form;
      },
      explain(h, req: FilterRequest) {
        const asked = req.spec.flavor.vcpus;
        const total = t.vcpusTotal[h];
        const limit = vcpuLimit(t, h);
        if (limit > 0 && asked > total)
          return `CoreFilter: ${amount(asked)} vCPUs asked, more than the host's ${amount(total)}`;
        return (
          `CoreFilter: ${amount(vcpusLeft(t, h))} vCPUs free under the limit, ${amount(asked)} asked ` +
          `(limit ${amount(limit)} = ${amount(total)} × ${amount(t.cpuAllocationRatio[h])})`
        );
      },
    };
  },
});
