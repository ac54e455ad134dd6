// The manager's side of InstanceOutcome.emptiedBy: it follows an instance's reason, set only by a
// driver's NoValidHost, cleared for retries exhausted, and shared with the request under
// all-or-nothing.
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/common/rng.ts';
import { MAX_RETRIES, NO_VALID_HOST } from '../../src/scheduler/errors.ts';
import { type ManagerOptions, SchedulerManager } from '../../src/scheduler/manager.ts';
import type { InstanceOutcome } from '../../src/scheduler/outcome.ts';
import { SchedulerRecords } from '../../src/scheduler/records.ts';
import type { Strategy } from '../../src/scheduler/strategy.ts';
import { chanceStrategy } from '../../strategies/chance.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { bench, requestSpec } from '../framework/support.ts';
import { simpleCluster } from '../helpers/cluster.ts';

type Seen = Pick<InstanceOutcome, 'host' | 'reason' | 'emptiedBy'>;

function run(
  strategy: Strategy<unknown>,
  memoryMb: number,
  count: number,
  opts: Partial<ManagerOptions>,
): Seen[] {
  // h1 4096 MB, h2 8192 MB, ratios 1, no reservation.
  const b = bench(simpleCluster([{ memory_mb: 4096 }, { memory_mb: 8192 }]));
  const seen: Seen[] = [];
  const manager = new SchedulerManager({
    driver: strategy.create(b.cluster, strategy.optionsSchema.parse({})),
    cluster: b.cluster,
    rng: new SeededRng(1),
    records: new SchedulerRecords(false),
    maxAttempts: 3,
    observers: [
      { instanceScheduled: ({ host, reason, emptiedBy }) => seen.push({ host, reason, emptiedBy }) },
    ],
    ...opts,
  });
  manager.runInstance({ time: 0 }, requestSpec('r', { memoryMb }, { count }), undefined);
  return seen;
}

describe('InstanceOutcome.emptiedBy from the manager', () => {
  it('all-or-nothing: the instance placed and then freed takes the failed one’s cause', () => {
    // 5000 MB twice: r-0 on h2 (most free RAM), then h2 has 3192 and h1 4096: RamFilter empties
    // the list for r-1. All-or-nothing frees r-0, which fails with r-1's reason and cause.
    expect(run(filterStrategy as Strategy<unknown>, 5000, 2, { multiCreate: 'all-or-nothing' })).toEqual([
      { host: -1, reason: NO_VALID_HOST, emptiedBy: 'RamFilter' },
      { host: -1, reason: NO_VALID_HOST, emptiedBy: 'RamFilter' },
    ]);
    // Each on its own: r-0 stays placed, with no cause.
    expect(run(filterStrategy as Strategy<unknown>, 5000, 2, {})).toEqual([
      { host: 1, reason: undefined, emptiedBy: undefined },
      { host: -1, reason: NO_VALID_HOST, emptiedBy: 'RamFilter' },
    ]);
  });

  it('retries exhausted: no filter emptied anything', () => {
    // chance ignores RAM: 9000 MB fails the claim on each host; with max_attempts 2 the instance
    // stops after two failed claims, before RetryFilter could empty a list.
    expect(run(chanceStrategy as Strategy<unknown>, 9000, 1, { maxAttempts: 2 })).toEqual([
      { host: -1, reason: MAX_RETRIES, emptiedBy: undefined },
    ]);
  });
});
