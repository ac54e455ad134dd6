// A filter or weigher that raises fails Nova's scheduling call as a whole (every instance of the
// request in ERROR, what it placed freed): the explanation says so for each instance, with the
// message, instead of saying nothing (or "placed" for an instance the failure freed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { formatDecision } from '../../src/explain/format.ts';
import type { DecisionRecord } from '../../src/explain/record.ts';
import { RunExplainRecorder } from '../../src/explain/run-recorder.ts';
import { replay } from '../../src/replay/replayer.ts';
import type { DriverContext, SchedulerDriver } from '../../src/scheduler/driver.ts';
import { SchedulingError } from '../../src/scheduler/errors.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import { simpleCluster } from '../helpers/cluster.ts';
import { explainEvery } from '../helpers/explain.ts';
import { traceFile } from '../helpers/replay.ts';

// h1 has the metric, h2 none: MetricsWeigher (required, Nova's default) raises as soon as h2 is
// weighed, with Nova's message. Row a (2 instances of 1 vCPU, 1024 MB) fits both hosts (8 vCPUs,
// 8192 MB each), so its first instance's weighing raises: both instances end in ERROR. Row c
// (16384 MB) fits neither: RamFilter empties the list, a plain NoValidHost (no weighing).
const BASE = simpleCluster([{ name: 'h1' }, { name: 'h2' }]);
const CLUSTER: ClusterSpec = {
  ...BASE,
  hosts: [{ ...BASE.hosts[0], metrics: new Map([['cpu.frequency', 2400]]) }, BASE.hosts[1]],
};
const MESSAGE = 'Metric cpu.frequency could not be found on the compute host node h2.h2.';
const LINES = [
  'time,event,id,vcpus,memory_mb,disk_gb,count',
  '0,create,a,1,1024,0,2',
  '1,create,c,1,16384,0,1',
];
const OPTIONS = {
  filters: ['RamFilter', 'CoreFilter'],
  weighers: ['MetricsWeigher'],
  metrics_weight_setting: ['cpu.frequency=1.0'],
};

function explain(strategy: AnyStrategy, options: Record<string, unknown>, lines = LINES) {
  return explainEvery(CLUSTER, lines, strategy, options);
}

describe('explain: a filter or weigher that raises', () => {
  it('every instance of the request: scheduling-error with the message; the first keeps its funnel', async () => {
    const filter = BUILTIN_STRATEGIES.find((s) => s.name === 'filter') as AnyStrategy;
    const { records, log } = await explain(filter, OPTIONS);
    expect(log.outcomes.map((o) => [o.id, o.host, o.reason])).toEqual([
      ['a-0', '', MESSAGE],
      ['a-1', '', MESSAGE],
      ['c', '', 'No valid host was found.'],
    ]);
    expect(records.map((r) => [r.instance_id, r.decision, r.outcome, r.host, r.error])).toEqual([
      ['a-0', 1, 'scheduling-error', null, MESSAGE],
      ['a-1', 2, 'scheduling-error', null, MESSAGE],
      ['c', 3, 'no-valid-host', null, undefined],
    ]);
    const [a0, a1] = records;
    // a-0's filters ran (both hosts pass both) before MetricsWeigher weighed h2.
    expect(a0.funnel).toEqual([
      { filter: 'RamFilter', hosts_in: 2, hosts_out: 2 },
      { filter: 'CoreFilter', hosts_in: 2, hosts_out: 2 },
    ]);
    expect(a0.survivors).toBe(2);
    expect(a0.no_valid_host).toBeNull();
    // a-1 was never reached.
    expect(a1.funnel).toBeNull();
    expect(a1.survivors).toBe(0);
    const text = formatDecision(a0);
    expect(text).toContain(`scheduling error: ${MESSAGE}`);
    expect(text).toContain('every instance of the request is in ERROR');
    expect(text).not.toContain('chosen:');
  });

  it('an instance placed before the raise is freed: its record says scheduling-error, not placed', async () => {
    // A driver that places instance 0 on h1, then raises on instance 1 (as a plugin weigher might).
    const driver: SchedulerDriver = {
      name: 'raise-second',
      scheduleRunInstance(ctx: DriverContext) {
        ctx.provision(0, 0);
        throw new SchedulingError('second instance: plugin weigher failed');
      },
    };
    const strategy: AnyStrategy = {
      ...(BUILTIN_STRATEGIES.find((s) => s.name === 'first-fit') as AnyStrategy),
      name: 'raise-second',
      create: () => driver,
    };
    const { records, log } = await explain(strategy, {}, [LINES[0], LINES[1]]);
    expect(log.outcomes.map((o) => [o.id, o.host])).toEqual([
      ['a-0', ''],
      ['a-1', ''],
    ]);
    expect(records.map((r) => [r.instance_id, r.outcome, r.host, r.error])).toEqual([
      ['a-0', 'scheduling-error', null, 'second instance: plugin weigher failed'],
      ['a-1', 'scheduling-error', null, 'second instance: plugin weigher failed'],
    ]);
    // A driver without setProbe: both records carry the note, neither a funnel.
    expect(records.every((r) => r.note !== undefined && r.funnel === null)).toBe(true);
  });

  it('--explain-every N writes them whatever their decision number, as a NoValidHost', async () => {
    const filter = BUILTIN_STRATEGIES.find((s) => s.name === 'filter') as AnyStrategy;
    const dir = mkdtempSync(join(tmpdir(), 'schedbench-explain-'));
    try {
      const path = join(dir, 'explain.ndjson');
      // Every 1000th decision: none of these three but for their failures.
      const recorder = new RunExplainRecorder({ path, every: 1000, top: 3 });
      await replay(CLUSTER, new CsvTraceSource(traceFile(LINES)), {
        strategy: recorder.strategy(filter),
        strategyOptions: filter.optionsSchema.parse(OPTIONS),
        seed: 1,
        maxAttempts: 1,
        onBadRow: 'stop',
        observers: [recorder],
      });
      const lines = readFileSync(path, 'utf8').trim().split('\n');
      const written = lines.map((l) => JSON.parse(l) as DecisionRecord);
      expect(written.map((r) => [r.decision, r.outcome, r.error ?? null])).toEqual([
        [1, 'scheduling-error', MESSAGE],
        [2, 'scheduling-error', MESSAGE],
        [3, 'no-valid-host', null],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
