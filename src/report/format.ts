import type { MetricDef } from './metric-catalog.ts';

/** A number with `digits` significant digits, without exponent for ordinary magnitudes. */
export function sig(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  if (abs < 1e-4) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/** A metric value as tables print it ('–' where it does not apply). */
export function formatMetric(def: MetricDef, v: number | null): string {
  if (v === null || Number.isNaN(v)) return '–';
  if (def.format === 'int') return Math.round(v).toLocaleString('en-US');
  if (def.format === 'share') return `${sig(100 * v, 4)}%`;
  return sig(v);
}
