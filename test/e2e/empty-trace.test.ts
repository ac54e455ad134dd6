// A header-only trace replays zero instances: its rates are n/a, so a gate of rate bounds only has
// evaluated nothing and exits 2 (docs/check.md), instead of passing on "value 0".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';
import { CLUSTER } from './scenario.ts';

const GATE = { timeout: 120_000 };

describe('a header-only trace through run and check', () => {
  it('run exits 0 showing the NoValidHost rate as n/a; check of rate bounds only is exit 2, never ok', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(CLUSTER));
    writeFileSync(join(dir, 'empty.csv'), 'time,id,vcpus,memory_mb\n');
    const run = cli(
      ['run', '--cluster', 'cluster.json', '--trace', 'empty.csv', '--strategy', 'filter,first-fit'],
      dir,
      GATE,
    );
    expect(run.code).toBe(0);

    writeFileSync(join(dir, 'rate.yaml'), "strategies:\n  '*':\n    novalidhost_rate: '<= 0'\n");
    const rate = cli(['check', '--thresholds', 'rate.yaml', 'reports'], dir, GATE);
    expect([rate.code, rate.stdout, rate.stderr]).toEqual([
      2,
      '',
      'schedbench: rate.yaml: none of the 2 bound(s) could be evaluated: every metric is n/a in these reports (see --verbose)\n',
    ]);
    // The matrix table: instances, placed, NoValidHost 0; the rate n/a.
    expect(run.stdout).toMatch(/^filter +ok +0 +0 +0 +– +[\d.]+$/m);
    expect(run.stdout).toMatch(/^first-fit +ok +0 +0 +0 +– +[\d.]+$/m);
    // With a count bound beside it, the counts are checked and the rates named n/a.
    writeFileSync(
      join(dir, 'mixed.yaml'),
      "strategies:\n  '*':\n    novalidhost_rate: '<= 0'\n    util_ram: '>= 0'\n    placed: '>= 0'\n",
    );
    const mixed = cli(['check', '--thresholds', 'mixed.yaml', 'reports', '--verbose'], dir, GATE);
    expect([mixed.code, mixed.stderr]).toEqual([0, '']);
    expect(mixed.stdout).toContain('n/a      filter: novalidhost_rate <= 0: value n/a\n');
    expect(mixed.stdout).toContain('n/a      filter: util_ram >= 0: value n/a\n');
    expect(mixed.stdout).toContain('ok       filter: placed >= 0: value 0\n');
    expect(mixed.stdout).toMatch(
      /check: all 2 bound\(s\) over 2 report\(s\) of filter, first-fit hold \(4 more n\/a\)\n$/,
    );
  }, 240_000);
});
