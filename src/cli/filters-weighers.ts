import type { Command } from 'commander';
import { z } from 'zod';
import { loadPluginFile } from '../catalog/bootstrap.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { DEFAULT_FILTERS, DEFAULT_WEIGHERS, GPU_FILTER } from '../framework/options.ts';
import type { FilterDefinition, WeigherDefinition } from '../framework/types.ts';
import { collect } from './matrix-options.ts';
import { describeSchema, jsonSchemaOf, optionLines } from './strategies.ts';

type Kind = 'filters' | 'weighers';
type Definition = FilterDefinition | WeigherDefinition;

/** Where a definition stands in the `filter` strategy's defaults, for the listing. */
function defaultNote(kind: Kind, name: string): string {
  const defaults: readonly string[] = kind === 'filters' ? DEFAULT_FILTERS : DEFAULT_WEIGHERS;
  if (defaults.includes(name)) return ' [default]';
  if (kind === 'filters' && name === GPU_FILTER) return ' [default on a cluster with GPUs]';
  return '';
}

/** The listing: each filter or weigher, its one line, then `option = default   type: description`. */
export function formatDefinitions(kind: Kind, defs: readonly Definition[]): string {
  const width = Math.max(...defs.map((d) => d.name.length));
  const lines: string[] = [];
  for (const d of defs) {
    lines.push(`${d.name.padEnd(width)}  ${d.description ?? '(no description)'}${defaultNote(kind, d.name)}`);
    lines.push(...optionLines(describeSchema(z.object(d.options))));
  }
  const list = kind === 'filters' ? 'filters=A,B,...' : 'weighers=A,B,...';
  lines.push(
    '',
    `[default]: in the filter strategy's default list. Choose with --set ${list}; options are set`,
    'with --set key=value (or filter.key=value for the filter strategy alone in a matrix).',
  );
  return lines.join('\n');
}

/** `schedbench filters` or `schedbench weighers`: the built-in ones and those of `--plugin` files. */
function registerList(program: Command, catalog: Catalog, kind: Kind): void {
  const what = kind === 'filters' ? 'host filters' : 'host weighers';
  program
    .command(kind)
    .description(
      `list the ${what} strategies built on Nova's FilterScheduler can name, with their options and defaults`,
    )
    .option('--plugin <file>', `also load ${kind} from a file (repeatable)`, collect, [])
    .option('--json', 'print the list as JSON, options as JSON Schema')
    .addHelpText(
      'after',
      `\nExamples:\n  $ schedbench ${kind}\n  $ schedbench ${kind} --plugin ./my-${kind.slice(0, -1)}.ts --json`,
    )
    .action(async (flags: { plugin: string[]; json?: boolean }) => {
      for (const file of flags.plugin) await loadPluginFile(file, catalog);
      const defs: Definition[] = [...(kind === 'filters' ? catalog.filters : catalog.weighers).values()];
      if (flags.json) {
        const out = defs.map((d) => ({
          name: d.name,
          description: d.description ?? null,
          options: jsonSchemaOf(z.object(d.options)),
        }));
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else process.stdout.write(`${formatDefinitions(kind, defs)}\n`);
    });
}

/** `schedbench filters` and `schedbench weighers`. */
export function registerFiltersAndWeighers(program: Command, catalog: Catalog): void {
  registerList(program, catalog, 'filters');
  registerList(program, catalog, 'weighers');
}
