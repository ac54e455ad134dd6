import { bestFitStrategy } from './best-fit.ts';
import { cachingStrategy } from './caching/index.ts';
import { chanceStrategy } from './chance.ts';
import { filterStrategy } from './filter/index.ts';
import { firstFitStrategy } from './first-fit.ts';
import { powerOfTwoStrategy } from './power-of-two.ts';
import { weightedStrategy } from './weighted.ts';
import { worstFitStrategy } from './worst-fit.ts';

/** Every built-in strategy, in the order `schedbench strategies` lists them. */
export const BUILTIN_STRATEGIES = [
  filterStrategy,
  weightedStrategy,
  cachingStrategy,
  chanceStrategy,
  firstFitStrategy,
  bestFitStrategy,
  worstFitStrategy,
  powerOfTwoStrategy,
] as const;
