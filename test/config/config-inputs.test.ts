// Config keys named after Object.prototype members are ordinary (unknown) keys, and ratios and
// multipliers are bounded at the edge, for a config file and for --set alike.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/common/errors.ts';
import { loadRunConfig, parseSetFlags } from '../../src/config/run-config.ts';
import { configPoints } from '../../src/config/sweep.ts';
import { cachingStrategy } from '../../strategies/caching/index.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { tempDir } from '../helpers/replay.ts';

function file(text: string, name = 'cfg.json'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

function error(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('config: keys named after Object.prototype members', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'a config file key %j is an unknown option naming the file, line and key',
    (key) => {
      const path = file(`{\n  "seed": 1,\n  "${key}": 5\n}\n`);
      const err = error(() => loadRunConfig(filterStrategy, path));
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toBe(`${path}:3: ${key}: unknown option "${key}" for strategy filter`);
    },
  );

  it.each(['__proto__', 'constructor', 'valueOf'])('--set %s=5 is an unknown option', (key) => {
    const sets = parseSetFlags([`${key}=5`]);
    expect(Object.keys(sets)).toEqual([key]);
    const err = error(() => loadRunConfig(filterStrategy, undefined, sets));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`--set ${key}: unknown option "${key}" for strategy filter`);
  });

  it('a swept __proto__ stays an own key of every config point', () => {
    const points = configPoints(['__proto__=1,2'], [], filterStrategy.optionsSchema);
    expect(points.map((p) => Object.entries(p.sets))).toEqual([[['__proto__', 1]], [['__proto__', 2]]]);
    const fixed = configPoints(['__proto__=1'], [], filterStrategy.optionsSchema);
    expect(Object.entries(fixed[0].sets)).toEqual([['__proto__', 1]]);
  });
});

describe('config: ratios and multipliers are bounded', () => {
  it.each<[string, string]>([
    [
      'cpu_allocation_ratio=1e308',
      '--set cpu_allocation_ratio: expected a ratio greater than 0 and at most 1000',
    ],
    [
      'ram_allocation_ratio=1000.01',
      '--set ram_allocation_ratio: expected a ratio greater than 0 and at most 1000',
    ],
    ['disk_allocation_ratio=0', '--set disk_allocation_ratio: Too small: expected number to be >0'],
    [
      'ram_weight_multiplier=1e308',
      '--set ram_weight_multiplier: expected a multiplier from -1000000 to 1000000',
    ],
    [
      'cpu_weight_multiplier=-1e7',
      '--set cpu_weight_multiplier: expected a multiplier from -1000000 to 1000000',
    ],
    // max_attempts=1e9 with no filters looped for ever (every claim fails, every retry is a new pass).
    ['max_attempts=1000000000', '--set max_attempts: Too big: expected number to be <=1000'],
    ['max_attempts=0', '--set max_attempts: Too small: expected number to be >0'],
    [
      'soft_affinity_weight_multiplier=2e6',
      '--set soft_affinity_weight_multiplier: expected a multiplier from -1000000 to 1000000',
    ],
  ])('--set %s is refused', (flag, message) => {
    expect(() => loadRunConfig(filterStrategy, undefined, parseSetFlags([flag]))).toThrow(message);
  });

  it('a ratio of 1e308 in a config file names the file, line and key', () => {
    const path = file('seed: 1\ncpu_allocation_ratio: 1e308\n', 'cfg.yaml');
    expect(() => loadRunConfig(filterStrategy, path)).toThrow(
      `${path}:2: cpu_allocation_ratio: expected a ratio greater than 0 and at most 1000`,
    );
  });

  it('accepts the edges: ratio 1000, multipliers of ±1,000,000', () => {
    const c = loadRunConfig(
      filterStrategy,
      undefined,
      parseSetFlags([
        'cpu_allocation_ratio=1000',
        'ram_weight_multiplier=-1000000',
        'disk_weight_multiplier=1000000',
      ]),
    );
    expect(c.common.cpu_allocation_ratio).toBe(1000);
    expect(c.strategyOptions).toMatchObject({ ram_weight_multiplier: -1e6, disk_weight_multiplier: 1e6 });
  });

  it('caching workers are at most 1000 (each holds a copy of host usage, created up front)', () => {
    expect(() => loadRunConfig(cachingStrategy, undefined, parseSetFlags(['workers=1000000000']))).toThrow(
      '--set workers: Too big: expected number to be <=1000',
    );
    const c = loadRunConfig(cachingStrategy, undefined, parseSetFlags(['workers=1000']));
    expect(c.strategyOptions).toMatchObject({ workers: 1000 });
  });

  it('refuses a config that is /dev/zero', () => {
    expect(() => loadRunConfig(filterStrategy, '/dev/zero')).toThrow(
      '/dev/zero: is a character device, expected a regular file',
    );
  });
});
