// The README's "Write your own strategy" example is examples/cpu-headroom.ts, byte for byte, and
// runs through the real CLI (bin/schedbench.js registers tsx, so the .ts file is imported as is).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.ts';
import { cli, EXPECTED, ROOT, workDir } from './support.ts';

/** The ```ts blocks of the README section "Write your own strategy", in order. */
function readmeBlocks(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Write your own strategy');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe('README "Write your own strategy"', () => {
  it('shows the example files verbatim, and the first is under 40 lines', () => {
    const [fast, simple] = readmeBlocks();
    expect(fast).toBe(readFileSync(join(ROOT, 'examples/cpu-headroom.ts'), 'utf8'));
    expect(simple).toBe(readFileSync(join(ROOT, 'examples/cpu-headroom-simple.ts'), 'utf8'));
    expect(fast.trimEnd().split('\n').length).toBeLessThan(40);
  });

  it.each([
    ['examples/cpu-headroom.ts', 'cpu-headroom'],
    ['examples/cpu-headroom-simple.ts', 'cpu-headroom-simple'],
  ])('schedbench run --strategy %s places as worked out by hand', (file, name) => {
    const dir = workDir();
    const res = cli(
      [
        'run',
        '--cluster',
        'cluster.json',
        '--trace',
        'trace.csv',
        '--strategy',
        join(ROOT, file),
        '--set',
        'headroom=2',
        '--placements',
        'p.csv',
        '--out',
        'out',
        '--quiet',
      ],
      dir,
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(readFileSync(join(dir, 'p.csv'), 'utf8')).toBe(`${EXPECTED.join('\n')}\n`);
    const report = reportSchema.parse(JSON.parse(readFileSync(join(dir, `out/${name}.json`), 'utf8')));
    expect(report.inputs.strategy).toBe(name);
    expect(report.inputs.config).toMatchObject({ headroom: 2 });
    expect(report.placement).toMatchObject({ placed: 4, no_valid_host: 1 });
  });
});
