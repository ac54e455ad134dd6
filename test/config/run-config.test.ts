import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig, parseSetFlags } from '../../src/config/run-config.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { tempDir } from '../helpers/replay.ts';

function file(text: string, name = 'cfg.yaml'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

describe('run config', () => {
  it("defaults to Nova's options", () => {
    const c = loadRunConfig(filterStrategy, undefined);
    expect(c.common).toEqual({ seed: 0, max_attempts: 3, multi_create: 'each' });
    expect(c.strategyOptions).toMatchObject({
      weighers: ['RAMWeigher'],
      host_subset_size: 1,
      io_ops_weight_multiplier: -1,
    });
  });

  it('reads a YAML file; --set wins over the file and --seed over both', () => {
    const path = file('seed: 4\nram_weight_multiplier: -1.0\nweighers: [RAMWeigher, CPUWeigher]\n');
    const c = loadRunConfig(
      filterStrategy,
      path,
      parseSetFlags(['ram_weight_multiplier=2', 'filters=RamFilter,CoreFilter']),
      9,
    );
    expect(c.common.seed).toBe(9);
    expect(c.strategyOptions).toMatchObject({
      ram_weight_multiplier: 2,
      weighers: ['RAMWeigher', 'CPUWeigher'],
      filters: ['RamFilter', 'CoreFilter'],
    });
  });

  it('names the file, line and key of a wrong type or an unknown key', () => {
    const path = file('seed: 1\nhost_subset_size: two\n');
    expect(() => loadRunConfig(filterStrategy, path)).toThrow(
      `${path}:2: host_subset_size: Invalid input: expected number, received string`,
    );
    const typo = file('seed: 1\n\nram_weight_multipler: 1\n');
    expect(() => loadRunConfig(filterStrategy, typo)).toThrow(
      `${typo}:3: ram_weight_multipler: unknown option "ram_weight_multipler" for strategy filter`,
    );
  });

  it('a single name given to a list option is a list of one', () => {
    const c = loadRunConfig(filterStrategy, undefined, parseSetFlags(['weighers=CPUWeigher']));
    expect(c.strategyOptions).toMatchObject({ weighers: ['CPUWeigher'] });
  });

  it('names the --set flag of a bad value', () => {
    expect(() => loadRunConfig(filterStrategy, undefined, parseSetFlags(['max_attempts=0']))).toThrow(
      /^--set max_attempts: Too small/,
    );
    expect(() => loadRunConfig(filterStrategy, undefined, parseSetFlags(['nope=1']))).toThrow(
      '--set nope: unknown option "nope" for strategy filter',
    );
    expect(() => parseSetFlags(['novalue'])).toThrow('--set novalue: expected key=value');
  });
});
