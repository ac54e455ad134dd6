// The driver contract at the manager and the compute node: the claim keeps its own usage counts,
// host numbers are checked, and contract errors name the plugin file for a plugin's driver and stay
// internal (schedbench's bug) for a built-in one.
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { ContractError } from '../../src/common/errors.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { cellError } from '../../src/pool/cell-task.ts';
import type { CellOutcome } from '../../src/pool/run-matrix.ts';
import { exitStatus } from '../../src/pool/run-summary.ts';
import type { DriverContext, SchedulerDriver } from '../../src/scheduler/driver.ts';
import { markPluginDriver, PluginError } from '../../src/scheduler/errors.ts';
import { SchedulerManager } from '../../src/scheduler/manager.ts';
import { SchedulerRecords } from '../../src/scheduler/records.ts';
import { plainRequestSpec, type RequestSpec } from '../../src/scheduler/request-spec.ts';
import { simpleCluster } from '../helpers/cluster.ts';

const flavor = { vcpus: 2, memoryMb: 4096, diskGb: 10, gpus: 0, gpuMilli: 0 };

function spec(id: string): RequestSpec {
  return plainRequestSpec(flavor, id);
}

/** Provisions every instance on `host()`. */
function onHost(host: () => number): SchedulerDriver {
  return {
    name: 'on-host',
    scheduleRunInstance(ctx: DriverContext, s: RequestSpec) {
      for (let k = 0; k < s.instanceIds.length; k++) ctx.provision(k, host());
    },
  };
}

function manager(driver: SchedulerDriver) {
  // h1, h2: 8 vCPUs, 8192 MB, 100 GB each, ratios 1.
  const cluster = new ClusterState(simpleCluster([{}, {}]));
  const m = new SchedulerManager({
    driver,
    cluster,
    rng: new SeededRng(1),
    records: new SchedulerRecords(false),
    maxAttempts: 3,
  });
  return { m, cluster };
}

describe('the compute node keeps its own counts', () => {
  it('honest claims and releases leave the table as the claims made it', () => {
    const c = new ClusterState(simpleCluster([{}, {}]));
    const a = c.claim(0, 'a', flavor, undefined);
    const b = c.claim(0, 'b', flavor, undefined);
    // 8192 MB: the third 4096 MB instance does not fit.
    expect(c.claim(0, 'c', flavor, undefined)).toBe(-1);
    c.release(a);
    expect(c.hosts.freeRamMb[0]).toBe(4096);
    expect(c.hosts.vcpusUsed[0]).toBe(2);
    expect(c.hosts.freeDiskMb[0]).toBe(90 * 1024);
    expect(c.hosts.numInstances[0]).toBe(1);
    expect(c.findTableChange()).toBeUndefined();
    c.release(b);
    expect(c.findTableChange()).toBeUndefined();
  });

  it('a claim on a host whose table fields were written is refused, not believed', () => {
    const c = new ClusterState(simpleCluster([{}, {}]));
    c.claim(0, 'a', flavor, undefined);
    c.claim(0, 'b', flavor, undefined);
    c.hosts.freeRamMb[0] = 8192; // would let a third instance in
    expect(() => c.claim(0, 'c', flavor, undefined)).toThrow(
      new ContractError(
        'changed the host table: freeRamMb of host "h1" is 8192, but the compute node\'s claims leave 0 ' +
          '(strategies may only read ctx.cluster.hosts)',
      ),
    );
    expect(c.instances.liveCount).toBe(2);
  });

  it('a write to a host no claim touches is found by the whole-table check', () => {
    const c = new ClusterState(simpleCluster([{}, {}]));
    c.hosts.vcpusTotal[1] = 64;
    expect(c.claim(0, 'a', flavor, undefined)).toBeGreaterThanOrEqual(0);
    expect(c.findTableChange()).toBe(
      'changed the host table: vcpusTotal of host "h2" is 64, but the compute node\'s claims leave 8 ' +
        '(strategies may only read ctx.cluster.hosts)',
    );
  });
});

describe('SchedulerManager contract errors', () => {
  it.each([Number.NaN, 0.5, -1, 2, Number.POSITIVE_INFINITY])(
    'host %s from a built-in driver: a ContractError (internal), not a failed claim',
    (host) => {
      const { m } = manager(onHost(() => host));
      let thrown: unknown;
      try {
        m.runInstance({ time: 0 }, spec('r7'));
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ContractError);
      expect((thrown as Error).message).toBe(
        `strategy "on-host" provisioned instance 0 on host ${host}, which is no host number (0 to 1)`,
      );
      expect(m.stats.claimFailures).toBe(0);
      expect(cellError(thrown).kind).toBe('internal');
    },
  );

  it("from a plugin's driver: a PluginError naming the file and the request (cell kind plugin)", () => {
    const driver = onHost(() => 5);
    markPluginDriver(driver, './my.ts');
    const { m } = manager(driver);
    expect(() => m.runInstance({ time: 0 }, spec('r7'))).toThrow(
      new PluginError(
        './my.ts',
        'decision (request r7)',
        'strategy "on-host" provisioned instance 0 on host 5, which is no host number (0 to 1)',
      ),
    );
    expect(() => m.runInstance({ time: 0 }, spec('r8'))).toThrow(
      'plugin ./my.ts: decision (request r8): strategy "on-host" provisioned instance 0 on host 5',
    );
    const err = new PluginError('./my.ts', 'decision (request r7)', 'boom');
    expect(cellError(err)).toEqual({
      kind: 'plugin',
      message: 'plugin ./my.ts: decision (request r7): boom',
    });
  });

  it('a table written by the driver: the claim refuses it; at the end, verifyHostTable names the strategy', () => {
    const { m, cluster } = manager(onHost(() => 0));
    m.runInstance({ time: 0 }, spec('a'));
    cluster.hosts.numInstances[1] = 3;
    expect(() => m.verifyHostTable()).toThrow(
      new ContractError(
        'strategy "on-host" changed the host table: numInstances of host "h2" is 3, but the compute node\'s claims leave 0 ' +
          '(strategies may only read ctx.cluster.hosts)',
      ),
    );
    cluster.hosts.freeRamMb[0] = 8192;
    expect(() => m.runInstance({ time: 1 }, spec('b'))).toThrow(
      'strategy "on-host" changed the host table: freeRamMb of host "h1" is 8192, but the compute node\'s claims leave 4096',
    );
  });
});

describe('exit codes of plugin failures', () => {
  const outcome = (kind: 'plugin' | 'internal', message: string) =>
    ({ status: 'failed', error: { kind, message } }) as unknown as CellOutcome;
  const ok = { status: 'ok' } as unknown as CellOutcome;

  it('every cell failing in one plugin the same way: 2 and its line, like a single run', () => {
    const line = 'plugin ./my.ts: create: strategy "x": boom';
    expect(exitStatus([outcome('plugin', line), outcome('plugin', line)])).toEqual({
      code: 2,
      message: line,
    });
    expect(exitStatus([outcome('plugin', line)])).toEqual({ code: 2, message: line });
  });

  it('some cells failing: 1; internal stays 3', () => {
    expect(exitStatus([outcome('plugin', 'plugin ./my.ts: load: x'), ok])).toEqual({ code: 1 });
    expect(exitStatus([outcome('internal', 'bug')])).toEqual({ code: 3, message: 'internal error: bug' });
  });
});
