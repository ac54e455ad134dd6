import { pathToFileURL } from 'node:url';

/**
 * Guards the CLI's process against code it does not control, which is plugin code loaded in the
 * main thread (to validate it): `process.exit` is replaced by a stub that throws, and an error no
 * one caught (thrown from a timer, an unhandled rejection) ends the run with one line and a
 * non-zero code instead of a Node stack trace. Only bin/schedbench.js installs it: in-process
 * tests keep their own process.
 */

const realExit = process.exit.bind(process);
const pluginFiles = new Set<string>();
const exitHooks = new Set<() => void>();
let installed = false;

/** Thrown by the process.exit stub. */
export class ProcessExitCalled extends Error {
  constructor(readonly exitCode: number | string | null | undefined) {
    super(`process.exit(${exitCode ?? ''}) was called`);
    this.name = 'ProcessExitCalled';
  }
}

/** Remember a plugin file loaded in this thread, to name it when an error comes from its code. */
export function notePluginFile(path: string): void {
  pluginFiles.add(path);
}

/** Run `hook` (synchronously) if the process is ended early, e.g. to remove temp files; returns its removal. */
export function onForcedExit(hook: () => void): () => void {
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

/** End the process now with `code`, after the hooks: a second signal, or an uncaught error. */
export function forceExit(code: number): never {
  for (const hook of exitHooks) {
    try {
      hook();
    } catch {
      // Exiting anyway: a failing clean-up must not hide the reason.
    }
  }
  return realExit(code);
}

/** The plugin file whose code is in the error's stack, if any. */
function pluginIn(err: unknown): string | undefined {
  const stack = String((err as Error | null)?.stack ?? '');
  for (const file of pluginFiles)
    if (stack.includes(file) || stack.includes(pathToFileURL(file).href)) return file;
  return undefined;
}

/** The one line for an error that escaped everything, and the exit code (2 a plugin's, 3 ours). */
export function uncaughtLine(err: unknown, how: string): { line: string; code: number } {
  const message = String((err as Error | null)?.message ?? err).split('\n')[0];
  const plugin = pluginIn(err);
  if (plugin !== undefined)
    return { line: `schedbench: ${plugin}: plugin error (${how}): ${message}`, code: 2 };
  if (err instanceof ProcessExitCalled)
    return { line: `schedbench: ${message} outside schedbench (by a plugin?): stopped`, code: 2 };
  return { line: `schedbench: internal error (${how}): ${message}`, code: 3 };
}

/** Install the guard (once). */
export function installProcessGuard(): void {
  if (installed) return;
  installed = true;
  process.exit = ((code?: number | string | null) => {
    throw new ProcessExitCalled(code);
  }) as typeof process.exit;
  const die = (how: string) => (err: unknown) => {
    const { line, code } = uncaughtLine(err, how);
    process.stderr.write(`${line}\n`);
    if (process.env.SCHEDBENCH_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    forceExit(code);
  };
  // A reader that went away (`schedbench ... | head`): the rest of stdout is dropped, and the
  // command still finishes with its own exit code (a gate must not pass because its reader left).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
  process.on('uncaughtException', die('uncaught exception outside a decision'));
  process.on('unhandledRejection', die('unhandled promise rejection'));
}
