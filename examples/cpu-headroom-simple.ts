// The same strategy in the simple per-host form: one call per host with a HostView (slower).
import { defineHostScoreStrategy, z } from 'schedbench/plugin';

export default defineHostScoreStrategy({
  name: 'cpu-headroom-simple',
  description: 'cpu-headroom written per host: same decisions, slower',
  options: z.strictObject({ headroom: z.int().nonnegative().default(0) }),
  score(host, spec, options) {
    const left = host.freeVcpus - spec.flavor.vcpus;
    return left >= options.headroom ? left : Number.NEGATIVE_INFINITY;
  },
});
