// The indexed fast path on every filter and weigher (IoOps/NumInstances filters and weighers, the
// soft server-group weighers, the joint ComboMax bound): hand-worked decisions on four hosts, each
// checked against the reference loop (filterHosts + WeightHandler + NovaSelection) and required to
// be decided by the index itself. Random replays are in indexed-fast-path.test.ts.
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import type { ServerGroup } from '../../src/cluster/groups.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { buildFilters, buildWeighers } from '../../src/framework/build.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { indexedFastPath } from '../../src/framework/fast/indexed.ts';
import { DEFAULT_FILTER_OPTIONS, type FilterOptions } from '../../src/framework/options.ts';
import { FilterPipeline } from '../../src/framework/pipeline.ts';
import { WeightHandler } from '../../src/framework/weight-handler.ts';
import type { Flavor } from '../../src/model/flavor.ts';
import type { GroupPolicy } from '../../src/model/group-policy.ts';
import type { ImageProps } from '../../src/model/image-props.ts';
import type { DriverContext } from '../../src/scheduler/driver.ts';
import { NO_RETRY, plainRequestSpec } from '../../src/scheduler/request-spec.ts';
import { NovaSelection } from '../../strategies/filter/nova-selection.ts';
import { cluster, simpleCluster, state } from '../helpers/cluster.ts';
import { imageProps } from './support.ts';

const ALL_FILTERS = [...BUILTIN_PLUGINS.filters.keys()];
const flavor = (memoryMb: number): Flavor => ({ vcpus: 1, memoryMb, diskGb: 1, gpus: 0, gpuMilli: 0 });
const REQUEST = flavor(1024);

/** Four hosts of 8 vCPUs, 8192 MB, 100 GB (ratios 1, nothing reserved). */
function fourHosts(): ClusterState {
  return state(simpleCluster([{}, {}, {}, {}]));
}

/** Claims of `mb` MB on host h (each one instance and one io op in flight), maybe in `group`. */
function claim(c: ClusterState, h: number, mb: number, times = 1, group?: ServerGroup): void {
  for (let i = 0; i < times; i++) {
    if (c.claim(h, `c${h}-${mb}-${i}-${group?.name ?? ''}`, flavor(mb), group) < 0)
      throw new Error('claim failed');
  }
}

/** The decision as "host N" or "NoValidHost by F": by the index (which must decide) and by the reference. */
function decide(
  c: ClusterState,
  o: Partial<FilterOptions>,
  group?: ServerGroup,
  imageProps?: ImageProps,
): { indexed: string; reference: string } {
  const options: FilterOptions = { ...DEFAULT_FILTER_OPTIONS, filters: ALL_FILTERS, ...o };
  const filters = buildFilters(options.filters, c, options, BUILTIN_PLUGINS);
  const weighers = buildWeighers(options.weighers, c, options, BUILTIN_PLUGINS);
  const spec = { ...plainRequestSpec(REQUEST), group, imageProps };
  const outcome = (run: (ctx: DriverContext) => void): string => {
    let out = '';
    run({
      cluster: c,
      rng: new SeededRng(1),
      provision: (_k, h) => {
        out = `host ${h}`;
        return true;
      },
      noValidHost: (_k, _reason, by) => {
        out = `NoValidHost by ${by}`;
      },
      placement: undefined,
      alternates: () => {},
      countHostEvaluations: () => {},
    });
    return out;
  };
  const fast = indexedFastPath({ cluster: c, options, filters, weighers });
  if (fast === undefined) throw new Error('the index declined the configuration');
  const indexed = outcome((ctx) => {
    if (!fast.tryScheduleRunInstance(ctx, spec, NO_RETRY)) throw new Error('the index declined the request');
  });
  const n = c.hosts.size;
  const pipeline = new FilterPipeline(
    'ref',
    c,
    filters,
    new NovaSelection(new WeightHandler(weighers, n), 1, n),
  );
  const reference = outcome((ctx) => pipeline.scheduleRunInstance(ctx, spec, NO_RETRY));
  return { indexed, reference };
}

const both = (expected: string) => ({ indexed: expected, reference: expected });
const group = (c: ClusterState, policy: GroupPolicy) => c.groups.intern(policy, policy);

describe('count filters and weighers, decided by the index as by the reference', () => {
  it('IoOpsFilter drops h0 (2 builds, limit 2); IoOpsWeigher -1: h1..h3 all at 1 build tie, h1 first', () => {
    const c = fourHosts();
    claim(c, 0, 512, 2);
    for (const h of [1, 2, 3]) claim(c, h, 512);
    expect(decide(c, { max_io_ops_per_host: 2, weighers: ['IoOpsWeigher'] })).toEqual(both('host 1'));
    // h3's builds done: 0 in flight weighs -0·… = 0 > -1, h3 wins.
    c.finishBuilds([3]);
    expect(decide(c, { max_io_ops_per_host: 2, weighers: ['IoOpsWeigher'] })).toEqual(both('host 3'));
  });

  it('NumInstancesFilter drops h0 (2, limit 2); NumInstancesWeigher +1 ties h1 and h3 (1 each), -1 takes h2 (0)', () => {
    const c = fourHosts();
    claim(c, 0, 512, 2);
    claim(c, 1, 512);
    claim(c, 3, 512);
    const o = { max_instances_per_host: 2, weighers: ['NumInstancesWeigher'] };
    expect(decide(c, { ...o, num_instances_weight_multiplier: 1 })).toEqual(both('host 1'));
    expect(decide(c, { ...o, num_instances_weight_multiplier: -1 })).toEqual(both('host 2'));
  });

  it('RAM + NumInstances (the joint bound): 0.8125 + 1 on h1 beats h3 (1 + 0) and h2 (0.75 + 2/3)', () => {
    const c = fourHosts();
    claim(c, 0, 4096); // free 4096, 1 instance: 0.5 + 1/3
    claim(c, 1, 512, 3); // free 6656, 3: 0.8125 + 1
    claim(c, 2, 1024, 2); // free 6144, 2: 0.75 + 2/3
    // h3 empty: 1 + 0
    const o = {
      weighers: ['RAMWeigher', 'NumInstancesWeigher', 'IoOpsWeigher'],
      num_instances_weight_multiplier: 1,
    };
    // IoOps -1 on 1, 3, 2, 0 builds (lo 0, hi 3): h1 1.8125 - 1 = 0.8125; h3 1; h2 1.4167 - 0.6667 = 0.75; h0 0.5.
    expect(decide(c, o)).toEqual(both('host 3'));
    expect(decide(c, { ...o, io_ops_weight_multiplier: 0 })).toEqual(both('host 1'));
  });

  it('no host under the io limit: NoValidHost by IoOpsFilter', () => {
    const c = fourHosts();
    for (const h of [0, 1, 2, 3]) claim(c, h, 512);
    expect(decide(c, { max_io_ops_per_host: 1 })).toEqual(both('NoValidHost by IoOpsFilter'));
    expect(decide(c, { max_io_ops_per_host: 1, max_instances_per_host: 1 })).toEqual(
      both('NoValidHost by NumInstancesFilter'),
    );
    // h2's builds finish: it passes again (a kept index is told; the replays test that).
    c.finishBuilds([2]);
    expect(decide(c, { max_io_ops_per_host: 1 })).toEqual(both('host 2'));
  });
});

describe('soft server groups, decided by the index as by the reference', () => {
  it('soft-affinity: the member host h1 is full (RamFilter), the other member h2 wins on its +1', () => {
    const c = fourHosts();
    const g = group(c, 'soft-affinity');
    claim(c, 1, 4096, 2, g); // free 0: fails
    claim(c, 2, 512, 1, g); // free 7680: RAM 0.9375 + soft 1
    claim(c, 3, 512); // free 7680, no member: 0.9375
    // h0 free 8192: RAM 1 + soft 0.
    const o = { weighers: ['RAMWeigher', 'ServerGroupSoftAffinityWeigher'] };
    expect(decide(c, o, g)).toEqual(both('host 2'));
  });

  it('soft-anti-affinity, all members on h0: h0 weighs 0.8125 + 0, the others 1 + 1 tie, h1 first', () => {
    const c = fourHosts();
    const g = group(c, 'soft-anti-affinity');
    claim(c, 0, 512, 3, g);
    const o = {
      weighers: ['RAMWeigher', 'ServerGroupSoftAntiAffinityWeigher', 'ServerGroupSoftAffinityWeigher'],
    };
    expect(decide(c, o, g)).toEqual(both('host 1'));
    // Only h0 left with room for 1024 MB (the others full): it wins despite its members.
    for (const h of [1, 2, 3]) claim(c, h, 8192);
    expect(decide(c, o, g)).toEqual(both('host 0'));
  });

  it('soft-affinity with one member on every host: all raw values equal, the term is 0, h0 first', () => {
    const c = fourHosts();
    const g = group(c, 'soft-affinity');
    for (const h of [0, 1, 2, 3]) claim(c, h, 512, 1, g);
    expect(decide(c, { weighers: ['RAMWeigher', 'ServerGroupSoftAffinityWeigher'] }, g)).toEqual(
      both('host 0'),
    );
  });

  it('soft-affinity ×2 with NumInstances -1, members all on h2: 0.875 - 1 + 2 beats 1 - 0 + 0', () => {
    const c = fourHosts();
    const g = group(c, 'soft-affinity');
    claim(c, 0, 512); // 0.9375 - 0.5
    claim(c, 2, 512, 2, g); // 0.875 - 1 + 2
    const o = {
      weighers: ['RAMWeigher', 'NumInstancesWeigher', 'ServerGroupSoftAffinityWeigher'],
      num_instances_weight_multiplier: -1,
      soft_affinity_weight_multiplier: 2,
    };
    expect(decide(c, o, g)).toEqual(both('host 2'));
    // Multiplier 0.5: 0.875 - 1 + 0.5 = 0.375 loses to h1 (1 - 0 + 0).
    expect(decide(c, { ...o, soft_affinity_weight_multiplier: 0.5 }, g)).toEqual(both('host 1'));
  });

  it('a soft-affinity request under the soft-anti-affinity weigher only: that weigher is 0, RAM decides', () => {
    const c = fourHosts();
    const g = group(c, 'soft-affinity');
    claim(c, 0, 512, 2, g);
    expect(decide(c, { weighers: ['RAMWeigher', 'ServerGroupSoftAntiAffinityWeigher'] }, g)).toEqual(
      both('host 1'),
    );
  });
});

describe('the Zed filter and weighers in the index', () => {
  // h0 default (x86_64/qemu/hvm, 6.2.0); h1 aarch64/kvm; h2 x86_64/kvm at 5.0.0; h3 advertises nothing.
  const zed = (h: Record<string, unknown>[] = [{}, {}, {}, {}]) =>
    state(
      cluster({
        allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
        reserved: { memory_mb: 0, disk_gb: 0 },
        hosts: [
          { supported_instances: undefined },
          { supported_instances: [['aarch64', 'kvm', 'hvm']] },
          { supported_instances: [['x86_64', 'kvm', 'hvm']], hypervisor_version: 5000000 },
          { supported_instances: [] },
        ].map((x, i) => ({ name: `h${i}`, vcpus: 8, memory_mb: 8192, disk_gb: 100, ...x, ...h[i] })),
      }),
    );

  it('ImagePropertiesFilter: a static partition per image (x86_64: h0, h2; >= 6.0 too: h0)', () => {
    const c = zed();
    claim(c, 0, 1024);
    // RAM: h2 (8192 free) beats h0 (7168).
    expect(decide(c, {}, undefined, imageProps('hw_architecture=x86_64'))).toEqual(both('host 2'));
    const v6 = imageProps('hw_architecture=x86_64;img_hv_requested_version=>= 6.0');
    expect(decide(c, {}, undefined, v6)).toEqual(both('host 0'));
    expect(decide(c, {}, undefined, imageProps('img_hv_type=xen'))).toEqual(
      both('NoValidHost by ImagePropertiesFilter'),
    );
    // The default architecture puts every request under the filter.
    expect(decide(c, { image_properties_default_architecture: 'aarch64' })).toEqual(both('host 1'));
  });

  it('a host whose version comparison raises: the index declines, the reference raises', () => {
    const c = zed([{ hypervisor_version: 6 }, {}, {}, {}]);
    expect(() =>
      decide(c, {}, undefined, imageProps('hw_architecture=x86_64;img_hv_requested_version=>= 6.0')),
    ).toThrow('the index declined the request');
  });

  it('PCI, CrossCell and equal BuildFailure or Metrics values weigh nothing: left out of the plan', () => {
    const c = zed([{ failed_builds: 1 }, { failed_builds: 1 }, { failed_builds: 1 }, { failed_builds: 1 }]);
    claim(c, 1, 2048);
    claim(c, 2, 1024);
    const weighers = [
      'PCIWeigher',
      'CrossCellWeigher',
      'BuildFailureWeigher',
      'MetricsWeigher',
      'RAMWeigher',
    ];
    // MetricsWeigher: no setting, 0.0 everywhere. RAM stacks (-1): h1 (6144 free) is the fullest.
    expect(decide(c, { weighers, ram_weight_multiplier: -1 })).toEqual(both('host 1'));
  });

  it('BuildFailureWeigher values that differ, or a MetricsWeigher that may raise: no index', () => {
    const c = zed([{ failed_builds: 1 }, {}, {}, {}]);
    expect(() => decide(c, { weighers: ['BuildFailureWeigher'] })).toThrow(
      'the index declined the configuration',
    );
    expect(() =>
      decide(zed(), { weighers: ['MetricsWeigher'], metrics_weight_setting: ['cpu.frequency=1'] }),
    ).toThrow('the index declined the configuration');
  });
});
