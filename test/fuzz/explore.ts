// Explore: run many fuzz cases without stopping at the first failure, and print every distinct
// failure class with its smallest example. Not a test; for finding what still breaks:
//   npx tsx test/fuzz/explore.ts [runs per target] [seed] [target name substring]
import fc from 'fast-check';
import { CliRunner } from './cli-runner.ts';
import { FUZZ, makeFixture, preview, runCase } from './harness.ts';
import { describeRun } from './outcome.ts';
import { TARGETS } from './targets.ts';

const runs = Number(process.argv[2] ?? 200);
const seed = Number(process.argv[3] ?? FUZZ.seed);
const only = process.argv[4];

/** A failure's class: what went wrong and the message with paths, numbers and values blanked. */
function signature(target: string, problems: string[], stderr: string): string {
  const msg = (stderr.split('\n').find((l) => l.trim() !== '') ?? '')
    .replace(/\/tmp\/schedbench-fuzz-[^\s:,)"']*/g, 'PATH')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, 'N')
    .slice(0, 140);
  const what = problems.map((p) => p.replace(/\d+/g, 'N').replace(/\/tmp\/\S+/g, 'PATH')).join('; ');
  return `${target} | ${what} | ${msg}`;
}

const runner = new CliRunner(FUZZ.timeoutMs);
const { root, fixture } = await makeFixture(runner);
const classes = new Map<string, { count: number; example: string; size: number }>();
const started = performance.now();
for (const [i, target] of TARGETS.entries()) {
  if (only && !target.name.includes(only)) continue;
  const t0 = performance.now();
  const cases = fc.sample(target.arbitrary as fc.Arbitrary<unknown>, { seed: seed + i, numRuns: runs });
  let bad = 0;
  const codes = new Map<string, number>();
  const refusals = new Map<string, number>();
  for (const c of cases) {
    const o = await runCase(target as never, c as never, runner, fixture, root);
    const code = String(o.result.code ?? o.result.abnormal);
    codes.set(code, (codes.get(code) ?? 0) + 1);
    if (o.result.code === 2) {
      const why = signature('', [], o.result.stderr).split(' | ')[2].slice(0, 90);
      refusals.set(why, (refusals.get(why) ?? 0) + 1);
    }
    if (o.problems.length === 0) continue;
    bad++;
    const sig = signature(target.name, o.problems, o.result.stderr);
    const size = JSON.stringify(c).length;
    const prev = classes.get(sig);
    const example = `${JSON.stringify(c)}\n${describeRun(o.result)}\n  problems: ${o.problems.join('; ')}\n  mutated:  ${o.inv.mutated} ${preview(o.inv.mutated, 200)}`;
    if (!prev) classes.set(sig, { count: 1, example, size });
    else {
      prev.count++;
      if (size < prev.size) Object.assign(prev, { example, size });
    }
  }
  console.log(
    `${target.name}: ${cases.length} cases, ${bad} bad, ${((performance.now() - t0) / 1000).toFixed(1)} s, exit codes ${JSON.stringify(Object.fromEntries(codes))}`,
  );
  if (process.env.VERBOSE)
    for (const [why, n] of [...refusals].sort((a, b) => b[1] - a[1]).slice(0, 12))
      console.log(`    ${n} x ${why}`);
}
await runner.close();
console.log(
  `\n${classes.size} failure classes in ${((performance.now() - started) / 1000).toFixed(1)} s (root ${root})\n`,
);
for (const [sig, c] of [...classes].sort()) console.log(`### ${sig}  (x${c.count})\n${c.example}\n`);
