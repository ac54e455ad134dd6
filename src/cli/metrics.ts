import type { Command } from 'commander';
import { METRICS } from '../report/metric-catalog.ts';
import { formatTable } from '../report/summary-table.ts';

const BETTER = { higher: 'higher', lower: 'lower', none: 'neither' } as const;

/** The listing: one metric per row, with its unit, which way is better, and what it measures. */
export function formatMetrics(): string {
  return formatTable(
    ['metric', 'unit', 'better', 'description'],
    METRICS.map((m) => [m.name, m.unit, BETTER[m.better], m.description]),
  );
}

/** `schedbench metrics`: every metric id that thresholds files (`check`) and `compare` use. */
export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description(
      'list every metric id usable in a thresholds file and shown by compare, with unit and better direction',
    )
    .option('--json', 'print the list as JSON')
    .addHelpText(
      'after',
      [
        '',
        'A share is a number from 0 to 1; a bound on it may also be written as a percentage ("<= 2%").',
        'Definitions: docs/metrics.md. Thresholds: docs/check.md.',
        '',
        'Examples:',
        '  $ schedbench metrics',
        '  $ schedbench metrics --json',
      ].join('\n'),
    )
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        const out = METRICS.map((m) => ({
          name: m.name,
          unit: m.unit,
          better: m.better,
          timing: m.timing,
          description: m.description,
        }));
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else process.stdout.write(`${formatMetrics()}\n`);
    });
}
