import type { CliResult } from './cli-runner.ts';

/** A line of a Node stack trace, as printed by `err.stack`. */
const STACK_LINE = /^\s*at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
/** C0 controls (tab and ESC included), DEL and C1 controls: none may reach a terminal raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Longer than this is no longer "one clear line" (long values must be cut). */
export const MAX_MESSAGE_CHARS = 1000;

export interface Expectation {
  /** Exit codes that mean success or a clean refusal for this command. */
  readonly allowedCodes: readonly number[];
}

/**
 * What is wrong with a CLI run, by the rules every command keeps whatever its input: it ends by
 * itself within the time bound with an allowed exit code (never 3, an internal error); a non-zero
 * exit prints exactly one line `schedbench: ...` with no raw control characters; no stack trace
 * or stray exception anywhere. Empty when the run is fine.
 */
export function problems(r: CliResult, e: Expectation): string[] {
  const out: string[] = [];
  if (r.abnormal) out.push(r.abnormal);
  for (const s of r.stray) out.push(`stray error: ${s.split('\n')[0]}`);
  if (r.code !== null && !e.allowedCodes.includes(r.code)) out.push(`exit code ${r.code}`);
  if (STACK_LINE.test(r.stderr) || STACK_LINE.test(r.stdout)) out.push('stack trace in the output');
  if (/internal error/i.test(r.stderr)) out.push('"internal error" on stderr');
  if (r.code !== null && r.code !== 0) {
    const lines = r.stderr.split('\n');
    if (lines.length !== 2 || lines[1] !== '') out.push(`stderr is ${lines.length - 1} lines, not one`);
    if (!r.stderr.startsWith('schedbench: ')) out.push('stderr does not start with "schedbench: "');
  }
  if (CONTROL.test(r.stderr.replace(/\n/g, ''))) out.push('raw control character on stderr');
  // stdout is a terminal too; tabs and newlines are its only control characters.
  if (CONTROL.test(r.stdout.replace(/[\n\t]/g, ''))) out.push('raw control character on stdout');
  for (const line of r.stderr.split('\n')) {
    if (line.length > MAX_MESSAGE_CHARS) {
      out.push(`a stderr line of ${line.length} chars (more than ${MAX_MESSAGE_CHARS})`);
      break;
    }
  }
  return out;
}

/** A short, printable account of a run for a failure message. */
export function describeRun(r: CliResult): string {
  const cut = (s: string) => JSON.stringify(s.length > 1500 ? `${s.slice(0, 1500)}...` : s);
  return [
    `  argv:   ${JSON.stringify(r.argv)}`,
    `  exit:   ${r.code}${r.abnormal ? ` (${r.abnormal})` : ''} after ${Math.round(r.ms)} ms`,
    `  stderr: ${cut(r.stderr)}`,
    `  stdout: ${cut(r.stdout)}`,
    ...r.stray.map((s) => `  stray:  ${cut(s)}`),
  ].join('\n');
}
