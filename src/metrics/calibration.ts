/** How fast this machine runs a fixed piece of hot-path-like work, right now. */
export interface Calibration {
  /** Median over the samples of host evaluations per second of the calibration loop. */
  readonly ops_per_s: number;
  readonly samples: number;
  /** Slowest sample's time over the fastest's: how steady the machine was. */
  readonly spread: number;
}

const HOSTS = 4096;
const ROUNDS = 800;

/**
 * The calibration loop: the shape of a filter-and-weigh pass (compact the hosts whose free value
 * passes a threshold, then find the best survivor) over typed arrays, with a fixed amount of work.
 * Timing figures divided by its speed measured in the same run are comparable across machines and
 * across load on one machine (docs/check.md).
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

let sinkHole = 0;

/**
 * Time the calibration loop `samples` times (after one warm-up run, the first time); returns
 * milliseconds per run. Take samples before and after a replay and summarise them together, so a
 * change of load during the replay shows in both.
 */
export function calibrationSamples(samples: number): number[] {
  const free = new Float64Array(HOSTS);
  for (let h = 0; h < HOSTS; h++) free[h] = (h * 2654435761) % 1000;
  const list = new Int32Array(HOSTS);
  sinkHole += workload(free, list);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    sinkHole += workload(free, list);
    times.push(performance.now() - t0);
  }
  return times;
}

/** The median speed over sample times (ms per calibration run). */
export function summariseCalibration(times: readonly number[]): Calibration {
  if (times.length === 0) throw new Error('calibration: no samples');
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    ops_per_s: (HOSTS * ROUNDS) / (median / 1000),
    samples: sorted.length,
    spread: sorted[sorted.length - 1] / sorted[0],
  };
}

/** Keeps the optimiser from dropping the calibration work (read by nobody). */
export function calibrationSink(): number {
  return sinkHole;
}
