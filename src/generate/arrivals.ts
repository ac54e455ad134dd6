import type { SeededRng } from '../common/rng.ts';
import type { GeneratorOptions } from './options.ts';

/**
 * Arrival times of a Poisson process with mean gap `meanGap`, its rate modulated by the diurnal
 * swing when `diurnalAmplitude` > 0: rate(t) = (1 / meanGap) (1 + a cos(2 pi (t - peak) / period)),
 * whose mean over a period is 1 / meanGap. Sampled by thinning (Lewis and Shedler): candidates at
 * the peak rate, each kept with probability rate(t) / peak rate.
 */
export function arrivalClock(o: GeneratorOptions, meanGap: number): (rng: SeededRng) => number {
  let time = 0;
  const a = o.diurnalAmplitude;
  if (a === 0) {
    return (rng) => {
      time += -Math.log(1 - rng.float()) * meanGap;
      return time;
    };
  }
  const peakGap = meanGap / (1 + a);
  const omega = (2 * Math.PI) / o.diurnalPeriod;
  return (rng) => {
    for (;;) {
      time += -Math.log(1 - rng.float()) * peakGap;
      if (rng.float() * (1 + a) < 1 + a * Math.cos(omega * (time - o.diurnalPeak))) return time;
    }
  };
}
