// Runs one fuzz case: lays out its files, runs the command, and judges the outcome.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliResult, CliRunner } from './cli-runner.ts';
import { problems } from './outcome.ts';
import {
  type Fixture,
  fingerprints,
  type Invocation,
  setReportSeed,
  type Target,
  trimmedReport,
  writeFixtureInputs,
} from './targets.ts';

/** Settings, from the environment where given (the defaults keep the file to about two minutes). */
export const FUZZ = {
  seed: envInt('SCHEDBENCH_FUZZ_SEED', 12012),
  runs: envInt('SCHEDBENCH_FUZZ_RUNS', 50),
  /** The time bound of one run: small inputs take well under a second; past this it is a hang. */
  timeoutMs: envInt('SCHEDBENCH_FUZZ_TIMEOUT_MS', 15_000),
  /** How long fast-check may shrink a counterexample after finding it. */
  shrinkMs: envInt('SCHEDBENCH_FUZZ_SHRINK_MS', 10_000),
};

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got "${v}"`);
  return n;
}

export interface CaseOutcome {
  readonly inv: Invocation;
  readonly result: CliResult;
  readonly problems: string[];
  readonly ws: string;
}

/** A fresh root folder for a fuzz session, with the fixture (the report made by a real run). */
export async function makeFixture(runner: CliRunner): Promise<{ root: string; fixture: Fixture }> {
  const root = mkdtempSync(join(tmpdir(), 'schedbench-fuzz-'));
  const f = writeFixtureInputs(join(root, 'fixture'));
  const made = join(root, 'seed-run');
  const r = await runner.run([
    'run',
    '--cluster',
    f.cluster,
    '--trace',
    f.trace,
    '--config',
    f.config,
    '--out',
    made,
    '--quiet',
  ]);
  if (r.code !== 0) throw new Error(`the seed run failed (exit ${r.code}): ${r.stderr}`);
  const text = trimmedReport(readFileSync(join(made, 'filter.json'), 'utf8'));
  writeFileSync(f.report, text);
  setReportSeed(text);
  return { root, fixture: f };
}

let nextCase = 0;

/** Run one case in a fresh folder under `root`; the folder is removed unless something is wrong. */
export async function runCase<C>(
  target: Target<C>,
  c: C,
  runner: CliRunner,
  fixture: Fixture,
  root: string,
): Promise<CaseOutcome> {
  const ws = join(root, `case-${++nextCase}`);
  mkdirSync(ws);
  const inv = target.prepare(c, ws, fixture);
  const before = fingerprints(inv.inputs);
  const result = await runner.run(inv.argv);
  const found = problems(result, { allowedCodes: inv.allowedCodes });
  const after = fingerprints(inv.inputs);
  for (const [path, hash] of before) {
    if (after.get(path) !== hash) found.push(`input ${path} was changed by the run`);
  }
  if (found.length === 0) rmSync(ws, { recursive: true, force: true });
  return { inv, result, problems: found, ws };
}

/** The start of the mutated file, escaped, for a failure message. */
export function preview(path: string, max = 400): string {
  try {
    const b = readFileSync(path);
    return `${JSON.stringify(b.subarray(0, max).toString('utf8'))}${b.length > max ? ` ... (${b.length} bytes)` : ''}`;
  } catch {
    return '(gone)';
  }
}
