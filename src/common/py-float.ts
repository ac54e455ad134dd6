// Python's float() and str() for the places where Nova's behaviour depends on them
// (extra_specs_ops comparisons, aggregate weight multipliers, capability values).

const FLOAT_RE = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const SPECIAL_RE = /^([+-]?)(inf|infinity|nan)$/i;

/** Python `float(s)` for a str: the number, or `undefined` where Python raises ValueError. */
export function pyFloat(s: string): number | undefined {
  // Python strips ASCII and Unicode whitespace around the literal, and reads any Unicode decimal digit.
  const t = asciiDigits(s.trim());
  if (FLOAT_RE.test(t)) return Number(t.replaceAll('_', ''));
  const special = SPECIAL_RE.exec(t);
  if (special) {
    if (special[2].toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return undefined;
}

/** Python `repr(float)` (which `str()` also gives): shortest round-trip digits, Python's layout. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // Python uses scientific notation when the decimal exponent is < -4 or >= 16.
  const [mantissa, e] = x.toExponential().split('e');
  const decExp = Number(e);
  if (decExp < -4 || decExp >= 16) {
    return `${mantissa}e${decExp < 0 ? '-' : '+'}${String(Math.abs(decExp)).padStart(2, '0')}`;
  }
  const plain = String(x);
  return plain.includes('.') ? plain : `${plain}.0`;
}

/**
 * A number that Python holds as a float: a JSON literal written with a fraction or an exponent
 * (`2.0`, `1e3`). JavaScript cannot tell `2.0` from `2`, but Python's str() prints `2.0` and `2`.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Python `str(v)` for the JSON values a host trait can hold. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? String(v) : pyFloatRepr(v);
  if (v === null || v === undefined) return 'None';
  return pyReprJson(v);
}

// Python's repr of a dict/list decoded from JSON: {'a': 1, 'b': [True, 'x']}.
function pyReprJson(v: unknown): string {
  if (typeof v === 'string') return `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyReprJson).join(', ')}]`;
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyReprJson(k)}: ${pyReprJson(x)}`)
      .join(', ')}}`;
  }
  return pyStr(v);
}

const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/gu;
const DIGIT = /\p{Nd}/u;

/**
 * Replace non-ASCII decimal digits (Unicode category Nd, e.g. '４' or '٤') by ASCII ones, as
 * Python's float() does. Nd digits come in runs of ten from zero, so a digit's value is its distance
 * from the start of its run, modulo 10.
 */
function asciiDigits(s: string): string {
  if (!NON_ASCII_DIGIT.test(s)) return s;
  NON_ASCII_DIGIT.lastIndex = 0;
  return s.replace(NON_ASCII_DIGIT, (ch) => {
    const cp = ch.codePointAt(0)!;
    let start = cp;
    while (DIGIT.test(String.fromCodePoint(start - 1))) start--;
    return String((cp - start) % 10);
  });
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Python's string ordering (by code point). JavaScript's `<` compares UTF-16 code units, which
 * differs only when a character outside the Basic Multilingual Plane is involved.
 */
export function pyCompare(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
}
