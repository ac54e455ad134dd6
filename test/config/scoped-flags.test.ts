import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../../src/common/errors.ts';
import { flagsForStrategy, unscopedKey } from '../../src/config/scoped-flags.ts';

// Two strategies with one option each, and a name with a dot (a strategy file may be named so).
const run = [
  { name: 'filter', optionsSchema: z.strictObject({ ram_weight_multiplier: z.number().default(1) }) },
  { name: 'best-fit', optionsSchema: z.strictObject({ score: z.string().default('dot') }) },
  { name: 'my.plugin', optionsSchema: z.strictObject({ k: z.int().default(0) }) },
];

describe('flagsForStrategy', () => {
  it('a scoped flag goes to its strategy alone, without its prefix', () => {
    const flags = ['filter.ram_weight_multiplier=-1,1', 'my.plugin.k=3'];
    expect(flagsForStrategy(flags, '--set', 'filter', run)).toEqual(['ram_weight_multiplier=-1,1']);
    expect(flagsForStrategy(flags, '--set', 'best-fit', run)).toEqual([]);
    // The longest strategy name wins: `my.plugin.k` is option k of my.plugin.
    expect(flagsForStrategy(flags, '--set', 'my.plugin', run)).toEqual(['k=3']);
  });

  it('an unscoped flag goes to the strategies that have the option; a common one to all', () => {
    const flags = ['score=l2', 'seed=4', 'ram_weight_multiplier=2'];
    expect(flagsForStrategy(flags, '--set', 'filter', run)).toEqual(['seed=4', 'ram_weight_multiplier=2']);
    expect(flagsForStrategy(flags, '--set', 'best-fit', run)).toEqual(['score=l2', 'seed=4']);
  });

  it('scoped values come last, so they win over unscoped ones given after them', () => {
    expect(
      flagsForStrategy(
        ['filter.ram_weight_multiplier=-2', 'ram_weight_multiplier=3'],
        '--set',
        'filter',
        run,
      ),
    ).toEqual(['ram_weight_multiplier=3', 'ram_weight_multiplier=-2']);
  });

  it('refuses a key no strategy has, and a prefix that names no strategy of the run', () => {
    expect(() => flagsForStrategy(['nope=1'], '--set', 'filter', run)).toThrow(
      new UsageError(
        '--set nope: unknown option "nope" for every strategy of this run (filter, best-fit, my.plugin); see `schedbench strategies`',
      ),
    );
    expect(() => flagsForStrategy(['caching.x=1|2'], '--sweep', 'filter', run)).toThrow(
      new UsageError(
        '--sweep caching.x: "caching" is not a strategy of this run (strategies: filter, best-fit, my.plugin)',
      ),
    );
    // A strategy's name and its dot, then nothing: no option named.
    expect(() => flagsForStrategy(['filter.=1'], '--set', 'filter', run)).toThrow(
      new UsageError('--set filter.: no option name after "filter."'),
    );
    expect(() => flagsForStrategy(['my.plugin.=1'], '--set', 'filter', run)).toThrow(
      new UsageError('--set my.plugin.: no option name after "my.plugin."'),
    );
  });

  it('with one strategy every unscoped flag applies (its own validation names an unknown key)', () => {
    expect(flagsForStrategy(['nope=1'], '--set', 'filter', [run[0]])).toEqual(['nope=1']);
  });

  it('unscopedKey drops the scope only', () => {
    expect(unscopedKey('filter.ram_weight_multiplier', run)).toBe('ram_weight_multiplier');
    expect(unscopedKey('seed', run)).toBe('seed');
  });
});
