// Zed mode from the command line: nova-zed and --profile nova-zed, placements with alternates,
// identical whatever the worker count.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { generated } from '../helpers/pool.ts';

describe('zed mode on the command line', () => {
  it('a matrix under --profile nova-zed places identically with 1 and 2 workers (seeded draws included)', () => {
    const g = generated(1500, 60, 3);
    const run = (workers: string, out: string) => {
      const r = cli(
        [
          'run',
          '--cluster',
          g.cluster,
          '--trace',
          g.trace,
          '--strategy',
          'nova-zed,filter,power-of-two',
          '--profile',
          'nova-zed',
          '--set',
          'nova-zed.host_subset_size=3',
          '--seed',
          '1,2',
          '--workers',
          workers,
          '--out',
          out,
          '--placements',
          join(out, 'p.csv'),
          '--quiet',
        ],
        g.dir,
        { timeout: 300_000 },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const dir = join(g.dir, out);
      const files = readdirSync(dir)
        .filter((f) => f.startsWith('p.') && f.endsWith('.csv'))
        .sort();
      return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    };
    const one = run('1', 'one');
    const two = run('2', 'two');
    expect(Object.keys(one).length).toBe(6);
    expect(two).toEqual(one);
    // Every file of the zed run has the alternates column; nova-zed fills it.
    for (const text of Object.values(one))
      expect(text.startsWith('seq,id,host,attempts,alternates\n')).toBe(true);
    const zed = one['p.nova-zed__seed=1.csv'];
    expect(zed.split('\n').filter((l) => /,[^,]+\|[^,]+$/.test(l)).length).toBeGreaterThan(100);
    // The seed moves nova-zed's host_subset_size draws.
    expect(one['p.nova-zed__seed=2.csv']).not.toBe(zed);
  });

  it('refuses --profile with an unknown name, and placement none for nova-zed, in one line (exit 2)', () => {
    const g = generated(10, 4, 1);
    const bad = cli(['run', '--cluster', g.cluster, '--trace', g.trace, '--profile', 'zed'], g.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^schedbench: .*--profile.*zed.*nova-zed/);
    const none = cli(
      [
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--strategy',
        'nova-zed',
        '--set',
        'placement=none',
      ],
      g.dir,
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'schedbench: --set placement: strategy nova-zed runs under the Zed candidate step only (placement: zed)\n',
    );
  });
});
