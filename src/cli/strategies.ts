import type { Command } from 'commander';
import { z } from 'zod';
import { droppedInStrategyFiles } from '../../strategies/plugin/loader.ts';
import { loadPluginFile, resolveStrategy } from '../catalog/bootstrap.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { PluginSet } from '../framework/types.ts';
import type { AnyStrategy } from '../scheduler/strategy.ts';
import { examples } from './help.ts';

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  items?: JsonSchema;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
}

/** One option of a strategy, as `schedbench strategies` shows it. */
export interface OptionInfo {
  readonly name: string;
  readonly type: string;
  readonly default: unknown;
  readonly description: string;
}

/** The options of a strategy's zod schema: name, type, default and description, in schema order. */
export function describeOptions(strategy: AnyStrategy): OptionInfo[] {
  return describeSchema(strategy.optionsSchema);
}

/** The options of a zod object schema: name, type, default and description, in schema order. */
export function describeSchema(optionsSchema: z.ZodType): OptionInfo[] {
  const schema = z.toJSONSchema(optionsSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return Object.entries(schema.properties ?? {}).map(([name, p]) => ({
    name,
    type: typeOf(p),
    default: p.default,
    description: p.description ?? '',
  }));
}

/** The options schema as JSON Schema; a schema zod cannot convert lists no options. */
export function jsonSchemaOf(optionsSchema: z.ZodType): JsonSchema {
  try {
    return z.toJSONSchema(optionsSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return {};
  }
}

function typeOf(p: JsonSchema): string {
  if (p.enum) return p.enum.map(String).join(' | ');
  if (p.type === 'array') return p.items?.type === 'string' ? 'list' : `list of ${typeOf(p.items ?? {})}`;
  if (p.type === 'boolean') return 'true | false';
  if (p.type === 'integer' || p.type === 'number') {
    const bounds: string[] = [p.type];
    if (p.minimum !== undefined) bounds.push(`>= ${p.minimum}`);
    // zod writes int().positive() as exclusiveMinimum 0: for integers that is >= 1.
    if (p.exclusiveMinimum !== undefined)
      bounds.push(p.type === 'integer' ? `>= ${p.exclusiveMinimum + 1}` : `> ${p.exclusiveMinimum}`);
    if (p.maximum !== undefined && p.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`<= ${p.maximum}`);
    return bounds.join(' ');
  }
  return p.type ?? 'value';
}

const show = (v: unknown) => (Array.isArray(v) ? v.join(',') : v === undefined ? '(none)' : String(v));

/**
 * An option per line, indented: `option = default   type: description` (a long default puts its
 * description on the next line instead of widening every line).
 */
export function optionLines(options: readonly OptionInfo[]): string[] {
  const lines: string[] = [];
  const opts = options.map((o) => ({ left: `    ${o.name} = ${show(o.default)}`, o }));
  const width = Math.max(0, ...opts.map(({ left }) => left.length).filter((n) => n <= 44));
  for (const { left, o } of opts) {
    const right = `${o.type}${o.description ? `: ${o.description}` : ''}`;
    if (left.length <= width) lines.push(`${left.padEnd(width)}  ${right}`);
    else lines.push(left, `${' '.repeat(width + 2)}${right}`);
  }
  return lines;
}

/** The listing: each strategy, its description, then `option = default   type: description`. */
export function formatStrategies(strategies: readonly AnyStrategy[], catalog: PluginSet): string {
  const lines: string[] = [];
  const nameWidth = Math.max(...strategies.map((s) => s.name.length));
  for (const s of strategies) {
    lines.push(`${s.name.padEnd(nameWidth)}  ${s.description}`);
    lines.push(...optionLines(describeOptions(s)));
    lines.push('');
  }
  lines.push(`filters:  ${[...catalog.filters.keys()].join(', ')} (see \`schedbench filters\`)`);
  lines.push(`weighers: ${[...catalog.weighers.keys()].join(', ')} (see \`schedbench weighers\`)`);
  return lines.join('\n');
}

/** `schedbench strategies`: every built-in strategy, those dropped into strategies/, and plugins. */
export function registerStrategies(program: Command, catalog: Catalog): void {
  program
    .command('strategies')
    .description('list the strategies with a one-line description and their options (--set key=value)')
    .option(
      '--plugin <file>',
      'also load filters, weighers or strategies from a file (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print the list as JSON, options as JSON Schema')
    .addHelpText(
      'after',
      examples('schedbench strategies', 'schedbench strategies --plugin ./my-strategy.ts --json'),
    )
    .action(async (flags: { plugin: string[]; json?: boolean }) => {
      for (const file of flags.plugin) await loadPluginFile(file, catalog);
      for (const name of droppedInStrategyFiles(catalog).keys()) await resolveStrategy(name, catalog);
      const strategies = catalog.list();
      if (flags.json) {
        const out = strategies.map((s) => ({
          name: s.name,
          description: s.description,
          options: jsonSchemaOf(s.optionsSchema),
        }));
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatStrategies(strategies, catalog)}\n`);
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
