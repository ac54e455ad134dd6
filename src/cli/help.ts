// How every command's help reads: required options marked, defaults as commander holds them
// (never written into a description), examples per command, the docs at the end.
import { sep } from 'node:path';
import type { Command, HelpConfiguration, Option } from 'commander';
import { packagePath } from '../common/package-root.ts';
import { safeMessage } from '../common/safe-text.ts';

const README = packagePath('README.md');
const DOCS = packagePath('docs') + sep;

/** A default as a user types it: `reports`, `filter`, `1,2`; JSON only where that is clearer. */
function showValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(showValue).join(',');
  return JSON.stringify(v);
}

/**
 * The description of an option: its text, then `(required)`, its choices and its default, from
 * the Option itself. A default that only a description can give (`the number of cores`, `no
 * limit`) is declared with `.default(value, description)`, or `.default(undefined, description)`
 * when the value is worked out later; a repeatable flag's empty list is no default worth showing.
 */
export function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.mandatory) extra.push('required');
  if (option.argChoices) extra.push(`one of: ${option.argChoices.join(', ')}`);
  const takesValue = option.required || option.optional;
  const emptyList = Array.isArray(option.defaultValue) && option.defaultValue.length === 0;
  if (takesValue && !emptyList && (option.defaultValue !== undefined || option.defaultValueDescription))
    extra.push(`default: ${option.defaultValueDescription || showValue(option.defaultValue)}`);
  if (option.envVar !== undefined) extra.push(`env: ${option.envVar}`);
  if (extra.length === 0) return option.description;
  return `${option.description ? `${option.description} ` : ''}(${extra.join('; ')})`;
}

/** The help settings every command inherits (set on the program before commands are added). */
export const HELP_CONFIG: HelpConfiguration = { optionDescription, showGlobalOptions: false };

/** An "Examples:" block for `addHelpText('after', ...)`. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => (l.startsWith('#') ? `  ${l}` : `  $ ${l}`)).join('\n')}`;
}

/** What ends every help text: where the documentation is. */
export function docsFooter(): string {
  return `\nDocs: ${README} (and ${DOCS})`;
}

/**
 * Commander's error as schedbench's one line: `schedbench: ` instead of `error: `, its "Did you
 * mean" hint on the same line, the echoed value made safe (a control character or newline in an
 * argument cannot recolour the terminal or forge a second line), and where to read the usage.
 */
export function commanderErrorLine(s: string, command = 'schedbench'): string {
  const text = s
    .replace(/\n+$/, '')
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean /, ' (Did you mean ');
  return `schedbench: ${safeMessage(text)}${helpHint(command)}\n`;
}

/** The usage hint a usage error ends with: `; see \`schedbench run --help\``. */
export function helpHint(command: string): string {
  return `; see \`${command} --help\``;
}

/** The full name of a command as typed: `schedbench run`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Let each command's parsing errors point at its own help; call once every command is
 * registered (configureOutput is copied to a subcommand when it is made, so each gets its own).
 */
export function pointErrorsAtHelp(program: Command): void {
  for (const cmd of [program, ...program.commands]) {
    cmd.configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(commanderErrorLine(s, commandPath(cmd))),
    });
  }
}
