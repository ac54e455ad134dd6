// The CLI as the tests drive it: bin/schedbench.js in a child process, or main() in this one.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

export const BIN = join(import.meta.dirname, '../../bin/schedbench.js');

/** What one CLI run did (`code` is null and `signal` set when the child was killed). */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run bin/schedbench.js with `args` (in `cwd`), as a user would; killed after `timeout` ms (a hang guard, default 2 minutes). */
export function cli(args: readonly string[], cwd?: string, opts: { timeout?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd,
    timeout: opts.timeout ?? 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Run main() in this process with stdout silenced; its exit code and what it wrote to stderr. */
export async function cliInProcess(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(args), stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

/**
 * Spawn bin/schedbench.js without waiting (to signal it while it runs); `exited` resolves when it
 * ends (it is killed after `guardMs`: a hang fails the test), `stderr()` is what it wrote so far.
 */
export function startCli(
  args: readonly string[],
  o: { cwd?: string; env?: NodeJS.ProcessEnv; guardMs?: number } = {},
): { child: ChildProcess; exited: Promise<CliResult>; stderr: () => string } {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), o.guardMs ?? 60_000);
  const exited = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, exited, stderr: () => stderr };
}

/** Wait until `ready()` holds (polling), or fail after `ms`. */
export async function until(ready: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
