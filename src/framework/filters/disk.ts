import { diskFits, diskLeftMb, diskLimitMb } from '../../cluster/usage.ts';
import { defineHostFilter } from '../define.ts';
import { amount } from '../diagnosis.ts';
import type { FilterRequest } from '../types.ts';

/** DiskFilter (classic): free disk within the disk_allocation_ratio limit, net of the reservation. */
export const diskFilter = defineHostFilter({
  name: 'DiskFilter',
  description: 'free disk within the disk_allocation_ratio limit, net of the reservation (classic)',
  create({ cluster }) {
    const t = cluster.hosts;
    const form = { kind: 'disk' as const, amount: 0 };
    return {
      name: 'DiskFilter',
      runOncePerRequest: false,
      preFilter: () => true,
      hostPasses: (h, req: FilterRequest) => diskFits(t, h, req.spec.flavor.diskGb),
      // Written out here rather than shared with the other resource filters, so V8 specialises the
      // loop to this one predicate instead of calling through a polymorphic site per host.
      filterAll(list, len, req: FilterRequest) {
        const requested = req.spec.flavor.diskGb;
        let kept = 0;
        for (let i = 0; i < len; i++) {
          const h = list[i];
          if (diskFits(t, h, requested)) list[kept++] = h;
        }
        return kept;
      },
      fusedForm(req: FilterRequest) {
        form.amount = req.spec.flavor.diskGb;
        return form;
      },
      explain(h, req: FilterRequest) {
        const askedGb = req.spec.flavor.diskGb;
        const asked = 1024 * askedGb;
        const totalGb = t.totalUsableDiskGb[h];
        if (totalGb * 1024 < asked)
          return `DiskFilter: ${amount(askedGb)} GB asked, more than the host's ${amount(totalGb)} GB`;
        return (
          `DiskFilter: ${amount(diskLeftMb(t, h))} MB free under the limit, ${amount(asked)} MB asked ` +
          `(limit ${amount(diskLimitMb(t, h))} MB = ${amount(totalGb)} GB × ${amount(t.diskAllocationRatio[h])})`
        );
      },
    };
  },
});
