/** How fast this machine runs a fixed piece of hot-path-like work, right now. */
export interface Calibration {
  /** Host evaluations per second of the calibration loop, from the median sample. */
  readonly ops_per_s: number;
  readonly samples: number;
  /** The 90th-percentile sample time over the 10th: how steady the machine was (1 = perfectly). */
  readonly spread: number;
}

const HOSTS = 4096;
/** Rounds per sample: about 60 µs here, far shorter than a scheduler time slice. */
const ROUNDS = 8;

/**
 * The calibration loop: the shape of a filter-and-weigh pass (compact the hosts whose free value
 * passes a threshold, then find the best survivor) over typed arrays, a fixed amount of work.
 */
function workload(free: Float64Array, list: Int32Array): number {
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const need = (round * 7919) % 1000;
    let len = 0;
    for (let h = 0; h < HOSTS; h++) if (free[h] >= need) list[len++] = h;
    let best = -1;
    let bestW = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < len; i++) {
      const w = free[list[i]] * 0.5 + (list[i] & 7);
      if (w > bestW) {
        bestW = w;
        best = list[i];
      }
    }
    sink += best;
  }
  return sink;
}

/**
 * Time the calibration loop `samples` times (after a warm-up); returns milliseconds per sample.
 * Samples are short on purpose: on a shared machine another process takes the core for whole
 * time slices, which spoils a few short samples but nearly every long one, so the median of many
 * short samples is the machine's undisturbed speed (docs/check.md shows the numbers).
 */
export function calibrationSamples(samples: number): number[] {
  const free = new Float64Array(HOSTS);
  for (let h = 0; h < HOSTS; h++) free[h] = (h * 2654435761) % 1000;
  const list = new Int32Array(HOSTS);
  // The results are summed and checked so that the optimiser cannot drop the work.
  let sink = 0;
  for (let i = 0; i < 20; i++) sink += workload(free, list);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    sink += workload(free, list);
    times.push(performance.now() - t0);
  }
  if (!Number.isFinite(sink)) throw new Error('calibration: the loop went wrong');
  return times;
}

/** The speed at the median sample time (ms per sample), and the p90/p10 spread. */
export function summariseCalibration(times: readonly number[]): Calibration {
  if (times.length === 0) throw new Error('calibration: no samples');
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    ops_per_s: (HOSTS * ROUNDS) / (median / 1000),
    samples: sorted.length,
    spread: Math.max(1, at(0.9) / at(0.1)),
  };
}
