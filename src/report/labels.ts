import { basename } from 'node:path';
import type { Report } from './schema.ts';

/**
 * A short, unique label per report for tables and plot legends: the strategy name, plus what
 * tells reports of one strategy apart (config values that differ, the seed, the trace), plus
 * `#n` if they are still alike.
 */
export function reportLabels(reports: readonly Report[]): string[] {
  const labels = reports.map((r) => r.inputs.strategy);
  const byStrategy = new Map<string, number[]>();
  reports.forEach((r, i) => {
    const list = byStrategy.get(r.inputs.strategy) ?? [];
    list.push(i);
    byStrategy.set(r.inputs.strategy, list);
  });
  for (const idx of byStrategy.values()) {
    if (idx.length < 2) continue;
    const group = idx.map((i) => reports[i]);
    const keys = [...new Set(group.flatMap((r) => Object.keys(r.inputs.config)))]
      .filter((k) => k !== 'seed')
      .filter((k) => new Set(group.map((r) => JSON.stringify(r.inputs.config[k]))).size > 1)
      .sort();
    const seeds = new Set(group.map((r) => r.inputs.seed)).size > 1;
    const traces = new Set(group.map((r) => r.inputs.trace.sha256)).size > 1;
    for (const i of idx) {
      const r = reports[i];
      const parts = keys.map((k) => `${k}=${formatValue(r.inputs.config[k])}`);
      if (seeds) parts.push(`seed=${r.inputs.seed}`);
      if (traces) parts.push(basename(r.inputs.trace.path));
      if (parts.length > 0) labels[i] = `${r.inputs.strategy} ${parts.join(' ')}`;
    }
  }
  const seen = new Map<string, number>();
  for (const l of labels) seen.set(l, (seen.get(l) ?? 0) + 1);
  const nth = new Map<string, number>();
  return labels.map((l) => {
    if ((seen.get(l) ?? 0) < 2) return l;
    const n = (nth.get(l) ?? 0) + 1;
    nth.set(l, n);
    return `${l} #${n}`;
  });
}

function formatValue(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}
