// Zed mode below the strategies: the manager's candidate step and alternates, the run config's
// `placement` key, the trait extra specs a trace may carry, the placements file's fifth column,
// and the compute node's own ratios in classic mode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { MEMORY_MB } from '../../src/cluster/placement.ts';
import { InputError, UsageError } from '../../src/common/errors.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { loadRunConfig, parseSetFlags } from '../../src/config/run-config.ts';
import { PlacementsWriter } from '../../src/report/placements-writer.ts';
import type { DriverContext, SchedulerDriver } from '../../src/scheduler/driver.ts';
import { PLACEMENT } from '../../src/scheduler/errors.ts';
import { SchedulerManager } from '../../src/scheduler/manager.ts';
import type { InstanceOutcome } from '../../src/scheduler/outcome.ts';
import { SchedulerRecords } from '../../src/scheduler/records.ts';
import { plainRequestSpec, type RequestSpec } from '../../src/scheduler/request-spec.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { novaZedStrategy } from '../../strategies/nova-zed/index.ts';
import { cluster } from '../helpers/cluster.ts';
import { replayLines, tempDir } from '../helpers/replay.ts';

const flavor = { vcpus: 1, memoryMb: 4096, diskGb: 0, gpus: 0, gpuMilli: 0 };
const spec = (id: string, count: number): RequestSpec =>
  plainRequestSpec(flavor, id, count === 1 ? [id] : Array.from({ length: count }, (_, k) => `${id}-${k}`));

/** A driver that provisions the hosts it is given, in order, then reports `sorted` as alternates. */
class Scripted implements SchedulerDriver {
  readonly name = 'scripted';
  readonly seen: number[][] = [];
  constructor(
    private readonly hosts: number[],
    private readonly sorted: number[] = [],
  ) {}
  scheduleRunInstance(ctx: DriverContext, s: RequestSpec): void {
    this.seen.push(Array.from(ctx.placement?.candidates ?? []));
    for (let k = 0; k < s.instanceIds.length; k++) ctx.provision(k, this.hosts[k]);
    ctx.alternates(Int32Array.from(this.sorted), this.sorted.length);
  }
}

function manager(driver: SchedulerDriver, maxAttempts = 3) {
  // Four hosts of 8192 MB (two 4096 MB instances each); h4 disabled (no candidate).
  const c = new ClusterState(
    cluster({
      allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
      reserved: { memory_mb: 0 },
      hosts: ['h1', 'h2', 'h3', 'h4'].map((name) => ({
        name,
        vcpus: 8,
        memory_mb: 8192,
        disk_gb: 10,
        enabled: name !== 'h4',
      })),
    }),
    {},
    { placement: true },
  );
  const outcomes: [string, number, number[]][] = [];
  const m = new SchedulerManager({
    driver,
    cluster: c,
    rng: new SeededRng(1),
    records: new SchedulerRecords(false),
    maxAttempts,
    multiCreate: 'all-or-nothing',
    placement: { maxResults: 1000 },
    observers: [
      {
        instanceScheduled: (o: InstanceOutcome) =>
          outcomes.push([
            o.spec.instanceIds[o.index],
            o.host,
            Array.from(o.alternates.subarray(0, o.alternateCount)),
          ]),
      },
    ],
  });
  return { m, c, outcomes };
}

describe('the manager in zed mode', () => {
  it('hands the driver the candidates and gives every placed instance the same alternates, selected hosts excluded', () => {
    const d = new Scripted([0, 1], [1, 0, 2, 3]);
    const { m, outcomes } = manager(d);
    m.runInstance({ time: 0 }, spec('r', 2));
    expect(d.seen).toEqual([[0, 1, 2]]);
    // max_attempts 3: two alternates from 1, 0, 2, 3 without the selected 1 and 0.
    expect(outcomes).toEqual([
      ['r-0', 0, [2, 3]],
      ['r-1', 1, [2, 3]],
    ]);
  });

  it('a host that is no candidate cannot be claimed: the claim fails and the instance is rescheduled', () => {
    const d = new Scripted([3]);
    const { m, c, outcomes } = manager(d, 2);
    m.runInstance({ time: 0 }, spec('x', 1));
    // h4 (3) is disabled: no candidate. Two passes, both refused: ERROR, Placement untouched.
    expect(outcomes).toEqual([['x', -1, []]]);
    expect(m.stats.claimFailures).toBe(2);
    expect(c.placementInventory(3, MEMORY_MB)!.used).toBe(0);
  });

  it('all-or-nothing: a failed instance rolls back the row, Placement allocations included', () => {
    // h1 takes two 4096 MB instances; the third claim on h1 is refused by Placement.
    const d = new Scripted([0, 0, 0]);
    const { m, c, outcomes } = manager(d, 1);
    m.runInstance({ time: 0 }, spec('r', 3));
    expect(outcomes.map((o) => o[1])).toEqual([-1, -1, -1]);
    expect(c.placementInventory(0, MEMORY_MB)!.used).toBe(0);
    expect(c.hosts.freeRamMb[0]).toBe(8192);
  });

  it('no candidate: the driver is still called, with none, and says NoValidHost caused by Placement', () => {
    const d: SchedulerDriver = {
      name: 'nvh',
      scheduleRunInstance(ctx, s) {
        expect(ctx.placement?.candidates.length).toBe(0);
        for (let k = 0; k < s.instanceIds.length; k++) ctx.noValidHost(k, 'none', PLACEMENT);
      },
    };
    const { m } = manager(d);
    // 9000 MB is above every max_unit; a request for nothing is a 400 from Placement.
    m.runInstance({ time: 0 }, plainRequestSpec({ ...flavor, memoryMb: 9000 }, 'big'));
    m.runInstance({ time: 0 }, plainRequestSpec({ ...flavor, memoryMb: 0, vcpus: 0 }, 'nothing'));
    expect([m.stats.noValidHost, m.stats.driverCalls]).toEqual([2, 2]);
  });

  it('refuses alternates before every instance is settled, or twice', () => {
    const early: SchedulerDriver = {
      name: 'early',
      scheduleRunInstance(ctx) {
        ctx.alternates(new Int32Array(1), 1);
      },
    };
    expect(() => manager(early).m.runInstance({ time: 0 }, spec('x', 1))).toThrow(
      /alternates\(\) before settling every instance/,
    );
    const twice: SchedulerDriver = {
      name: 'twice',
      scheduleRunInstance(ctx) {
        ctx.provision(0, 0);
        ctx.alternates(new Int32Array(0), 0);
        ctx.alternates(new Int32Array(0), 0);
      },
    };
    expect(() => manager(twice).m.runInstance({ time: 0 }, spec('x', 1))).toThrow(/alternates\(\) twice/);
  });
});

describe('run config: placement', () => {
  it('classic runs record no placement key; zed fills max_placement_results and all-or-nothing', () => {
    expect(Object.keys(loadRunConfig(filterStrategy, undefined).effective)).not.toContain('placement');
    const z = loadRunConfig(filterStrategy, undefined, parseSetFlags(['placement=zed']));
    expect(z.common).toMatchObject({
      placement: 'zed',
      max_placement_results: 1000,
      multi_create: 'all-or-nothing',
    });
  });

  it('nova-zed always runs under the candidate step; placement none and multi_create each are refused', () => {
    expect(loadRunConfig(novaZedStrategy, undefined).common.placement).toBe('zed');
    expect(() => loadRunConfig(novaZedStrategy, undefined, parseSetFlags(['placement=none']))).toThrow(
      new UsageError(
        '--set placement: strategy nova-zed runs under the Zed candidate step only (placement: zed)',
      ),
    );
    expect(() =>
      loadRunConfig(filterStrategy, undefined, parseSetFlags(['placement=zed', 'multi_create=each'])),
    ).toThrow(/--set multi_create: placement: zed places a multi-instance request whole or not at all/);
    expect(() => loadRunConfig(filterStrategy, undefined, parseSetFlags(['placement=yes']))).toThrow(
      /--set placement: /,
    );
    expect(() =>
      loadRunConfig(filterStrategy, undefined, parseSetFlags(['max_placement_results=0'])),
    ).toThrow(/--set max_placement_results: /);
  });

  it("nova-zed's defaults are Zed's lists, the weighers in all_weighers' order", () => {
    const o = loadRunConfig(novaZedStrategy, undefined).strategyOptions as {
      filters: string[];
      weighers: string[];
    };
    // nova/conf/scheduler.py's enabled_filters default; the weighers as
    // `/usr/bin/python3 test/nova/zed_reference.py --print-weighers` prints them here.
    expect(o.filters).toEqual([
      'ComputeFilter',
      'ComputeCapabilitiesFilter',
      'ImagePropertiesFilter',
      'ServerGroupAntiAffinityFilter',
      'ServerGroupAffinityFilter',
    ]);
    expect(o.weighers).toEqual([
      'CrossCellWeigher',
      'MetricsWeigher',
      'CPUWeigher',
      'BuildFailureWeigher',
      'ServerGroupSoftAffinityWeigher',
      'ServerGroupSoftAntiAffinityWeigher',
      'RAMWeigher',
      'DiskWeigher',
      'PCIWeigher',
      'IoOpsWeigher',
    ]);
  });
});

describe('trait extra specs in a trace', () => {
  const run = (specs: string) =>
    replayLines(cluster({ hosts: [{ name: 'h', vcpus: 4, memory_mb: 4096, disk_gb: 10 }] }), [
      'time,id,vcpus,memory_mb,extra_specs',
      `0,x,1,512,${specs}`,
    ]);

  it.each([
    [
      'trait:CUSTOM_A=preferred',
      'extra_specs: trait:CUSTOM_A: expected required or forbidden, got "preferred"',
    ],
    [
      'trait:lower=required',
      'extra_specs: "trait:lower": expected a trait name of A-Z, 0-9 and _ after "trait:"',
    ],
    [
      'resources:VCPU=2',
      'extra_specs: "resources:VCPU": resource amounts and numbered request groups in extra specs are not modelled',
    ],
    ['trait1:CUSTOM_A=required', 'extra_specs: "trait1:CUSTOM_A": resource amounts and numbered'],
  ])('%s is a bad row naming the column', async (specs, message) => {
    const err = await run(specs).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/trace\.csv:2: /);
    expect((err as Error).message).toContain(message);
  });

  it('trait:NAME=required|forbidden is read, and means nothing in classic mode', async () => {
    const { log } = await run('trait:CUSTOM_A=required;capabilities:x=y;trait:HW_CPU_X86_AVX2=forbidden');
    // The ComputeCapabilitiesFilter is not in the classic default list: placed on h.
    expect(log.outcomes.map((o) => o.host)).toEqual(['h']);
  });
});

describe('cluster file: Placement-era host fields', () => {
  it('refuses a provider trait Placement would not take, naming the host and the index', () => {
    expect(() =>
      cluster({ hosts: [{ name: 'h', vcpus: 1, memory_mb: 1, disk_gb: 1, provider_traits: ['GOLD'] }] }),
    ).toThrow(/hosts\[0\]\.provider_traits\[0\]: expected a standard os-traits name or CUSTOM_/);
    expect(() =>
      cluster({
        groups: [{ prefix: 'g', count: 2, vcpus: 1, memory_mb: 1, disk_gb: 1, reserved: { cpus: 1 } }],
      }),
    ).toThrow(/groups\[0\]\.reserved: Unrecognized key: "cpus"/);
    expect(() =>
      cluster({ hosts: [{ name: 'h', vcpus: 1, memory_mb: 1, disk_gb: 1, allocation_ratios: { ram: 0 } }] }),
    ).toThrow(/hosts\[0\]\.allocation_ratios\.ram: /);
  });

  it("classic mode: HostState's ratios and reservations are the compute node's own", async () => {
    // ram ratio 1.0 cluster-wide, 2.0 on b: RamFilter lets b take 2 x 6144 MB of its 8192 MB
    // (limit 16384 - reserved 0), a only one. b reserves 1024 MB of its own: free 7168 at first.
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0 },
      hosts: [
        { name: 'a', vcpus: 8, memory_mb: 8192, disk_gb: 10 },
        {
          name: 'b',
          vcpus: 8,
          memory_mb: 8192,
          disk_gb: 10,
          allocation_ratios: { ram: 2 },
          reserved: { memory_mb: 1024 },
        },
      ],
    });
    const { r, log } = await replayLines(spec, ['time,id,vcpus,memory_mb,count', '0,x,1,6144,3']);
    // RAMWeigher: x-0 on a (8192 free > 7168), x-1 on b (a has 2048 left), x-2 on b (limit
    // 16384: used 1024 + 6144 + 6144 = 13312). Classic `each`: all three placed.
    expect(log.outcomes.map((o) => o.host)).toEqual(['a', 'b', 'b']);
    expect(Array.from(r.cluster.hosts.ramAllocationRatio)).toEqual([1, 2]);
    expect(r.cluster.hosts.freeRamMb[1]).toBe(8192 - 1024 - 2 * 6144);
  });
});

describe('placements file in zed mode', () => {
  it('has a fifth column, alternates |-separated, quoted as a whole when a name needs it', () => {
    const path = join(tempDir(), 'p.csv');
    const w = new PlacementsWriter(path, ['a', 'b,1', 'c'], { alternates: true });
    const ids = ['x', 'y'];
    const o = (index: number, host: number, alts: number[]): InstanceOutcome =>
      ({
        seq: index + 1,
        spec: { requestId: 'r', instanceIds: ids } as unknown as RequestSpec,
        index,
        host,
        attempts: 1,
        alternates: Int32Array.from(alts),
        alternateCount: alts.length,
      }) as unknown as InstanceOutcome;
    w.instanceScheduled(o(0, 0, [2]));
    w.instanceScheduled(o(1, 2, [1, 0]));
    w.instanceScheduled(o(1, -1, []));
    w.finish();
    expect(readFileSync(path, 'utf8')).toBe(
      'seq,id,host,attempts,alternates\n1,x,a,1,c\n2,y,c,1,"b,1|a"\n2,y,,1,\n',
    );
  });
});
