import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  type GeneratorInput,
  type GeneratorOptions,
  generatorOptionsSchema,
} from '../../src/generate/options.ts';
import { generateTrace } from '../../src/generate/trace.ts';

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'schedbench-gen-'));

export const options = (input: GeneratorInput): GeneratorOptions => generatorOptionsSchema.parse(input);

/** Generate a trace into a fresh directory and parse it as plain CSV records (header as keys). */
export function generateRecords(input: GeneratorInput): { path: string; records: Record<string, string>[] } {
  const path = join(tmp(), 'trace.csv');
  generateTrace(options(input), path);
  const records = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
  return { path, records };
}

/** Arrivals: creates and deletes of ids never created (delete rows of live ids follow a create). */
export const arrivals = (records: readonly Record<string, string>[]) =>
  records.filter((r) => r.event === 'create' || r.id.startsWith('ghost'));
