import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import type { ReplayObserver } from '../../src/replay/observer.ts';
import { type ReplayConfig, type Replayer, replay } from '../../src/replay/replayer.ts';
import type { InstanceOutcome } from '../../src/scheduler/outcome.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'schedbench-test-'));
}

/** Write a trace CSV (lines joined with \n) into a fresh temp dir; returns its path. */
export function traceFile(lines: readonly string[], dir = tempDir()): string {
  const path = join(dir, 'trace.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export interface Outcome {
  seq: number;
  id: string;
  host: string;
  attempts: number;
  reason: string | undefined;
  /** Zed mode: the alternate hosts' names (empty in classic mode). */
  alternates: string[];
}

/** Collects every instance outcome as host names ('' for ERROR). */
export class OutcomeLog implements ReplayObserver {
  readonly outcomes: Outcome[] = [];
  constructor(private readonly names: readonly string[]) {}
  instanceScheduled({
    seq,
    spec,
    index,
    host,
    attempts,
    reason,
    alternates,
    alternateCount,
  }: InstanceOutcome) {
    this.outcomes.push({
      seq,
      id: spec.instanceIds[index],
      host: host >= 0 ? this.names[host] : '',
      attempts,
      reason,
      alternates: Array.from(alternates.subarray(0, alternateCount), (h) => this.names[h]),
    });
  }
  /** id -> host name ('' for ERROR), in order. */
  hosts(): Record<string, string> {
    return Object.fromEntries(this.outcomes.map((o) => [o.id, o.host]));
  }
}

/** Replay CSV lines against a cluster with the filter strategy (or `cfg` overrides). */
export async function replayLines(
  spec: ClusterSpec,
  lines: readonly string[],
  cfg: Partial<ReplayConfig> & { options?: Record<string, unknown> } = {},
): Promise<{ r: Replayer; log: OutcomeLog }> {
  const log = new OutcomeLog(spec.hosts.map((h) => h.name));
  const strategy = cfg.strategy ?? filterStrategy;
  const r = await replay(spec, new CsvTraceSource(traceFile(lines)), {
    strategy,
    strategyOptions: strategy.optionsSchema.parse(cfg.options ?? {}),
    seed: cfg.seed ?? 0,
    maxAttempts: cfg.maxAttempts ?? 3,
    multiCreate: cfg.multiCreate,
    onBadRow: cfg.onBadRow ?? 'stop',
    keepRecords: cfg.keepRecords ?? true,
    observers: [log, ...(cfg.observers ?? [])],
    ratioOverrides: cfg.ratioOverrides,
    placement: cfg.placement,
  });
  return { r, log };
}
