import { ContractError } from '../common/errors.ts';

/** Reasons an instance ends in ERROR, as Nova words them. */
export const NO_VALID_HOST = 'No valid host was found.';
export const MAX_RETRIES = 'Exceeded maximum number of retries.';

/**
 * Zed mode: the cause (`emptiedBy`) a NoValidHost names when Placement returned no allocation
 * candidate, so no filter ran.
 */
export const PLACEMENT = 'Placement';

/**
 * A filter raised while it evaluated a host (in Nova, e.g. `float()` of a non-numeric value in
 * extra_specs_ops). The scheduling call fails and the instance goes to ERROR.
 */
export class SchedulingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchedulingError';
  }
}

/** Where a plugin failed: loading its file, parsing its options, creating it, deciding or explaining. */
export type PluginPhase =
  | 'load'
  | 'options'
  | 'create'
  | 'decision'
  | `decision (request ${string})`
  | `explaining a rejection (request ${string})`
  | 'end of replay';

/**
 * A plugin (a `--plugin` file, a `--strategy FILE`, a strategies/ drop-in) failed or broke the
 * contract: the user's code, not schedbench's. One line, `plugin FILE: PHASE: reason`; exit code 2,
 * cell error kind `plugin`.
 */
export class PluginError extends Error {
  constructor(
    readonly plugin: string,
    readonly phase: PluginPhase,
    readonly reason: string,
  ) {
    super(`plugin ${plugin}: ${phase}: ${reason}`);
    this.name = 'PluginError';
  }
}

/** The one-line reason of anything a plugin threw (`null`, a string, an Error...). */
export function thrownReason(err: unknown): string {
  if (err instanceof Error) {
    // A headline that ends in a colon announces its detail on the next line (esbuild's "Transform
    // failed with 1 error:" then "file:line:col: ERROR: reason"): both, on one line.
    const [head, ...rest] = String(err.message).split('\n');
    const detail = rest.map((l) => l.trim()).find((l) => l !== '');
    return (head.trimEnd().endsWith(':') && detail ? `${head.trim()} ${detail}` : head) || err.name;
  }
  if (typeof err === 'string') return `threw "${err.split('\n')[0]}"`;
  if (err === null || err === undefined || typeof err !== 'object') return `threw ${String(err)}`;
  return 'threw a non-Error object';
}

const pluginFiles = new WeakMap<object, string>();

/** Mark a driver as a plugin's, so contract errors the manager finds name the file. */
export function markPluginDriver(driver: object, file: string): void {
  pluginFiles.set(driver, file);
}

/**
 * The error for a contract broken by `driver`: a PluginError naming the file for a plugin's driver,
 * otherwise a ContractError (an internal error: built-in strategies are schedbench's own code).
 */
export function contractError(driver: { readonly name: string }, phase: PluginPhase, reason: string): Error {
  const file = pluginFiles.get(driver);
  const message = `strategy "${driver.name}" ${reason}`;
  return file === undefined ? new ContractError(message) : new PluginError(file, phase, message);
}
