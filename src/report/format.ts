// The one place numbers become text: summary.md, the terminal tables, compare and check output
// (significant digits, thousands separators) and timeseries.csv (a fixed number of decimals).
import type { MetricDef } from './metric-catalog.ts';

const grouped = (maximumFractionDigits: number) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits, useGrouping: true });
const INTEGER = grouped(0);

/** An integer with thousands separators: `12,345`. */
export function formatInt(x: number): string {
  return INTEGER.format(Math.round(x) || 0);
}

/**
 * A number with `digits` significant digits and thousands separators (`81.9`, `1,235`); integers
 * of `digits` digits or more keep every digit (`123,457`), never an exponent above 1e-6.
 */
export function sig(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return formatInt(x);
  if (abs < 1e-6) return x.toExponential(digits - 1);
  const rounded = Number(x.toPrecision(digits));
  // Decimals needed for `digits` significant digits at this magnitude.
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(rounded))));
  return grouped(decimals).format(rounded);
}

/**
 * A half-width this small beside its mean is rounding noise of the mean's own arithmetic (every
 * sample equal): `60.96 ± 2.16e-14` reads `60.96 ± 0`.
 */
const NOISE = 1e-9;

/** Whether a difference `d` between values of magnitude `scale` is rounding noise (then print 0). */
export function negligible(d: number, scale: number): boolean {
  return Math.abs(d) <= NOISE * Math.abs(scale) || Math.abs(d) < 1e-12;
}

/** A metric value as tables print it ('–' where it does not apply). */
export function formatMetric(def: MetricDef, v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (def.format === 'int') return formatInt(v);
  if (def.format === 'share') return `${sig(100 * v, 4)}%`;
  return sig(v);
}

/** A half-width (or any spread) in the metric's unit, to 3 significant digits. */
export function formatSpread(def: MetricDef, half: number, mean = 0): string {
  if (negligible(half, mean)) return def.format === 'share' ? '0%' : '0';
  return def.format === 'share' ? `${sig(100 * half, 3)}%` : sig(half, 3);
}

/**
 * `mean ± half` (a 95% confidence half-width), or the bare value when there is none (one sample):
 * `61.2% ± 1.3%`, `1,234 ± 56.7`, `60.96 ± 0`.
 */
export function formatMeanCi(def: MetricDef, mean: number | null, half: number | null): string {
  if (mean === null || Number.isNaN(mean)) return '–';
  const v = formatMetric(def, mean);
  return half === null ? v : `${v} ± ${formatSpread(def, half, mean)}`;
}

/** Decimals every number in timeseries.csv is rounded to. */
export const CSV_DECIMALS = 6;

/**
 * A number for a CSV cell: rounded to CSV_DECIMALS decimals, shortest form, no separators
 * (`81.90299999999999` → `81.903`, `0.1 + 0.2` → `0.3`); integers as they are.
 */
export function csvNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const r = Number(x.toFixed(CSV_DECIMALS));
  return String(r === 0 ? 0 : r);
}
