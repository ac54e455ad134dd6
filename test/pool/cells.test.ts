import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Catalog } from '../../src/catalog/catalog.ts';
import { configPoints, isListOption, parseSweepFlags } from '../../src/config/sweep.ts';
import { BUILTIN_FILTERS, BUILTIN_WEIGHERS } from '../../src/framework/builtins.ts';
import { expandMatrix, type MatrixSpec } from '../../src/pool/cells.ts';
import { cellPlacementsPath } from '../../src/pool/run-matrix.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';

const registry = new Catalog({
  strategies: [filterStrategy, { ...filterStrategy, name: 'other' }],
  filters: BUILTIN_FILTERS,
  weighers: BUILTIN_WEIGHERS,
});
const spec = (m: Partial<MatrixSpec>): MatrixSpec => ({
  traces: ['t.csv'],
  strategies: ['filter'],
  configs: [],
  setFlags: [],
  sweepFlags: [],
  seeds: [],
  ...m,
});

describe('sweep rule: --set lists on list options, sweeps on the rest', () => {
  it('knows which options take lists', () => {
    expect(isListOption(filterStrategy.optionsSchema, 'filters')).toBe(true);
    expect(isListOption(filterStrategy.optionsSchema, 'weighers')).toBe(true);
    expect(isListOption(filterStrategy.optionsSchema, 'ram_weight_multiplier')).toBe(false);
    expect(isListOption(filterStrategy.optionsSchema, 'no_such_option')).toBe(false);
    expect(isListOption(z.object({ a: z.array(z.int()).optional().nullable() }), 'a')).toBe(true);
  });

  it('--set ram_weight_multiplier=-1,0,1 is three points; --set filters=A,B is one list', () => {
    expect(
      configPoints(
        ['ram_weight_multiplier=-1,0,1', 'filters=RamFilter,CoreFilter'],
        [],
        filterStrategy.optionsSchema,
      ),
    ).toEqual([
      {
        sets: { filters: ['RamFilter', 'CoreFilter'], ram_weight_multiplier: -1 },
        varying: [['ram_weight_multiplier', -1]],
      },
      {
        sets: { filters: ['RamFilter', 'CoreFilter'], ram_weight_multiplier: 0 },
        varying: [['ram_weight_multiplier', 0]],
      },
      {
        sets: { filters: ['RamFilter', 'CoreFilter'], ram_weight_multiplier: 1 },
        varying: [['ram_weight_multiplier', 1]],
      },
    ]);
  });

  it('--sweep with | sweeps lists too, each value read like a --set value', () => {
    expect(parseSweepFlags(['filters=RamFilter,CoreFilter|RamFilter', 'host_subset_size=1|2'])).toEqual([
      { key: 'filters', values: [['RamFilter', 'CoreFilter'], 'RamFilter'] },
      { key: 'host_subset_size', values: [1, 2] },
    ]);
    // 2 filter lists x 2 subset sizes = 4 points, the last dimension fastest.
    const points = configPoints(
      [],
      ['filters=RamFilter,CoreFilter|RamFilter', 'host_subset_size=1|2'],
      filterStrategy.optionsSchema,
    );
    expect(points.map((p) => p.sets)).toEqual([
      { filters: ['RamFilter', 'CoreFilter'], host_subset_size: 1 },
      { filters: ['RamFilter', 'CoreFilter'], host_subset_size: 2 },
      { filters: 'RamFilter', host_subset_size: 1 },
      { filters: 'RamFilter', host_subset_size: 2 },
    ]);
  });

  it('rejects a key swept twice, swept and set, or an empty value', () => {
    expect(() => configPoints(['seed=1'], ['seed=1|2'], filterStrategy.optionsSchema)).toThrow(
      '--sweep seed: also given with --set',
    );
    expect(() => parseSweepFlags(['a=1|2', 'a=3'])).toThrow('--sweep a: given twice');
    expect(() => parseSweepFlags(['a=1||2'])).toThrow('--sweep a=1||2: empty value');
    expect(() => parseSweepFlags(['=1'])).toThrow('expected key=value1|value2');
  });
});

describe('expandMatrix', () => {
  it('a single cell is named after its strategy (the report stays <strategy>.json)', () => {
    const cells = expandMatrix(spec({ setFlags: ['ram_weight_multiplier=2'], seeds: [7] }), registry);
    expect(cells).toEqual([
      {
        index: 0,
        name: 'filter',
        tracePath: 't.csv',
        strategy: 'filter',
        configPath: undefined,
        sets: { ram_weight_multiplier: 2 },
        seed: 7,
        coords: { strategy: 'filter' },
      },
    ]);
  });

  it('is the cartesian product in matrix order, names showing only what varies', () => {
    const cells = expandMatrix(
      spec({
        traces: ['a/x.csv', 'b/y.csv'],
        strategies: ['filter', 'other'],
        configs: ['c1.yaml', 'dir/c2.json'],
        setFlags: ['ram_weight_multiplier=-1,1', 'host_subset_size=2'],
        seeds: [1, 2],
      }),
      registry,
    );
    // 2 traces x 2 strategies x 2 configs x 2 multipliers x 2 seeds = 32 cells.
    expect(cells).toHaveLength(32);
    expect(cells.slice(0, 3).map((c) => c.name)).toEqual([
      'filter__c1__ram_weight_multiplier=-1__x__seed=1',
      'filter__c1__ram_weight_multiplier=-1__x__seed=2',
      'filter__c1__ram_weight_multiplier=1__x__seed=1',
    ]);
    expect(cells[31].name).toBe('other__c2__ram_weight_multiplier=1__y__seed=2');
    expect(cells[31]).toMatchObject({
      tracePath: 'b/y.csv',
      strategy: 'other',
      configPath: 'dir/c2.json',
      sets: { ram_weight_multiplier: 1, host_subset_size: 2 },
      seed: 2,
      coords: {
        strategy: 'other',
        config: 'dir/c2.json',
        ram_weight_multiplier: 1,
        trace: 'b/y.csv',
        seed: 2,
      },
    });
    expect(new Set(cells.map((c) => c.name)).size).toBe(32);
    expect(cells.map((c) => c.index)).toEqual([...Array(32).keys()]);
  });

  it('keeps names unique and file-safe: clashing base names, lists, odd characters, repeats', () => {
    const cells = expandMatrix(
      spec({
        traces: ['a/t.csv', 'b/t.csv'],
        sweepFlags: ['filters=RamFilter,CoreFilter|RamFilter', 'x=a/b|c d'],
      }),
      new Catalog({ strategies: [{ ...filterStrategy, name: 'filter' }] }),
    );
    expect(cells.map((c) => c.name)).toEqual([
      'filter__filters=RamFilter+CoreFilter__x=a_b__t1',
      'filter__filters=RamFilter+CoreFilter__x=c_d__t1',
      'filter__filters=RamFilter__x=a_b__t1',
      'filter__filters=RamFilter__x=c_d__t1',
      'filter__filters=RamFilter+CoreFilter__x=a_b__t2',
      'filter__filters=RamFilter+CoreFilter__x=c_d__t2',
      'filter__filters=RamFilter__x=a_b__t2',
      'filter__filters=RamFilter__x=c_d__t2',
    ]);
    const repeated = expandMatrix(spec({ seeds: [3, 3] }), registry);
    expect(repeated.map((c) => c.name)).toEqual(['filter__seed=3', 'filter__seed=3__n2']);
  });

  it('an unknown strategy is a usage error naming the known ones', () => {
    expect(() => expandMatrix(spec({ strategies: ['magic'] }), registry)).toThrow(
      'unknown strategy "magic" (known: filter, other)',
    );
  });

  it('puts the cell name into the placements file name when there are several cells', () => {
    const [cell] = expandMatrix(spec({ seeds: [1, 2] }), registry);
    expect(cellPlacementsPath('out/p.csv', cell, 2)).toBe('out/p.filter__seed=1.csv');
    expect(cellPlacementsPath('out/p', cell, 2)).toBe('out/p.filter__seed=1');
    expect(cellPlacementsPath('out/p.csv', cell, 1)).toBe('out/p.csv');
  });
});
