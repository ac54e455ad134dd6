import type { SeededRng } from '../common/rng.ts';
import type { GeneratorOptions } from './options.ts';

/** Draws instance lifetimes in whole seconds (at least 1) with mean `meanLifetime`. */
export function lifetimeSampler(o: GeneratorOptions): (rng: SeededRng) => number {
  const mean = o.meanLifetime;
  switch (o.lifetime) {
    case 'exponential':
      return (rng) => Math.max(1, Math.round(-Math.log(1 - rng.float()) * mean));
    case 'fixed': {
      const life = Math.max(1, Math.round(mean));
      return () => life;
    }
    case 'lognormal': {
      // E[exp(N(mu, s^2))] = exp(mu + s^2/2) = mean.
      const s = o.lifetimeSigma;
      const mu = Math.log(mean) - (s * s) / 2;
      return (rng) => {
        // Box-Muller; 1 - u keeps the log finite.
        const z = Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
        return Math.max(1, Math.round(Math.exp(mu + s * z)));
      };
    }
  }
}
