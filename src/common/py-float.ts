// Python's float() and str() for the places where Nova's behaviour depends on them
// (extra_specs_ops comparisons, aggregate weight multipliers, capability values).

const FLOAT_RE = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const SPECIAL_RE = /^([+-]?)(inf|infinity|nan)$/i;

/** Python `float(s)` for a str: the number, or `undefined` where Python raises ValueError. */
export function pyFloat(s: string): number | undefined {
  // Python strips ASCII and Unicode whitespace around the literal.
  const t = s.trim();
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

/** Python `str(v)` for the JSON values a host trait can hold. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? String(v) : pyFloatRepr(v);
  if (v === null || v === undefined) return 'None';
  return pyReprJson(v);
}

// Python's repr of a dict/list decoded from JSON: {'a': 1, 'b': [True, 'x']}.
function pyReprJson(v: unknown): string {
  if (typeof v === 'string') return `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyReprJson).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyReprJson(k)}: ${pyReprJson(x)}`)
      .join(', ')}}`;
  }
  return pyStr(v);
}
