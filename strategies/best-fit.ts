import { z } from 'zod';
import { FitScorer, fitScoreOption } from '../src/framework/fit-score.ts';
import { defineScoreStrategy } from '../src/framework/score-strategy.ts';

/**
 * Best-fit: the feasible host with the least capacity left after placement (FitScorer), so instances
 * pack onto the fullest hosts that still fit. Ties go to cluster order.
 */
export const bestFitStrategy = defineScoreStrategy({
  name: 'best-fit',
  description: 'feasible host with the least capacity left after placement (packs)',
  options: z.strictObject({ score: fitScoreOption }),
  scorer(cluster, options) {
    const fit = new FitScorer(cluster.hosts, options.score);
    return (list, len, req, scores) => {
      const flavor = req.spec.flavor;
      for (let i = 0; i < len; i++) scores[i] = -fit.score(list[i], flavor);
    };
  },
});
