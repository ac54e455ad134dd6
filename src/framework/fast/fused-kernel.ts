import type { HostTable } from '../../cluster/host-table.ts';

/** One weigher as the kernel reads it: fixed for the scheduler's life. */
export interface KernelWeigher {
  /**
   * `byHost`: sources[j][h]; `byPosition`: sources[j][i] (a plugin's values, computed before);
   * `cpu`: vcpusTotal × cpuAllocationRatio − vcpusUsed.
   */
  readonly kind: 'byHost' | 'byPosition' | 'cpu';
  /** Read `0 - x` (the soft-anti-affinity weigher). */
  readonly negate: boolean;
  readonly minval: number | undefined;
  readonly maxval: number | undefined;
  /** A uniform multiplier is a parameter; otherwise the kernel reads multipliers[j][h]. */
  readonly uniform: boolean;
}

/** Per-weigher term codes in `params[4j]` for the summing pass. */
export const TERM_NONE = 0;
export const TERM_ZERO = 1;
export const TERM_NORMALISED = 2;

/**
 * The two passes of the fused weighing, generated once per weigher set so each is one monomorphic
 * loop with every weigher's raw read, clamp and term inline (no call, switch or closure per host):
 * - `ranges(list, len, t, sources, out)`: the minimum and maximum of every weigher's clamped raw
 *   values into out[2j], out[2j+1];
 * - `sum(list, len, t, sources, multipliers, params, weights)`: per host, from 0, each weigher's
 *   term in weigher order (params[4j..4j+3]: term code, uniform multiplier, lo, span), as
 *   WeightHandler; the weight into `weights[i]` when given; returns the leftmost maximum's position.
 */
export interface WeighKernel {
  ranges(list: Int32Array, len: number, t: HostTable, sources: ArrayLike<number>[], out: Float64Array): void;
  sum(
    list: Int32Array,
    len: number,
    t: HostTable,
    sources: ArrayLike<number>[],
    multipliers: Float64Array[],
    params: Float64Array,
    weights: Float64Array | undefined,
  ): number;
}

const cache = new Map<string, WeighKernel>();

export function weighKernel(weighers: readonly KernelWeigher[]): WeighKernel {
  // String(), not JSON: JSON writes every non-finite bound as null.
  const key = weighers.map((w) => `${w.kind} ${w.negate} ${w.minval} ${w.maxval} ${w.uniform}`).join(',');
  let k = cache.get(key);
  if (!k) {
    k = compile(weighers);
    cache.set(key, k);
  }
  return k;
}

/** The clamped raw value of weigher j at host `h` into `x${j}`, as WeightHandler clamps it. */
function rawCode(w: KernelWeigher, j: number): string {
  let s =
    w.kind === 'cpu'
      ? `let x${j} = vt[h] * car[h] - vu[h];`
      : `let x${j} = ${w.negate ? '0 - ' : ''}s${j}[${w.kind === 'byPosition' ? 'i' : 'h'}];`;
  if (w.minval !== undefined) s += ` if (x${j} < ${num(w.minval)}) x${j} = ${num(w.minval)};`;
  if (w.maxval !== undefined) s += ` if (x${j} > ${num(w.maxval)}) x${j} = ${num(w.maxval)};`;
  return s;
}

/** A number as an expression that reads back the same double (String round-trips, Infinity and NaN too; -0 kept). */
function num(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function compile(weighers: readonly KernelWeigher[]): WeighKernel {
  const n = weighers.length;
  const heads = ['const vt = t.vcpusTotal, car = t.cpuAllocationRatio, vu = t.vcpusUsed;'];
  for (let j = 0; j < n; j++) heads.push(`const s${j} = sources[${j}];`);
  const ranges = [
    ...heads,
    ...weighers.map((_, j) => `let min${j} = Infinity, max${j} = -Infinity;`),
    'for (let i = 0; i < len; i++) {',
    '  const h = list[i];',
    ...weighers.map(
      (w, j) =>
        `  { ${rawCode(w, j)} if (x${j} < min${j}) min${j} = x${j}; if (x${j} > max${j}) max${j} = x${j}; }`,
    ),
    '}',
    ...weighers.map((_, j) => `out[${2 * j}] = min${j}; out[${2 * j + 1}] = max${j};`),
  ].join('\n');
  const sum = [
    ...heads,
    ...weighers.map(
      (_, j) =>
        `const m${j} = multipliers[${j}], t${j} = params[${4 * j}], u${j} = params[${4 * j + 1}], lo${j} = params[${4 * j + 2}], sp${j} = params[${4 * j + 3}];`,
    ),
    'let best = 0, top = 0;',
    'for (let i = 0; i < len; i++) {',
    '  const h = list[i];',
    '  let w = 0;',
    ...weighers.map(
      (w, j) =>
        `  if (t${j} === ${TERM_NORMALISED}) { ${rawCode(w, j)} w += ${w.uniform ? `u${j}` : `m${j}[h]`} * ((x${j} - lo${j}) / sp${j}); }` +
        ` else if (t${j} === ${TERM_ZERO}) w += m${j}[h] * 0;`,
    ),
    '  if (weights !== undefined) weights[i] = w;',
    '  if (i === 0 || w > top) { top = w; best = i; }',
    '}',
    'return best;',
  ].join('\n');
  return {
    ranges: new Function('list', 'len', 't', 'sources', 'out', ranges) as WeighKernel['ranges'],
    sum: new Function(
      'list',
      'len',
      't',
      'sources',
      'multipliers',
      'params',
      'weights',
      sum,
    ) as WeighKernel['sum'],
  };
}
