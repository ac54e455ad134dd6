/** The axis properties that make ticks read: a format and a tick count (and whole steps for counts). */
export interface AxisProps {
  readonly format: string;
  readonly tickCount: number;
  readonly tickMinStep?: number;
}

/**
 * Axis properties for a zero-based axis over these values that show as many decimals as the tick
 * step needs and no more: a share spanning 0..1.2% gets `.1~%` (0.2%, 0.4%...), not `.0%` (0%, 0%,
 * 1%). The step is the one d3's ticks (Vega's) choose for `tickCount`; all-integer values get
 * whole steps.
 */
export function axisProps(
  values: readonly (number | null | undefined)[],
  kind: 'share' | 'number',
  tickCount = 6,
): AxisProps {
  let lo = 0;
  let hi = 0;
  let integers = true;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (!Number.isInteger(v)) integers = false;
  }
  const whole = kind === 'number' && integers;
  const scale = kind === 'share' ? 100 : 1;
  const step = hi > lo ? Math.max(tickStep((hi - lo) * scale, tickCount), whole ? 1 : 0) : 1;
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  const format = kind === 'share' ? `.${decimals}~%` : `,.${decimals}~f`;
  return whole ? { format, tickCount, tickMinStep: 1 } : { format, tickCount };
}

/** d3's tick step for a span and count: 1, 2, 5 or 10 × 10^k. */
export function tickStep(span: number, count: number): number {
  const step0 = span / count;
  const power = 10 ** Math.floor(Math.log10(step0));
  const error = step0 / power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return factor * power;
}
