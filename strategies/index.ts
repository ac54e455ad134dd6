import { bestFitStrategy } from './best-fit.ts';
import { cachingStrategy } from './caching/index.ts';
import { chanceStrategy } from './chance.ts';
import { dotProductStrategy } from './dot-product.ts';
import { fgdStrategy } from './fgd.ts';
import { filterStrategy } from './filter/index.ts';
import { firstFitStrategy } from './first-fit.ts';
import { gpuClusteringStrategy } from './gpu-clustering/index.ts';
import { gpuPackingStrategy } from './gpu-packing.ts';
import { novaZedStrategy } from './nova-zed/index.ts';
import { powerOfTwoStrategy } from './power-of-two.ts';
import { randomStrategy } from './random.ts';
import { weightedStrategy } from './weighted.ts';
import { worstFitStrategy } from './worst-fit.ts';

/** Every built-in strategy, in the order `schedbench strategies` lists them. */
export const BUILTIN_STRATEGIES = [
  filterStrategy,
  novaZedStrategy,
  weightedStrategy,
  cachingStrategy,
  chanceStrategy,
  firstFitStrategy,
  bestFitStrategy,
  worstFitStrategy,
  powerOfTwoStrategy,
  fgdStrategy,
  gpuPackingStrategy,
  gpuClusteringStrategy,
  dotProductStrategy,
  randomStrategy,
] as const;
