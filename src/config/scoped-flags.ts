import type { z } from 'zod';
import { UsageError } from '../common/errors.ts';
import { hasOption } from './sweep.ts';

/** A strategy of the run: its name and options schema. */
export interface RunStrategy {
  readonly name: string;
  readonly optionsSchema: z.ZodType;
}

interface ScopedFlag {
  /** The strategy it is scoped to; undefined for an unscoped key. */
  readonly scope: string | undefined;
  /** The flag with the scope taken off (`key=value`). */
  readonly flag: string;
  readonly key: string;
}

/**
 * Split `strategy.key=value` into its scope and `key=value`. The scope is the longest strategy name
 * of the run followed by a dot; a key with a dot that names no strategy of the run (and is no
 * option of one) is refused naming its prefix.
 */
function scopeOf(flag: string, flagName: string, run: readonly RunStrategy[]): ScopedFlag {
  const eq = flag.indexOf('=');
  const key = (eq < 0 ? flag : flag.slice(0, eq)).trim();
  const value = eq < 0 ? '' : flag.slice(eq);
  const scope = run
    .map((s) => s.name)
    .filter((name) => key.startsWith(`${name}.`) && key.length > name.length + 1)
    .sort((a, b) => b.length - a.length)[0];
  if (scope !== undefined) {
    const inner = key.slice(scope.length + 1);
    const schema = run.find((s) => s.name === scope)?.optionsSchema;
    if (eq > 0 && schema && !hasOption(schema, inner))
      throw new UsageError(
        `${flagName} ${key}: unknown option "${inner}" for strategy ${scope}; see \`schedbench strategies\` (or --help)`,
      );
    return { scope, flag: `${inner}${value}`, key: inner };
  }
  const dot = key.indexOf('.');
  const bare = run.find((s) => key === `${s.name}.`);
  if (bare) throw new UsageError(`${flagName} ${key}: no option name after "${bare.name}."`);
  if (eq > 0 && dot > 0 && !run.some((s) => hasOption(s.optionsSchema, key))) {
    const names = run.map((s) => s.name).join(', ');
    throw new UsageError(
      `${flagName} ${key}: "${key.slice(0, dot)}" is not a strategy of this run (strategies: ${names})`,
    );
  }
  return { scope: undefined, flag, key };
}

/**
 * The `--set` (or `--sweep`) flags that apply to `strategy` in a run of the strategies `run`:
 * `strategy.key=value` applies to that strategy only; an unscoped `key=value` applies to every
 * strategy of the run that has option `key` (a common option such as `seed` to all of them), and
 * is an error only when none has it. With a single strategy every unscoped flag applies (its
 * validation names an unknown key). Scoped values come after unscoped ones, so they win.
 */
export function flagsForStrategy(
  flags: readonly string[],
  flagName: '--set' | '--sweep',
  strategy: string,
  run: readonly RunStrategy[],
): string[] {
  const parsed = flags.map((f) => scopeOf(f, flagName, run));
  const unscoped: string[] = [];
  const scoped: string[] = [];
  for (const p of parsed) {
    if (p.scope !== undefined) {
      if (p.scope === strategy) scoped.push(p.flag);
      continue;
    }
    const owners = run.filter((s) => hasOption(s.optionsSchema, p.key));
    if (run.length > 1 && owners.length === 0 && p.flag.includes('=')) {
      throw new UsageError(
        `${flagName} ${p.key}: unknown option "${p.key}" for every strategy of this run ` +
          `(${run.map((s) => s.name).join(', ')}); see \`schedbench strategies\``,
      );
    }
    if (run.length === 1 || owners.some((s) => s.name === strategy)) unscoped.push(p.flag);
  }
  return [...unscoped, ...scoped];
}

/** A flag's key without its strategy scope (for messages naming the flag of a key). */
export function unscopedKey(key: string, run: readonly RunStrategy[]): string {
  return scopeOf(`${key}=`, '--set', run).key;
}
