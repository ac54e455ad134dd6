// Helpers for the strategy tests: replay CSV lines with any strategy, and count choices over many
// independent requests (each departs before the next arrives, so every draw sees the same state).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { generateCluster } from '../../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../../src/generate/options.ts';
import { generateTrace } from '../../src/generate/trace.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import { cluster } from '../helpers/cluster.ts';
import { replayLines, tempDir } from '../helpers/replay.ts';

export const HEADER = 'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy';

/** Replay `lines` with `strategy`; returns id -> host name ('' for NoValidHost) and the replay. */
export async function run(
  strategy: AnyStrategy,
  spec: ClusterSpec,
  lines: readonly string[],
  opts: {
    options?: Record<string, unknown>;
    seed?: number;
    maxAttempts?: number;
    ratioOverrides?: { cpu?: number; ram?: number; disk?: number };
  } = {},
) {
  const { r, log } = await replayLines(spec, lines, { strategy, ...opts });
  return { hosts: log.hosts(), log, r };
}

/**
 * `n` single-instance requests of one flavor, one per second, each living 0.5 s: every request is
 * scheduled against the same cluster state. Returns how often each host was chosen ('' = none).
 */
export async function choiceCounts(
  strategy: AnyStrategy,
  spec: ClusterSpec,
  n: number,
  flavor: { vcpus: number; memoryMb: number; diskGb?: number },
  opts: { options?: Record<string, unknown>; seed?: number; maxAttempts?: number } = {},
) {
  const lines = ['time,id,vcpus,memory_mb,disk_gb,duration'];
  for (let i = 0; i < n; i++)
    lines.push(`${i},r${i},${flavor.vcpus},${flavor.memoryMb},${flavor.diskGb ?? 0},0.5`);
  const { r, log } = await replayLines(spec, lines, { strategy, ...opts });
  const counts: Record<string, number> = {};
  for (const o of log.outcomes) counts[o.host] = (counts[o.host] ?? 0) + 1;
  return { counts, r, log };
}

/** A generated cluster and trace (the generator's mix of flavors, groups, AZs, hints and deletes). */
export function generated(seed: number, hosts = 40, rows = 1500): { spec: ClusterSpec; lines: string[] } {
  const o = { ...DEFAULT_GENERATOR_OPTIONS, seed, hosts, rows, meanLifetime: 400 };
  const tracePath = join(tempDir(), 'trace.csv');
  generateTrace(o, tracePath);
  const lines = readFileSync(tracePath, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  return { spec: cluster(generateCluster(o)), lines };
}
