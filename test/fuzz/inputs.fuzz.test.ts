// Fuzz test of every input schedbench reads: random byte edits and
// structured edge-case edits of valid clusters (JSON, YAML), traces, run configs, reports and
// thresholds, each run through the CLI. Whatever the input, a run ends by itself within the time
// bound with exit 0 or one clear `schedbench: ...` line and exit 2 (`check` may also exit 1),
// never 3, never a stack trace or a raw control character, and never writes over an input.
//
// Deterministic: a fixed fast-check seed (printed on failure). Rerun another way with
//   SCHEDBENCH_FUZZ_SEED=7 SCHEDBENCH_FUZZ_RUNS=200 npx vitest run test/fuzz/inputs.fuzz.test.ts
// and list every failure class at once with `npx tsx test/fuzz/explore.ts 200 7`.
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliRunner } from './cli-runner.ts';
import { FUZZ, makeFixture, preview, runCase } from './harness.ts';
import { describeRun } from './outcome.ts';
import {
  clusterJson,
  clusterYaml,
  config,
  type Fixture,
  outputs,
  report,
  TARGETS,
  type Target,
  thresholds,
  trace,
} from './targets.ts';

const none = { structured: [], bytes: [] };

/** The unmutated seeds: each must run clean, or every mutation would be refused for nothing. */
const SEED_CASES: [Target<never>, unknown][] = [
  [clusterJson, none],
  [clusterYaml, none],
  [trace, { m: none, skip: false }],
  [config, none],
  [report, { m: none, command: { cmd: 'compare', out: 'file' }, asDir: false }],
  [report, { m: none, command: { cmd: 'report', out: 'fresh' }, asDir: true }],
  [report, { m: none, command: { cmd: 'check' }, asDir: false }],
  [thresholds, none],
  [outputs, { traceName: 'trace.csv', outDir: 'fresh', placements: 'fresh', bytes: [] }],
] as [Target<never>, unknown][];

describe(`fuzzed inputs (seed ${FUZZ.seed}, ${FUZZ.runs} runs per input kind)`, () => {
  let runner: CliRunner;
  let root: string;
  let fixture: Fixture;
  let failed = false;

  beforeAll(async () => {
    runner = new CliRunner(FUZZ.timeoutMs);
    ({ root, fixture } = await makeFixture(runner));
  });

  afterAll(async () => {
    await runner?.close();
    // A failure's case folder stays, for a look at the mutated file.
    if (root && !failed) rmSync(root, { recursive: true, force: true });
  });

  it('every unmutated seed input runs with exit 0', async () => {
    for (const [target, c] of SEED_CASES) {
      const o = await runCase(target, c as never, runner, fixture, root);
      expect({ target: target.name, code: o.result.code, problems: o.problems }).toEqual({
        target: target.name,
        code: 0,
        problems: [],
      });
    }
  });

  for (const [i, target] of TARGETS.entries()) {
    const seed = FUZZ.seed + i;
    const bound = FUZZ.runs * 3000 + FUZZ.shrinkMs + 3 * FUZZ.timeoutMs + 60_000;
    it(
      `${target.name}: exit 0, or exit 2 with one clear line; never 3, a hang or an input overwritten`,
      async () => {
        // Shrinking stops FUZZ.shrinkMs after the first counterexample (a hang costs a time bound per
        // try): later candidates count as passing, so the smallest failure found by then is reported.
        let firstFailure: number | undefined;
        const property = fc.asyncProperty(target.arbitrary as fc.Arbitrary<unknown>, async (c) => {
          if (firstFailure !== undefined && performance.now() - firstFailure > FUZZ.shrinkMs) return true;
          const o = await runCase(target, c as never, runner, fixture, root);
          if (o.problems.length === 0) return true;
          firstFailure ??= performance.now();
          throw new Error(
            [
              `${o.problems.join('; ')}`,
              describeRun(o.result),
              `  input:  ${o.inv.mutated} ${preview(o.inv.mutated)}`,
            ].join('\n'),
          );
        });
        const details = await fc.check(property, { seed, numRuns: FUZZ.runs });
        if (details.failed) {
          failed = true;
          throw new Error(
            `${target.name}: ${fc.defaultReportMessage(details)}\n` +
              `Got: ${(details.errorInstance as Error | undefined)?.message ?? String(details.errorInstance)}\n` +
              `rerun: SCHEDBENCH_FUZZ_SEED=${FUZZ.seed} SCHEDBENCH_FUZZ_RUNS=${FUZZ.runs} npx vitest run test/fuzz/inputs.fuzz.test.ts`,
          );
        }
        expect(details.numRuns).toBe(FUZZ.runs);
      },
      bound,
    );
  }
});
