import { reportLabels } from '../labels.ts';
import type { Report } from '../schema.ts';

/** Reports that differ only in their seed: one band in the plots, one colour in the legend. */
export interface SeedGroup {
  readonly label: string;
  /** Indexes into the reports, in run order. */
  readonly members: readonly number[];
}

/**
 * Group the reports that share strategy, config (seed aside), trace and cluster, in the order
 * their first report ran; each group is labelled as `reportLabels` labels its first report among
 * the groups' first reports, so the seed appears in no label.
 */
export function seedGroups(reports: readonly Report[]): SeedGroup[] {
  const byKey = new Map<string, number[]>();
  reports.forEach((r, i) => {
    const { seed: _seed, ...config } = r.inputs.config;
    const key = JSON.stringify([r.inputs.strategy, config, r.inputs.trace.sha256, r.inputs.cluster.sha256]);
    const list = byKey.get(key) ?? [];
    list.push(i);
    byKey.set(key, list);
  });
  const groups = [...byKey.values()];
  const firsts = groups.map((g) => {
    const r = reports[g[0]];
    // The seed is the same for every first report, so labels never name it.
    return { ...r, inputs: { ...r.inputs, seed: 0, config: { ...r.inputs.config, seed: 0 } } };
  });
  const labels = reportLabels(firsts);
  return groups.map((members, k) => ({ label: labels[k], members }));
}
