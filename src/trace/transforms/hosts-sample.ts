import { UsageError } from '../../common/errors.ts';
import { SeededRng } from '../../common/rng.ts';

/**
 * `--hosts-sample N|FRACTION`: the positions of the hosts kept, drawn without replacement with the
 * seed and returned in cluster order (so the sample keeps the cluster's order and its mix of shapes).
 * A value in (0, 1) is a fraction (rounded to the nearest host, at least one), an integer >= 1 a count.
 */
export function sampleHosts(total: number, sample: number, seed: number): number[] {
  const keep = sample < 1 ? Math.max(1, Math.round(sample * total)) : sample;
  if (!(sample > 0) || (sample >= 1 && !Number.isInteger(sample)))
    throw new UsageError(`--hosts-sample expects a count >= 1 or a fraction in (0, 1), got ${sample}`);
  if (keep > total) throw new UsageError(`--hosts-sample ${sample}: the cluster has only ${total} hosts`);
  const pos = Int32Array.from({ length: total }, (_, i) => i);
  const rng = new SeededRng(seed);
  // Partial Fisher-Yates: the first `keep` slots are a uniform sample.
  for (let i = 0; i < keep; i++) {
    const j = i + rng.int(total - i);
    const t = pos[i];
    pos[i] = pos[j];
    pos[j] = t;
  }
  return Array.from(pos.subarray(0, keep)).sort((a, b) => a - b);
}
