import { z } from 'zod';
import { FitScorer, fitScoreOption } from '../src/framework/fit-score.ts';
import { defineScoreStrategy } from '../src/framework/score-strategy.ts';

/**
 * Worst-fit (spread): the feasible host with the most capacity left after placement (FitScorer), so
 * load spreads over the cluster. Ties go to cluster order.
 */
export const worstFitStrategy = defineScoreStrategy({
  name: 'worst-fit',
  description: 'feasible host with the most capacity left after placement (spreads)',
  options: z.strictObject({ score: fitScoreOption }),
  scorer(cluster, options) {
    const fit = new FitScorer(cluster.hosts, options.score);
    return (list, len, req, scores) => {
      const flavor = req.spec.flavor;
      for (let i = 0; i < len; i++) scores[i] = fit.score(list[i], flavor);
    };
  },
});
