import { z } from 'zod';
import { InputError } from '../common/errors.ts';
import { parseStructured, readStructuredFile } from '../common/structured-file.ts';
import { METRIC_NAMES, metricByName } from './metric-catalog.ts';

export type BoundOp = '<=' | '<' | '>=' | '>' | '==';

/**
 * One bound on a metric: absolute (`<= 0.02`) or relative to a baseline report, as
 * `limit = factor · baseline + offset` (`>= 0.9 * baseline`: factor 0.9; `<= baseline + 1%`:
 * factor 1.01; `<= baseline + 3`: offset 3).
 */
export type Bound =
  | { readonly text: string; readonly op: BoundOp; readonly kind: 'absolute'; readonly value: number }
  | {
      readonly text: string;
      readonly op: BoundOp;
      readonly kind: 'relative';
      readonly factor: number;
      readonly offset: number;
    };

const NUM = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const OP = '(<=|>=|==|<|>)';
const ABSOLUTE = new RegExp(String.raw`^${OP}\s*(${NUM})\s*(%?)$`);
const SCALED = new RegExp(
  String.raw`^${OP}\s*(?:(${NUM})\s*\*\s*baseline|baseline\s*\*\s*(${NUM})|baseline)$`,
);
const SHIFTED = new RegExp(String.raw`^${OP}\s*baseline\s*([+-])\s*(${NUM})\s*(%?)$`);

/** Parse a bound's text; undefined when it is not one. */
export function parseBound(text: string): Bound | undefined {
  const b = parseBoundText(text);
  // A number too large for a double (`1e400`) reads as Infinity: no bound anyone meant.
  if (b === undefined) return undefined;
  const numbers = b.kind === 'absolute' ? [b.value] : [b.factor, b.offset];
  return numbers.every(Number.isFinite) ? b : undefined;
}

function parseBoundText(text: string): Bound | undefined {
  const s = text.trim();
  let m = ABSOLUTE.exec(s);
  if (m) return { text: s, op: m[1] as BoundOp, kind: 'absolute', value: Number(m[2]) / (m[3] ? 100 : 1) };
  m = SCALED.exec(s);
  if (m)
    return { text: s, op: m[1] as BoundOp, kind: 'relative', factor: Number(m[2] ?? m[3] ?? 1), offset: 0 };
  m = SHIFTED.exec(s);
  if (m) {
    const x = Number(m[3]) * (m[2] === '-' ? -1 : 1);
    return m[4]
      ? { text: s, op: m[1] as BoundOp, kind: 'relative', factor: 1 + x / 100, offset: 0 }
      : { text: s, op: m[1] as BoundOp, kind: 'relative', factor: 1, offset: x };
  }
  return undefined;
}

/** Does `value OP limit` hold? */
export function holds(op: BoundOp, value: number, limit: number): boolean {
  switch (op) {
    case '<=':
      return value <= limit;
    case '<':
      return value < limit;
    case '>=':
      return value >= limit;
    case '>':
      return value > limit;
    case '==':
      return value === limit;
  }
}

const BOUND_HELP = 'a bound such as "<= 0.02", "<= 2%", ">= 0.9 * baseline" or "<= baseline + 1%"';

/** One bound (a string) or a list of them. */
const boundsSchema = z.unknown().transform((input, ctx) => {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0)
    ctx.addIssue({ code: 'custom', message: `expected ${BOUND_HELP}, got an empty list` });
  const out: Bound[] = [];
  list.forEach((text, i) => {
    const b = typeof text === 'string' ? parseBound(text) : undefined;
    if (b) out.push(b);
    else
      ctx.addIssue({
        code: 'custom',
        path: Array.isArray(input) ? [i] : [],
        message: `expected ${BOUND_HELP}, got ${typeof text === 'string' ? `"${text}"` : JSON.stringify(text)}`,
      });
  });
  return out;
});

/**
 * A mapping of user-named keys to `value`: like z.record, but every own key is kept, `__proto__`
 * included (z.record's output would take it as the prototype and drop it silently), in a
 * null-prototype object, so a strategy or metric named so is checked like any other name.
 */
function ownRecord<S extends z.ZodType>(value: S) {
  return z.unknown().transform((input, ctx) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      ctx.addIssue({ code: 'custom', message: 'expected a mapping of names to values' });
      return z.NEVER;
    }
    const out: Record<string, z.output<S>> = Object.create(null);
    for (const key of Object.keys(input)) {
      const r = value.safeParse((input as Record<string, unknown>)[key]);
      if (r.success) out[key] = r.data;
      else
        for (const issue of r.error.issues)
          ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
    }
    return out;
  });
}

const metricBounds = ownRecord(boundsSchema)
  .superRefine((bounds, ctx) => {
    for (const name of Object.keys(bounds)) {
      if (!metricByName(name))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `unknown metric "${name}" (${nearestMetrics(name)}every id: schedbench metrics)`,
        });
    }
  })
  .transform((bounds) =>
    Object.entries(bounds).map(([metric, b]) => ({ metric, bounds: Array.isArray(b) ? b : [b] })),
  );

/**
 * A thresholds file: per strategy (`'*'`: every strategy), per metric, one bound or a list. Timing
 * metrics' relative bounds are scaled by the calibration loop's speed in each run unless
 * `timing.normalise` is false (docs/check.md).
 */
export const thresholdsSchema = z.strictObject({
  strategies: ownRecord(metricBounds),
  timing: z.strictObject({ normalise: z.boolean().default(true) }).default({ normalise: true }),
});

export type Thresholds = z.output<typeof thresholdsSchema>;

export interface LoadedThresholds {
  readonly path: string;
  readonly thresholds: Thresholds;
  /** Line of a metric's entry, for error messages. */
  lineOf(strategy: string, metric: string): number | undefined;
}

/** Read and validate a thresholds file (JSON or YAML); errors name the file, line and field. */
export function loadThresholds(path: string): LoadedThresholds {
  const file = readStructuredFile(path);
  // A misspelt top-level key is named as such (zod would first report the missing "strategies").
  const v = file.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const unknown = Object.keys(v).find((k) => !Object.hasOwn(thresholdsSchema.shape, k));
    if (unknown !== undefined)
      throw new InputError(
        path,
        file.lineOf([unknown]),
        unknown,
        'unknown key (expected strategies, timing)',
      );
  }
  const thresholds = parseStructured(file, thresholdsSchema);
  return { path, thresholds, lineOf: (s, m) => file.lineOf(['strategies', s, m]) };
}

/** Edit distance (insertions, deletions, substitutions) between two short strings. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * `did you mean X, Y? ` for the metric ids within 3 edits of a misspelt one (or sharing its first
 * word, or its last word and first letter: nvh_rate → novalidhost_rate), '' when none is near: the full list of ids is too long for one error line.
 */
function nearestMetrics(name: string): string {
  const lower = name.toLowerCase().slice(0, 100);
  const words = lower.split('_');
  const head = words[0];
  const tail = words[words.length - 1];
  const near = METRIC_NAMES.filter(
    (m) =>
      editDistance(lower, m) <= 3 ||
      (head.length >= 3 && m.startsWith(`${head}_`)) ||
      (words.length > 1 && tail.length >= 3 && m.endsWith(`_${tail}`) && m[0] === lower[0]),
  ).slice(0, 6);
  return near.length > 0 ? `did you mean ${near.join(', ')}? ` : '';
}
