// Options scoped to one strategy in a matrix (`--set filter.key=v`), unscoped keys in a run of
// several strategies, and refused prefixes; each cell's echoed config is read from its report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.ts';
import { cli } from '../helpers/cli.ts';
import { generated } from '../helpers/pool.ts';

const g = generated(200, 8);
const base = ['run', '--cluster', g.cluster, '--trace', g.trace, '--workers', '2', '--quiet'];
const config = (out: string, cell: string) =>
  reportSchema.parse(JSON.parse(readFileSync(join(g.dir, out, `${cell}.json`), 'utf8'))).inputs
    .config as Record<string, unknown>;

describe('--set scoped to a strategy', () => {
  it('filter.ram_weight_multiplier=-1,1 sweeps the filter cells only; best-fit runs once, untouched', () => {
    const r = cli(
      [
        ...base,
        '--strategy',
        'filter,best-fit',
        '--set',
        'filter.ram_weight_multiplier=-1,1',
        '--out',
        'scoped',
      ],
      g.dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(config('scoped', 'filter__ram_weight_multiplier=-1').ram_weight_multiplier).toBe(-1);
    expect(config('scoped', 'filter__ram_weight_multiplier=1').ram_weight_multiplier).toBe(1);
    expect(config('scoped', 'best-fit')).not.toHaveProperty('ram_weight_multiplier');
  });

  it('an unscoped key applies to the strategies that have it; a common one to all', () => {
    const r = cli(
      [
        ...base,
        '--strategy',
        'filter,best-fit',
        '--set',
        'ram_weight_multiplier=-1,1',
        '--set',
        'max_attempts=5',
        '--out',
        'plain',
      ],
      g.dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(config('plain', 'filter__ram_weight_multiplier=-1')).toMatchObject({
      ram_weight_multiplier: -1,
      max_attempts: 5,
    });
    expect(config('plain', 'filter__ram_weight_multiplier=1')).toMatchObject({
      ram_weight_multiplier: 1,
      max_attempts: 5,
    });
    const bestFit = config('plain', 'best-fit');
    expect(bestFit).not.toHaveProperty('ram_weight_multiplier');
    expect(bestFit.max_attempts).toBe(5);
  });

  it('a scoped value wins over an unscoped one for its strategy, even one given after it', () => {
    const r = cli(
      [
        ...base,
        '--strategy',
        'filter,caching',
        '--set',
        'caching.ram_weight_multiplier=-2',
        '--set',
        'ram_weight_multiplier=3',
        '--out',
        'both',
      ],
      g.dir,
    );
    expect(r.code).toBe(0);
    expect(config('both', 'filter').ram_weight_multiplier).toBe(3);
    expect(config('both', 'caching').ram_weight_multiplier).toBe(-2);
  });

  it('refuses, exit 2 with one line: a key no strategy of the run has, an unknown prefix, a strategy not in the run', () => {
    const none = cli(
      [...base, '--strategy', 'filter,best-fit', '--set', 'no_such_option=1', '--out', 'x'],
      g.dir,
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'schedbench: --set no_such_option: unknown option "no_such_option" for every strategy of this run (filter, best-fit); see `schedbench strategies`\n',
    );
    const typo = cli(
      [...base, '--strategy', 'filter,best-fit', '--set', 'fliter.ram_weight_multiplier=1', '--out', 'x'],
      g.dir,
    );
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      'schedbench: --set fliter.ram_weight_multiplier: "fliter" is not a strategy of this run (strategies: filter, best-fit)\n',
    );
    const absent = cli(
      [...base, '--strategy', 'filter', '--sweep', 'caching.host_subset_size=1|2', '--out', 'x'],
      g.dir,
    );
    expect(absent.code).toBe(2);
    expect(absent.stderr).toBe(
      'schedbench: --sweep caching.host_subset_size: "caching" is not a strategy of this run (strategies: filter)\n',
    );
    // Scoped to a strategy that lacks the option: named with its scope, as given.
    const lacks = cli(
      [...base, '--strategy', 'filter,best-fit', '--set', 'best-fit.ram_weight_multiplier=1', '--out', 'x'],
      g.dir,
    );
    expect(lacks.code).toBe(2);
    expect(lacks.stderr).toBe(
      'schedbench: --set best-fit.ram_weight_multiplier: unknown option "ram_weight_multiplier" for strategy best-fit; see `schedbench strategies` (or --help)\n',
    );
  });
});
