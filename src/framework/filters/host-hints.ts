import type { ClusterState } from '../../cluster/cluster-state.ts';
import { defineHostFilter } from '../define.ts';
import type { FilterRequest, HostFilter } from '../types.ts';

type Hint = 'sameHost' | 'differentHost';

// SameHostFilter and DifferentHostFilter share one job: mark the hosts of the hinted live instances.
function hostHintFilter(name: string, hint: Hint, cluster: ClusterState, wantOverlap: boolean): HostFilter {
  const marks = new Uint8Array(cluster.hosts.size);
  let marked: number[] = [];
  const form = { kind: 'mask' as const, mask: marks, want: wantOverlap ? 1 : 0, stable: false };
  return {
    name,
    runOncePerRequest: true,
    preFilter(req: FilterRequest): boolean {
      for (const h of marked) marks[h] = 0;
      marked = [];
      const ids = req.spec[hint];
      if (!ids || ids.length === 0) return false;
      for (const id of ids) {
        const slot = cluster.instances.slotOf(id);
        if (slot < 0) continue;
        const h = cluster.instances.hostOf(slot);
        marks[h] = 1;
        marked.push(h);
      }
      return true;
    },
    hostPasses: (h) => (marks[h] === 1) === wantOverlap,
    fusedForm: () => form,
    explain: () =>
      wantOverlap
        ? `${name}: holds none of the instances named by same_host`
        : `${name}: holds an instance named by different_host`,
  };
}

/** SameHostFilter: with a `same_host` hint, only hosts holding one of the hinted instances. */
export const sameHostFilter = defineHostFilter({
  name: 'SameHostFilter',
  description: 'with a same_host hint, only hosts holding one of the hinted instances',
  create({ cluster }) {
    return hostHintFilter('SameHostFilter', 'sameHost', cluster, true);
  },
});

/** DifferentHostFilter: with a `different_host` hint, no host holding one of the hinted instances. */
export const differentHostFilter = defineHostFilter({
  name: 'DifferentHostFilter',
  description: 'with a different_host hint, no host holding one of the hinted instances',
  create({ cluster }) {
    return hostHintFilter('DifferentHostFilter', 'differentHost', cluster, false);
  },
});
