// The paper's Fig. 7 as vega-lite: unallocated GPU % against arrived workload %, median over seeds.
import { type Chart, renderSvg } from '../../src/report/html/charts.ts';
import { POLICIES } from './policies.ts';

type Point = { policy: string; arrived_pct: number; unallocated_pct: number };

/** Rendered to SVG in Node (the HTML report's renderer); x from 70% as the paper zooms in. */
export async function allocationPlotSvg(points: readonly Point[], title: string): Promise<string> {
  const from = 70;
  const values = points.filter((p) => p.arrived_pct >= from);
  const ideal = [
    { arrived_pct: from, unallocated_pct: 100 - from },
    { arrived_pct: 100, unallocated_pct: 0 },
  ];
  const chart: Chart = {
    id: 'fgd-alloc',
    title,
    caption: 'Unallocated GPUs against arrived GPU demand (median over seeds); the dotted line is ideal.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      width: 640,
      height: 300,
      layer: [
        {
          data: { values: ideal },
          mark: { type: 'line', strokeDash: [2, 3], color: 'grey', clip: true },
          encoding: {
            x: { field: 'arrived_pct', type: 'quantitative' },
            y: { field: 'unallocated_pct', type: 'quantitative' },
          },
        },
        {
          data: { values },
          mark: { type: 'line', strokeWidth: 2, clip: true },
          encoding: {
            x: {
              field: 'arrived_pct',
              type: 'quantitative',
              title: 'arrived workload (% of cluster GPU capacity)',
              scale: { domain: [from, 130] },
            },
            y: {
              field: 'unallocated_pct',
              type: 'quantitative',
              title: 'unallocated GPU (%)',
              scale: { domain: [0, 30] },
            },
            color: {
              field: 'policy',
              type: 'nominal',
              title: 'policy',
              // Every policy in the domain, so a policy keeps its colour whichever are present.
              scale: { domain: POLICIES.map((p) => p.paper) },
            },
          },
        },
      ],
    },
  };
  return renderSvg(chart);
}
