// Mutations of valid input files as fast-check arbitraries: plain data (so counterexamples print
// and shrink), applied by pure functions. Byte mutations hit the parsers; structured mutations
// put edge-case values, keys and shapes where a parser that already succeeded hands them on.
import fc from 'fast-check';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

// ---------------------------------------------------------------------------------------------
// Byte mutations (any file kind)

/** Bytes that mean something to CSV, JSON or YAML, or break UTF-8, or are control characters. */
const SPECIAL_BYTES = [
  0x00, 0x0a, 0x0d, 0x09, 0x1b, 0x22, 0x27, 0x2c, 0x3a, 0x3b, 0x3d, 0x7b, 0x7d, 0x5b, 0x5d, 0x26, 0x2a, 0x3c,
  0x2d, 0x23, 0x21, 0x7c, 0x3e, 0x25, 0x40, 0x60, 0x5c, 0x7f, 0x80, 0xc3, 0xe2, 0xff,
];

export type ByteOp =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'delete'; at: number; len: number }
  | { op: 'duplicate'; at: number; len: number }
  | { op: 'truncate'; at: number };

const at = fc.nat({ max: 1 << 20 });
const byte = fc.oneof(fc.constantFrom(...SPECIAL_BYTES), fc.integer({ min: 0, max: 255 }));

export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at, byte }),
  fc.record({
    op: fc.constant('insert' as const),
    at,
    bytes: fc.array(byte, { minLength: 1, maxLength: 6 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 24 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at, len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('truncate' as const), at }),
);

export function applyByteOps(input: Buffer, ops: readonly ByteOp[]): Buffer {
  let b = input;
  for (const o of ops) {
    const i = b.length === 0 ? 0 : o.at % (b.length + 1);
    switch (o.op) {
      case 'flip':
        if (b.length > 0) {
          b = Buffer.from(b);
          b[i % b.length] ^= 1 << o.bit;
        }
        break;
      case 'set':
        if (b.length > 0) {
          b = Buffer.from(b);
          b[i % b.length] = o.byte;
        }
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, i), Buffer.from(o.bytes), b.subarray(i)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, i), b.subarray(i + o.len)]);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, i + o.len), b.subarray(i)]);
        break;
      case 'truncate':
        b = b.subarray(0, i);
        break;
    }
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Structured mutations of JSON and YAML files

/** Raw JSON values (text, spliced in as written) for a JSON file. */
export const JSON_VALUES = [
  '1e308',
  '-1e308',
  '1e400',
  '-1',
  '-0',
  '0',
  '0.5',
  '1000000000',
  '4294967296',
  '9007199254740993',
  'NaN',
  'Infinity',
  'null',
  'true',
  '""',
  '"__proto__"',
  '"constructor"',
  '"toString"',
  '"1e308"',
  '"-5"',
  '"\\u0000"',
  '"\\u001b[31mred\\u001b]8;;http://x\\u0007"',
  '"line1\\nschedbench: forged second line"',
  '"ünïcødé ✓ 🎉 \\u202e"',
  '"\\ud800"',
  `"${'x'.repeat(5000)}"`,
  '[]',
  '{}',
  '[1e308]',
  '{"__proto__": 5}',
  '{"constructor": {"prototype": {"x": 1}}}',
];

/** Raw YAML values for a YAML file: JSON's, plus YAML's own tags, aliases and merge keys. */
export const YAML_VALUES = [
  ...JSON_VALUES,
  '.nan',
  '.inf',
  '-.inf',
  '0x1F',
  '0o17',
  '1_000',
  '~',
  'yes',
  '2001-12-14',
  '!!binary aGVsbG8=',
  '!!set {a, b}',
  '!!js/function "x"',
  '!custom 5',
  '*nosuchanchor',
  '&self [1, 2]',
  '{<<: {vcpus: 4, memory_mb: 1024, disk_gb: 10}, name: merged}',
  '[&a [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a], &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]]',
  '"tab\\there"',
  "'single ''quoted'''",
];

/** Keys a user could write that name Object.prototype members, or are otherwise odd. */
export const ODD_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '',
  'ünïcødé',
  'a\nb',
  '\u001b[2J',
  '<<',
];

/** Raw values for a leaf that was a number, or a string: edge cases of its own type mostly. */
const NUMERIC_VALUES = [
  '1e308',
  '-1e308',
  '1e400',
  '-1',
  '-0',
  '0',
  '0.5',
  '1000000000',
  '4294967296',
  '9007199254740993',
  '"5"',
  '[1e308]',
];
const STRING_VALUES = [
  '""',
  '"__proto__"',
  '"constructor"',
  '"toString"',
  '"hasOwnProperty"',
  '"\\u0000"',
  '"\\u001b[31mred\\u001b]8;;http://x\\u0007"',
  '"line1\\nschedbench: forged second line"',
  '"ünïcødé ✓ 🎉 \\u202e"',
  `"${'y'.repeat(5000)}"`,
  '5',
  'null',
];

export type StructOp =
  | { op: 'value'; node: number; value: number; typed: boolean }
  | { op: 'rename'; node: number; key: number }
  | { op: 'add'; node: number; key: number; value: number }
  | { op: 'duplicate-key'; node: number; value: number }
  | { op: 'remove'; node: number }
  | { op: 'wrap'; node: number; inArray: boolean };

const node = fc.nat({ max: 1 << 16 });
const keyIx = fc.nat({ max: ODD_KEYS.length - 1 });
const valueIx = fc.nat({ max: YAML_VALUES.length - 1 });

export const structOp: fc.Arbitrary<StructOp> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('value' as const),
      node,
      value: valueIx,
      typed: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
    }),
  },
  fc.record({ op: fc.constant('rename' as const), node, key: keyIx }),
  fc.record({ op: fc.constant('add' as const), node, key: keyIx, value: valueIx }),
  fc.record({ op: fc.constant('duplicate-key' as const), node, value: valueIx }),
  fc.record({ op: fc.constant('remove' as const), node }),
  fc.record({ op: fc.constant('wrap' as const), node, inArray: fc.boolean() }),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every node under the root, depth first, by its path. */
function paths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = [...prefix, Array.isArray(value) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

/** A placeholder that both serializers write as a plain token, replaced by raw text afterwards. */
const mark = (n: number) => `zqzPLACEHOLDER${n}zqz`;

/**
 * Apply structured mutations to a JSON or YAML text. The tree is edited with placeholders, written
 * back in the file's own syntax, then the placeholders are replaced by raw values and keys, so
 * values neither format can hold in a JS object (NaN in JSON, duplicate keys, aliases) get in too.
 */
export function applyStructOps(text: string, format: 'json' | 'yaml', ops: readonly StructOp[]): string {
  const tree = parseYaml(text) as Json;
  const raws: string[] = [];
  const values = format === 'json' ? JSON_VALUES : YAML_VALUES;
  const rawValue = (i: number, pool: readonly string[] = values) => {
    raws.push(pool[i % pool.length]);
    return mark(raws.length - 1);
  };
  const rawKey = (k: string) => {
    raws.push(format === 'json' ? JSON.stringify(k) : JSON.stringify(k));
    return mark(raws.length - 1);
  };
  for (const o of ops) {
    const all = paths(tree);
    if (all.length === 0) break;
    const p = all[o.node % all.length];
    const parent = p.slice(0, -1).reduce<Json>((v, k) => (v as Record<string, Json>)[k], tree) as
      | Record<string, Json>
      | Json[];
    const last = p[p.length - 1];
    const obj = parent as Record<string | number, Json>;
    switch (o.op) {
      case 'value': {
        const was = obj[last];
        const pool = !o.typed
          ? values
          : typeof was === 'number'
            ? NUMERIC_VALUES
            : typeof was === 'string'
              ? STRING_VALUES
              : values;
        obj[last] = rawValue(o.value, pool);
        break;
      }
      case 'wrap':
        obj[last] = o.inArray ? [obj[last]] : { [mark(-1)]: obj[last] };
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete obj[last];
        break;
      case 'rename':
      case 'add':
      case 'duplicate-key': {
        if (Array.isArray(parent)) break;
        if (o.op === 'rename') {
          const v = obj[last];
          delete obj[last];
          obj[rawKey(ODD_KEYS[o.key])] = v;
        } else if (o.op === 'add') {
          obj[rawKey(ODD_KEYS[o.key])] = rawValue(o.value);
        } else {
          obj[rawKey(String(last))] = rawValue(o.value);
        }
        break;
      }
    }
  }
  let out = format === 'json' ? `${JSON.stringify(tree, null, 2)}\n` : stringifyYaml(tree);
  out = out.replaceAll(JSON.stringify(mark(-1)), '"x"').replaceAll(mark(-1), 'x');
  // Quoted first (JSON, or YAML that chose to quote), then plain.
  for (let i = raws.length - 1; i >= 0; i--) {
    out = out.replaceAll(JSON.stringify(mark(i)), raws[i]).replaceAll(mark(i), raws[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Structured mutations of a trace CSV

/** Field values, written into the CSV as they stand (some are quoted CSV on purpose). */
export const CSV_VALUES = [
  '',
  '-1',
  '-0',
  '0',
  '1e308',
  '1e400',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1.5',
  ' 7 ',
  '9007199254740993',
  '1000000',
  '1000001',
  '__proto__',
  'constructor',
  'toString',
  'create',
  'delete',
  'resize',
  'capabilities:toString=x',
  'capabilities:constructor=1',
  'capabilities:__proto__=1',
  'capabilities:hasOwnProperty=x',
  'capabilities:numa:nodes=2',
  'capabilities:numa:__proto__=1',
  'aggregate_instance_extra_specs:valueOf=x',
  'aggregate_instance_extra_specs:__proto__=true',
  'k=',
  '=v',
  ';;;=;',
  '"line1\nschedbench: forged second line"',
  '"\u001b[31mred\u001b]8;;http://x\u0007"',
  '"x""y"',
  '"unclosed',
  '\u0000',
  '\u00ff\u00fe',
  'ünïcødé ✓ 🎉',
  'x'.repeat(5000),
];

/** Values for a field of a given column, most of the time (by the header name of the seed). */
const CSV_NUMERIC = [
  '',
  '-1',
  '-0',
  '0',
  '1e308',
  '1e400',
  'NaN',
  'Infinity',
  '0x10',
  '1.5',
  ' 7 ',
  '9007199254740993',
  '1000000',
  '1000001',
];
const CSV_SPECS = [
  'capabilities:toString=x',
  'capabilities:constructor=1',
  'capabilities:__proto__=1',
  'capabilities:hasOwnProperty=x',
  'capabilities:numa:nodes=2',
  'capabilities:numa:__proto__=1',
  'capabilities:gpus=>= 1e308',
  'capabilities:cpu_arch=<or> a <or>',
  'aggregate_instance_extra_specs:valueOf=x',
  'aggregate_instance_extra_specs:__proto__=true',
  'k=',
  '=v',
  ';;;=;',
  '"line1\nschedbench: forged second line=x"',
];
const CSV_NAMES = [
  '',
  '__proto__',
  'constructor',
  'toString',
  'web',
  'db;web',
  '"x""y"',
  '"\u001b[31mred"',
  'ünïcødé ✓ 🎉',
];
const COLUMN_POOLS: Record<string, readonly string[]> = {
  time: CSV_NUMERIC,
  vcpus: CSV_NUMERIC,
  memory_mb: CSV_NUMERIC,
  disk_gb: CSV_NUMERIC,
  count: CSV_NUMERIC,
  duration: CSV_NUMERIC,
  extra_specs: CSV_SPECS,
  id: CSV_NAMES,
  az: CSV_NAMES,
  group: CSV_NAMES,
  same_host: CSV_NAMES,
  different_host: CSV_NAMES,
  event: ['create', 'delete', 'resize', '', 'CREATE', '__proto__'],
  group_policy: ['affinity', 'anti-affinity', 'soft-affinity', '', 'constructor'],
};

export type CsvOp =
  | { op: 'cell'; row: number; col: number; value: number; typed: boolean }
  | { op: 'header'; col: number; value: number }
  | { op: 'drop-column'; col: number; where: 'header' | 'all' | 'one-row'; row: number }
  | { op: 'duplicate-column'; col: number }
  | { op: 'extra-field'; row: number }
  | { op: 'truncate-line'; row: number; at: number }
  | { op: 'swap-rows'; row: number; other: number }
  | { op: 'duplicate-row'; row: number }
  | { op: 'line-endings'; style: 'crlf' | 'cr' | 'bom' | 'no-final-newline' | 'blank-lines' };

const row = fc.nat({ max: 1 << 10 });
const col = fc.nat({ max: 63 });
const csvValue = fc.nat({ max: CSV_VALUES.length - 1 });

export const csvOp: fc.Arbitrary<CsvOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('cell' as const),
      row,
      col,
      value: csvValue,
      typed: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
    }),
  },
  fc.record({ op: fc.constant('header' as const), col, value: csvValue }),
  fc.record({
    op: fc.constant('drop-column' as const),
    col,
    where: fc.constantFrom('header' as const, 'all' as const, 'one-row' as const),
    row,
  }),
  fc.record({ op: fc.constant('duplicate-column' as const), col }),
  fc.record({ op: fc.constant('extra-field' as const), row }),
  fc.record({ op: fc.constant('truncate-line' as const), row, at: fc.nat({ max: 200 }) }),
  fc.record({ op: fc.constant('swap-rows' as const), row, other: row }),
  fc.record({ op: fc.constant('duplicate-row' as const), row }),
  fc.record({
    op: fc.constant('line-endings' as const),
    style: fc.constantFrom(
      'crlf' as const,
      'cr' as const,
      'bom' as const,
      'no-final-newline' as const,
      'blank-lines' as const,
    ),
  }),
);

/** Split one CSV line into its raw fields (quotes kept), honouring quoted commas. */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Apply CSV mutations to a trace (header on the first line, one record per line). */
export function applyCsvOps(text: string, ops: readonly CsvOp[]): string {
  let lines = text.replace(/\n$/, '').split('\n');
  let tail = '\n';
  let bom = '';
  let eol = '\n';
  const data = (r: number) => 1 + (r % Math.max(1, lines.length - 1));
  for (const o of ops) {
    const rows = lines.map(fields);
    const width = rows[0].length;
    switch (o.op) {
      case 'cell': {
        const r = data(o.row);
        if (r >= rows.length) break;
        const c = o.col % Math.max(1, rows[r].length);
        const pool =
          (o.typed && Object.hasOwn(COLUMN_POOLS, rows[0][c]) && COLUMN_POOLS[rows[0][c]]) || CSV_VALUES;
        rows[r][c] = pool[o.value % pool.length];
        break;
      }
      case 'header':
        rows[0][o.col % width] = CSV_VALUES[o.value];
        break;
      case 'drop-column': {
        const c = o.col % width;
        const r = data(o.row);
        for (let i = 0; i < rows.length; i++) {
          if (o.where === 'all' || (o.where === 'header' && i === 0) || (o.where === 'one-row' && i === r))
            rows[i].splice(c, 1);
        }
        break;
      }
      case 'duplicate-column':
        rows[0].push(rows[0][o.col % width]);
        for (let i = 1; i < rows.length; i++) rows[i].push(rows[i][o.col % width] ?? '');
        break;
      case 'extra-field': {
        const r = data(o.row);
        if (r < rows.length) rows[r].push('extra');
        break;
      }
      case 'truncate-line': {
        const r = data(o.row);
        if (r >= rows.length) break;
        const cut = lines[r].slice(0, o.at % (lines[r].length + 1));
        lines = [...lines.slice(0, r), cut];
        tail = '';
        continue;
      }
      case 'swap-rows': {
        const a = data(o.row);
        const b = data(o.other);
        if (a < rows.length && b < rows.length) [rows[a], rows[b]] = [rows[b], rows[a]];
        break;
      }
      case 'duplicate-row': {
        const r = data(o.row);
        if (r < rows.length) rows.splice(r, 0, [...rows[r]]);
        break;
      }
      case 'line-endings':
        if (o.style === 'crlf') eol = '\r\n';
        else if (o.style === 'cr') eol = '\r';
        else if (o.style === 'bom') bom = '\ufeff';
        else if (o.style === 'no-final-newline') tail = '';
        else rows.splice(1 + (rows.length >> 1), 0, [''], ['']);
        break;
    }
    lines = rows.map((f) => f.join(','));
  }
  return bom + lines.join(eol) + (tail === '' ? '' : eol);
}

// ---------------------------------------------------------------------------------------------
// A whole mutation: some structured edits, then some byte edits

export interface Mutation<S> {
  readonly structured: readonly S[];
  readonly bytes: readonly ByteOp[];
}

/** Structured edits only, byte edits only, or both (at least one edit in all). */
export function mutation<S>(structured: fc.Arbitrary<S>): fc.Arbitrary<Mutation<S>> {
  const s = fc.array(structured, { minLength: 1, maxLength: 3 });
  const b = fc.array(byteOp, { minLength: 1, maxLength: 4 });
  // Byte edits mostly stop at the parser; structured ones get past it, so they come more often.
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ structured: s, bytes: fc.constant([]) }) },
    { weight: 2, arbitrary: fc.record({ structured: fc.constant([]), bytes: b }) },
    { weight: 1, arbitrary: fc.record({ structured: s, bytes: fc.array(byteOp, { maxLength: 1 }) }) },
  );
}

export type FileFormat = 'json' | 'yaml' | 'csv';

/** The mutated bytes of a valid input. */
export function mutate(seed: string, format: FileFormat, m: Mutation<StructOp> | Mutation<CsvOp>): Buffer {
  const text =
    m.structured.length === 0
      ? seed
      : format === 'csv'
        ? applyCsvOps(seed, m.structured as CsvOp[])
        : applyStructOps(seed, format, m.structured as StructOp[]);
  return applyByteOps(Buffer.from(text, 'utf8'), m.bytes);
}
