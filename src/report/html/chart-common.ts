import type { TopLevelSpec } from 'vega-lite';
import type { SeedGroup } from './seed-groups.ts';

/** One plot of the HTML report. */
export interface Chart {
  readonly id: string;
  readonly title: string;
  /** What the reader should look at, one sentence. */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

export type Row = Record<string, string | number | null>;

export const WIDTH = 640;
export const HEIGHT = 220;
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The colour encoding every plot shares: one colour per group, the legend in run order. */
export function groupColor(groups: readonly SeedGroup[]) {
  return {
    field: 'label',
    type: 'nominal',
    title: 'strategy',
    // Ten colours repeat after ten groups: twenty then (the demo has 13 strategies).
    scale: { domain: groups.map((g) => g.label), scheme: groups.length > 10 ? 'tableau20' : 'tableau10' },
    legend: { labelLimit: 360 },
  } as const;
}
