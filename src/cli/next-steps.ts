import { escapeControls } from '../common/safe-text.ts';
import type { Report } from '../report/schema.ts';
import { aggregateSeeds } from '../report/seed-stats.ts';

/** What a finished `run` or `demo` wrote, for the commands it suggests next. */
export interface NextStepsInput {
  /** The output directory (`--out`). */
  readonly out: string;
  /** The HTML report's path. */
  readonly html: string;
  /** The report files of the run, in run order. */
  readonly reportPaths: readonly string[];
  readonly reports: readonly Report[];
  /** `process.platform`: which command opens a file. */
  readonly platform: string;
}

const opener = (platform: string) =>
  platform === 'darwin' ? 'open' : platform === 'win32' ? 'start' : 'xdg-open';

/** Quote a path for a POSIX shell when it needs it. */
function shellArg(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The lines a run ends with: open the HTML report, compare (the run's strategies or configs with
 * each other, or this report with another), check against thresholds (docs/check.md).
 */
export function nextSteps(o: NextStepsInput): string[] {
  const out = shellArg(o.out);
  const groups = aggregateSeeds(o.reports, []);
  const strategies = new Set(o.reports.map((r) => r.inputs.strategy)).size;
  let compare: string;
  if (groups.length > 1) {
    const by = strategies === groups.length ? 'strategy' : 'config';
    compare = `schedbench compare ${out} --by ${by}`;
  } else {
    compare = `schedbench compare ${shellArg(o.reportPaths[0] ?? o.out)} OTHER.json`;
  }
  const lines = [
    'next:',
    `  see the plots:  ${opener(o.platform)} ${shellArg(o.html)}`,
    `  compare:        ${compare}`,
    `  check:          schedbench check --thresholds THRESHOLDS.yaml ${out}   (docs/check.md)`,
  ];
  return lines.map(escapeControls);
}

/** Print the next-steps lines after a blank line: the end of `run` and `demo`. */
export function printNextSteps(o: Omit<NextStepsInput, 'platform'>, platform = process.platform): void {
  process.stdout.write(`\n${nextSteps({ ...o, platform }).join('\n')}\n`);
}
