import type { DriverContext } from '../scheduler/driver.ts';
import type { HostSelection } from './pipeline.ts';
import type { DecisionProbe } from './probe.ts';
import type { FilterRequest } from './types.ts';

/** The first survivor in cluster order (first-fit). */
export const firstSelection: HostSelection = {
  select: (list) => list[0],
};

/** A survivor drawn uniformly with the replay's seeded RNG (no draw when only one is left). */
export const uniformSelection: HostSelection = {
  select: (list, len, _req, ctx) => list[ctx.rng.int(len)],
};

/**
 * Fills `scores[i]` for the host `list[i]`, i < len, for instance `req.index`. Higher wins; -Infinity
 * or NaN means "not this host". Called once per instance, so it should allocate nothing.
 */
export type Scorer = (list: Int32Array, len: number, req: FilterRequest, scores: Float64Array) => void;

/**
 * The best-scored survivor. Ties go to the earlier host in the list (cluster order: survivors keep
 * it); when no host has a finite score above -Infinity the instance gets NoValidHost.
 */
export class ScoreSelection implements HostSelection {
  private readonly scores: Float64Array;
  private probe: DecisionProbe | undefined = undefined;

  constructor(
    private readonly scorer: Scorer,
    hostCount: number,
  ) {
    this.scores = new Float64Array(hostCount);
  }

  select(list: Int32Array, len: number, req: FilterRequest, _ctx: DriverContext): number {
    const scores = this.scores;
    this.scorer(list, len, req, scores);
    if (this.probe) this.probe.scored(list, len, scores);
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < len; i++) {
      // Strictly greater: equal scores keep the earlier host, NaN never wins.
      if (scores[i] > bestScore) {
        bestScore = scores[i];
        best = i;
      }
    }
    return best < 0 ? -1 : list[best];
  }

  setProbe(probe: DecisionProbe | undefined): void {
    this.probe = probe;
  }
}
