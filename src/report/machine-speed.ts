import type { Report } from './schema.ts';

/**
 * A side's machine speed: the fastest of its runs' calibrations (ops/s), or null without one.
 * A process's calibration is bimodal on a shared VM (the same idle machine gives ~230 or
 * ~400 Mops/s, and can switch mid-run), so the median of five runs flips between the modes;
 * the fastest run lands on the fast mode nearly every time (docs/check.md).
 */
export function fastestCalibration(reports: readonly Report[]): number | null {
  const xs = reports
    .map((r) => r.performance.calibration?.ops_per_s)
    .filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return xs.length > 0 ? Math.max(...xs) : null;
}
