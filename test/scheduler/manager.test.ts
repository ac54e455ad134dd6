import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { SeededRng } from '../../src/common/rng.ts';
import type { DriverContext, SchedulerDriver } from '../../src/scheduler/driver.ts';
import { MAX_RETRIES, SchedulingError } from '../../src/scheduler/errors.ts';
import { SchedulerManager } from '../../src/scheduler/manager.ts';
import { SchedulerRecords } from '../../src/scheduler/records.ts';
import {
  type FilterProperties,
  plainRequestSpec,
  type RequestSpec,
} from '../../src/scheduler/request-spec.ts';
import { simpleCluster } from '../helpers/cluster.ts';

function spec(id: string, count: number, memoryMb: number): RequestSpec {
  const ids = count === 1 ? [id] : Array.from({ length: count }, (_, k) => `${id}-${k}`);
  return plainRequestSpec({ vcpus: 1, memoryMb, diskGb: 0, gpus: 0, gpuMilli: 0 }, id, ids);
}

/** A driver that ignores resources: it always picks the first host not yet tried (like chance, without randomness). */
class FirstUntried implements SchedulerDriver {
  readonly name = 'first-untried';
  readonly calls: { instances: number; retry: FilterProperties['retry'] }[] = [];
  scheduleRunInstance(ctx: DriverContext, s: RequestSpec, props: FilterProperties): void {
    this.calls.push({ instances: s.instanceIds.length, retry: props.retry });
    const tried = new Set(props.retry?.hosts ?? []);
    for (let k = 0; k < s.instanceIds.length; k++) {
      let h = 0;
      while (h < ctx.cluster.hosts.size && tried.has(h)) h++;
      if (h === ctx.cluster.hosts.size) ctx.noValidHost(k, 'none left');
      else ctx.provision(k, h);
    }
  }
}

function setup(driver: SchedulerDriver, maxAttempts = 3) {
  // h1 has room for one 4096 MB instance; h2, h3 for two each.
  const cluster = new ClusterState(
    simpleCluster([{ memory_mb: 4096 }, { memory_mb: 8192 }, { memory_mb: 8192 }]),
  );
  const records = new SchedulerRecords(true);
  const outcomes: [string, number, number, string | undefined][] = [];
  const m = new SchedulerManager({
    driver,
    cluster,
    rng: new SeededRng(1),
    records,
    maxAttempts,
    observers: [
      {
        instanceScheduled: ({ spec: s, index: k, host, attempts, reason }) =>
          outcomes.push([s.instanceIds[k], host, attempts, reason]),
      },
    ],
  });
  return { m, cluster, records, outcomes };
}

describe('SchedulerManager.runInstance', () => {
  it('wraps each instance in an EventReporter and notifies start/end', () => {
    const { m, records, outcomes } = setup(new FirstUntried());
    m.runInstance({ time: 7 }, spec('a', 1, 1024));
    expect(outcomes).toEqual([['a', 0, 1, undefined]]);
    expect(records.actions).toEqual([
      { instanceId: 'a', action: 'create', event: 'scheduler', start: 7, finish: 7, result: 'Success' },
    ]);
    expect(records.notifications.map((n) => n.eventType)).toEqual([
      'scheduler.run_instance.start',
      'scheduler.run_instance.end',
    ]);
    expect(records.vmStates).toEqual([]);
  });

  it('reschedules a failed claim with the failed host excluded', () => {
    const driver = new FirstUntried();
    const { m, records, outcomes, cluster } = setup(driver);
    m.runInstance({ time: 0 }, spec('a', 1, 4096)); // fills h1
    m.runInstance({ time: 1 }, spec('b', 1, 4096)); // h1 claim fails, then h2
    expect(outcomes[1]).toEqual(['b', 1, 2, undefined]);
    expect(driver.calls[2]).toEqual({ instances: 1, retry: { numAttempts: 1, hosts: [0] } });
    expect(m.stats).toMatchObject({ retries: 1, claimFailures: 1, placed: 2, noValidHost: 0 });
    expect(records.actions[1].result).toBe('Success');
    expect(cluster.hosts.freeRamMb[1]).toBe(4096);
  });

  it('gives up after max_attempts passes: NoValidHost "Exceeded maximum number of retries", vm_state ERROR, error notification', () => {
    const { m, records, outcomes } = setup(new FirstUntried(), 2);
    m.runInstance({ time: 0 }, spec('a', 1, 4096)); // h1 full
    m.runInstance({ time: 0 }, spec('b', 1, 8192)); // h1 claim fails, then h2 (now full)
    m.runInstance({ time: 5 }, spec('c', 1, 8192)); // h1 fails, h2 fails: 2 attempts, give up
    expect(outcomes[2]).toEqual(['c', -1, 2, MAX_RETRIES]);
    expect(records.actions[2]).toMatchObject({ instanceId: 'c', start: 5, finish: 5, result: 'Error' });
    expect(records.vmStates).toEqual([
      { instanceId: 'c', vmState: 'error', taskState: null, reason: MAX_RETRIES },
    ]);
    const errors = records.notifications.filter((n) => n.priority === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      eventType: 'scheduler.run_instance',
      payload: { instance_id: 'c', state: 'error', method: 'run_instance' },
    });
    expect(m.stats).toMatchObject({
      requests: 3,
      instances: 3,
      placed: 2,
      noValidHost: 1,
      retries: 2,
      claimFailures: 3,
    });
  });

  it('settles a multi-instance request per instance: each failure is its own ERROR', () => {
    const { m, records, outcomes } = setup(new FirstUntried(), 1);
    m.runInstance({ time: 0 }, spec('m', 3, 4096)); // m-0 on h1; m-1, m-2 claim on h1 fails; max_attempts 1
    expect(outcomes.map((o) => [o[0], o[1]])).toEqual([
      ['m-0', 0],
      ['m-1', -1],
      ['m-2', -1],
    ]);
    expect(records.actions.map((a) => a.result)).toEqual(['Success', 'Error', 'Error']);
    expect(records.counts).toMatchObject({
      eventsStarted: 3,
      eventsSucceeded: 1,
      eventsFailed: 2,
      vmStateErrors: 2,
      notificationsStart: 1,
      notificationsEnd: 1,
    });
  });

  it('a filter that raises fails the whole request and frees what it had placed', () => {
    const raising: SchedulerDriver = {
      name: 'raising',
      scheduleRunInstance(ctx, s) {
        ctx.provision(0, 2);
        if (s.instanceIds.length > 1) throw new SchedulingError("could not convert string to float: 'abc'");
      },
    };
    const { m, outcomes, records, cluster } = setup(raising);
    m.runInstance({ time: 0 }, spec('m', 3, 1024));
    const why = "could not convert string to float: 'abc'";
    expect(outcomes).toEqual([
      ['m-0', -1, 1, why],
      ['m-1', -1, 1, why],
      ['m-2', -1, 1, why],
    ]);
    expect(m.stats.schedulingErrors).toBe(3);
    expect(records.vmStates).toHaveLength(3);
    expect(cluster.hosts.freeRamMb[2]).toBe(8192);
    expect(cluster.instances.liveCount).toBe(0);
  });

  it('multi_create all-or-nothing (Nova 26): one failure fails the request and frees the rest', () => {
    const cluster = new ClusterState(
      simpleCluster([{ memory_mb: 4096 }, { memory_mb: 8192 }, { memory_mb: 8192 }]),
    );
    const outcomes: [string, number][] = [];
    const m = new SchedulerManager({
      driver: new FirstUntried(),
      cluster,
      rng: new SeededRng(1),
      records: new SchedulerRecords(false),
      maxAttempts: 1,
      multiCreate: 'all-or-nothing',
      observers: [
        { instanceScheduled: ({ spec: s, index: k, host }) => outcomes.push([s.instanceIds[k], host]) },
      ],
    });
    m.runInstance({ time: 0 }, spec('m', 2, 4096)); // m-0 on h1, m-1's claim on h1 fails
    expect(outcomes).toEqual([
      ['m-0', -1],
      ['m-1', -1],
    ]);
    expect(cluster.hosts.freeRamMb[0]).toBe(4096);
    expect(m.stats).toMatchObject({ placed: 0, noValidHost: 2 });
  });

  it('rejects a driver that leaves an instance unsettled or settles out of order', () => {
    const lazy: SchedulerDriver = { name: 'lazy', scheduleRunInstance: () => {} };
    expect(() => setup(lazy).m.runInstance({ time: 0 }, spec('a', 1, 1))).toThrow(
      'strategy "lazy" settled 0 of 1 instance(s) of request "a"',
    );
    const jumpy: SchedulerDriver = { name: 'jumpy', scheduleRunInstance: (ctx) => ctx.provision(1, 0) };
    expect(() => setup(jumpy).m.runInstance({ time: 0 }, spec('a', 2, 1))).toThrow(
      'settled instance 1 of request "a" out of order',
    );
  });

  it('io ops are builds in flight: counted within a request, zero at the next', () => {
    let seen: number[] = [];
    const probe: SchedulerDriver = {
      name: 'probe',
      scheduleRunInstance(ctx, s) {
        for (let k = 0; k < s.instanceIds.length; k++) {
          seen.push(ctx.cluster.hosts.numIoOps[1]);
          ctx.provision(k, 1);
        }
      },
    };
    const { m } = setup(probe);
    m.runInstance({ time: 0 }, spec('m', 3, 1024));
    expect(seen).toEqual([0, 1, 2]);
    seen = [];
    m.runInstance({ time: 1 }, spec('n', 1, 1024));
    expect(seen).toEqual([0]);
  });

  it('counting records keep no objects', () => {
    const records = new SchedulerRecords(false);
    records.eventStart('a', 0);
    records.eventFinish('a', 0, true);
    expect(records.actions).toEqual([]);
    expect(records.counts.eventsSucceeded).toBe(1);
  });
});
