import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { hostShapeFields } from '../cluster/host-shape.ts';
import { size } from '../common/bounds.ts';
import { InputError } from '../common/errors.ts';
import { readWholeFile } from '../common/read-whole-file.ts';
import { formatPath, readStructuredFile } from '../common/structured-file.ts';
import type { MixFlavor, MixHostShape } from './options.ts';

const weight = z.number().nonnegative().finite().default(1);

const flavorEntry = z
  .strictObject({
    name: z.string().optional(),
    vcpus: size(),
    memory_mb: size(),
    disk_gb: size().default(0),
    gpus: z.int().min(0).max(64).default(0),
    gpu_milli: z.int().min(0).max(1000).optional(),
    gpu_spec: z
      .string()
      .regex(/^[^,\s]*$/, 'models separated by "|", no "," or space')
      .default(''),
    weight,
  })
  .superRefine((f, ctx) => {
    const milli = f.gpu_milli ?? 0;
    if (f.gpus === 0 && milli !== 0)
      ctx.addIssue({ code: 'custom', path: ['gpu_milli'], message: 'must be 0 or empty when gpus is 0' });
    if (milli > 0 && milli < 1000 && f.gpus !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['gpu_milli'],
        message: 'a share of a GPU (1..999) needs gpus = 1',
      });
    if (f.gpus > 0 && f.gpu_milli === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['gpu_milli'],
        message: 'must be 1..1000 (or empty) when gpus > 0',
      });
  });

const shapeEntry = z.strictObject({ name: z.string().optional(), ...hostShapeFields, weight });

/** A file's entries: a list, or a mapping whose `key` holds the list. */
const listOf = <T extends z.ZodType>(entry: T, key: string) =>
  z.preprocess(
    (v) => (Array.isArray(v) ? { [key]: v } : v),
    z.strictObject({ [key]: z.array(entry).min(1) }),
  );

/** Read a flavor mix: YAML/JSON (a list, or `flavors:` holding one) or CSV with a header. */
export function loadFlavorMix(path: string): MixFlavor[] {
  const rows = readEntries(path, flavorEntry, 'flavors');
  checkWeights(path, rows);
  return rows.map((f) => ({
    vcpus: f.value.vcpus,
    memoryMb: f.value.memory_mb,
    diskGb: f.value.disk_gb,
    gpus: f.value.gpus,
    gpuMilli: f.value.gpus === 0 ? 0 : (f.value.gpu_milli ?? 1000),
    gpuSpec: f.value.gpu_spec,
    weight: f.value.weight,
  }));
}

/** Read a host-shape mix, in the same forms (`shapes:` in YAML/JSON). */
export function loadHostShapes(path: string): MixHostShape[] {
  const rows = readEntries(path, shapeEntry, 'shapes');
  checkWeights(path, rows);
  return rows.map((s) => ({
    vcpus: s.value.vcpus,
    memoryMb: s.value.memory_mb,
    diskGb: s.value.disk_gb,
    gpus: s.value.gpus,
    gpuModel: s.value.gpu_model,
    weight: s.value.weight,
  }));
}

interface Entry<T> {
  readonly value: T;
  readonly line: number | undefined;
}

function checkWeights(path: string, rows: readonly Entry<{ weight: number }>[]): void {
  if (rows.every((r) => r.value.weight === 0))
    throw new InputError(path, rows[0].line, 'weight', 'every weight is 0: nothing can be drawn');
}

function readEntries<T extends z.ZodType>(path: string, entry: T, key: string): Entry<z.output<T>>[] {
  if (extname(path).toLowerCase() === '.csv') return readCsv(path, entry);
  const file = readStructuredFile(path);
  // A bare list is read as `key:` holding it; error paths point back into the file as written.
  const bare = Array.isArray(file.value);
  const r = listOf(entry, key).safeParse(file.value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = bare ? issue.path.slice(1) : issue.path;
    throw new InputError(path, file.lineOf(at), formatPath(at), issue.message);
  }
  const parsed = r.data as Record<string, z.output<T>[]>;
  return parsed[key].map((value, i) => ({ value, line: file.lineOf(bare ? [i] : [key, i]) }));
}

/** CSV: a header naming the fields; empty cells are absent; numbers as written. */
function readCsv<T extends z.ZodType>(path: string, entry: T): Entry<z.output<T>>[] {
  let records: string[][];
  try {
    records = parse(readWholeFile(path), { relax_column_count: false, skip_empty_lines: true, trim: true });
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new InputError(path, e.lines, undefined, `not valid CSV: ${String(e.message).split('\n')[0]}`);
  }
  if (records.length < 2) throw new InputError(path, 1, undefined, 'expected a header and at least one row');
  const header = records[0];
  return records.slice(1).map((record, i) => {
    const line = i + 2;
    const raw: Record<string, unknown> = {};
    header.forEach((name, c) => {
      const cell = record[c];
      if (cell === '') return;
      raw[name] = name === 'name' || name === 'gpu_spec' || name === 'gpu_model' ? cell : toNumber(cell);
    });
    const r = entry.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new InputError(path, line, formatPath(issue.path), issue.message);
    }
    return { value: r.data, line };
  });
}

function toNumber(cell: string): number | string {
  const n = Number(cell);
  return /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(cell) ? n : cell;
}
