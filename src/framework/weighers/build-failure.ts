import { defineHostWeigher } from '../define.ts';
import { multiplierOption, weightMultipliers } from '../multiplier.ts';

/**
 * BuildFailureWeigher (nova/scheduler/weights/compute.py): the host's recent failed builds, under
 * the negated multiplier (Nova's `weight_multiplier` returns -1 * the configured or aggregate value),
 * so the default 1000000.0 all but excludes a host that has failed builds.
 */
export const buildFailureWeigher = defineHostWeigher({
  name: 'BuildFailureWeigher',
  description:
    "the host's recent failed builds (the multiplier is negated: the default 1000000 avoids such hosts)",
  options: {
    build_failure_weight_multiplier: multiplierOption(1000000.0).describe(
      'BuildFailureWeigher multiplier (applied negated)',
    ),
  },
  create({ cluster, options }) {
    const { failedBuilds } = cluster.hosts;
    const configured = weightMultipliers(
      cluster.hosts,
      'build_failure_weight_multiplier',
      options.build_failure_weight_multiplier,
    );
    return {
      name: 'BuildFailureWeigher',
      minval: undefined,
      maxval: undefined,
      // -1 * value, as Python computes it (so 0.0 becomes -0.0, and NaN stays NaN).
      multipliers: configured.map((m) => -1 * m),
      fusedForm: { kind: 'array', values: failedBuilds },
      // Failed builds come from the cluster file and never change during a replay.
      constant: failedBuilds.every((x) => x === failedBuilds[0]),
      weigh: (h) => failedBuilds[h],
    };
  },
});
