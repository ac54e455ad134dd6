// Same inputs and seed, same decisions, for every built-in strategy; the seed matters for the
// strategies that draw (chance, weighted, power-of-two).
import { describe, expect, it } from 'vitest';
import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import { generated, run } from './support.ts';

const { spec, lines } = generated(7);
const placements = async (name: string, seed: number) => {
  const strategy = BUILTIN_STRATEGIES.find((s) => s.name === name)!;
  const { log } = await run(strategy, spec, lines, { seed });
  return log.outcomes.map((o) => `${o.id}:${o.host}:${o.attempts}`);
};

describe('determinism', () => {
  it.each(BUILTIN_STRATEGIES.map((s) => s.name))(
    '%s: the same seed gives identical decisions',
    async (name) => {
      const a = await placements(name, 5);
      expect(a.length).toBeGreaterThan(1000);
      expect(await placements(name, 5)).toEqual(a);
    },
  );

  it.each(['chance', 'weighted', 'power-of-two'])(
    '%s: different seeds give different decisions',
    async (name) => {
      const a = await placements(name, 1);
      const b = await placements(name, 2);
      expect(b).toHaveLength(a.length);
      expect(b).not.toEqual(a);
    },
  );
});
