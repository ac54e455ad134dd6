// ComputeCapabilitiesFilter (nova/scheduler/filters/compute_capabilities_filter.py):
//   for (key, req) in extra_specs: scope = key.split(':')
//     one word: skip unless hasattr(host_state, key) or key in host_state.stats
//     more:     skip unless scope[0] == 'capabilities'; drop it
//   _get_capabilities walks the path: a str is json-loaded first; on the HostState an attribute
//   that is None falls back to stats.get(name); a dict uses .get; anything missing -> None.
//   None -> host fails; else extra_specs_ops.match(str(cap), req).
// schedbench: traits are HostState.stats; str() is Python's (True/False, repr of lists and dicts).
import { describe, expect, it } from 'vitest';
import { SchedulingError } from '../../src/scheduler/errors.ts';
import { cluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, extraSpecs, passing, request } from './support.ts';

const F = 'ComputeCapabilitiesFilter';

const hosts = () =>
  bench(
    cluster({
      allocation_ratios: { cpu: 16.0, ram: 1.5, disk: 1.0 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        {
          name: 'h1',
          vcpus: 8,
          memory_mb: 8192,
          disk_gb: 100,
          traits: {
            cpu_arch: 'x86_64',
            gpus: 4,
            sriov: true,
            clock: 2.5,
            cpu_info: { vendor: 'Intel', features: { avx2: true } },
            numa: '{"nodes": 2}', // a JSON string: walked into after json.loads
            tags: ['gold', 'fast'],
            hypervisor_type: 'QEMU', // HostState.hypervisor_type is None -> stats
            nothing: null,
          },
        },
        {
          name: 'h2',
          vcpus: 4,
          memory_mb: 8192,
          disk_gb: 100,
          traits: { cpu_arch: 'aarch64', gpus: 0, sriov: false },
        },
        { name: 'h3', vcpus: 16, memory_mb: 8192, disk_gb: 100 },
      ],
    }),
  );

const ALL = ['h1', 'h2', 'h3'];

describe('ComputeCapabilitiesFilter', () => {
  it('passes every host without extra specs', () => {
    const b = hosts();
    expect(passing(b, F, request(b))).toEqual(ALL);
  });

  describe("'capabilities:' scoped keys", () => {
    it.each<[string, string, string[], string]>([
      ['capabilities:cpu_arch', 'x86_64', ['h1'], 'h3 has no cpu_arch -> None -> fails'],
      ['capabilities:gpus', '>= 2', ['h1'], "str(4) = '4' -> 4.0 >= 2.0; str(0) fails; h3 None"],
      ['capabilities:gpus', '4', ['h1'], "str(4) == '4'"],
      ['capabilities:sriov', 'True', ['h1'], "str(True) == 'True'"],
      ['capabilities:sriov', 'False', ['h2'], "str(False) == 'False'"],
      ['capabilities:sriov', 'true', [], "'True' != 'true'"],
      ['capabilities:clock', '2.5', ['h1'], "str(2.5) == '2.5'"],
      ['capabilities:cpu_info:vendor', 'Intel', ['h1'], 'nested dict path'],
      ['capabilities:cpu_info:features:avx2', 'True', ['h1'], 'two levels down, a boolean'],
      ['capabilities:cpu_info:features', "{'avx2': True}", ['h1'], 'str() of a dict is its Python repr'],
      ['capabilities:tags', "<in> 'fast'", ['h1'], "str(['gold', 'fast']) contains \"'fast'\""],
      ['capabilities:numa:nodes', '== 2', ['h1'], 'a JSON string is loaded, then walked'],
      ['capabilities:cpu_arch:bits', '64', [], "'x86_64' is not JSON -> None"],
      ['capabilities:gpus:count', '4', [], 'an int has no such attribute -> None'],
      ['capabilities:missing', 'x', [], 'no attribute, no trait -> None'],
      ['capabilities:nothing', 'None', [], 'a null trait is None -> fails (never compared)'],
      ['capabilities:vcpus_total', '>= 8', ['h1', 'h3'], 'HostState attribute: 8, 4, 16'],
      ['capabilities:vcpus_total', '8', ['h1'], "str(8) == '8'"],
      ['capabilities:cpu_allocation_ratio', '16.0', ALL, "str(16.0) == '16.0'"],
      ['capabilities:cpu_allocation_ratio', '16', [], "str(16.0) is '16.0', not '16'"],
      ['capabilities:cpu_allocation_ratio', '== 16', ALL, '16.0 == 16.0 as floats'],
      ['capabilities:host', 'h2', ['h2'], 'HostState.host'],
      ['capabilities:nodename', 'h3', ['h3'], 'HostState.nodename'],
      ['capabilities:hypervisor_type', 'QEMU', ['h1'], 'attribute None -> falls back to stats'],
      ['capabilities:total_usable_ram_mb', '8192', ALL, 'str(8192)'],
    ])('%s=%s passes %j (%s)', (key, value, expected) => {
      const b = hosts();
      expect(passing(b, F, request(b, { extraSpecs: extraSpecs([key, value]) }))).toEqual(expected);
    });
  });

  describe('unscoped keys: only when the host has the attribute or the trait', () => {
    it.each<[string, string, string[], string]>([
      ['cpu_arch', 'x86_64', ['h1', 'h3'], 'h2 has the trait and fails; h3 has no such trait: skipped'],
      ['gpus', '>= 1', ['h1', 'h3'], 'h2: 0.0 >= 1.0 fails; h3 skipped'],
      ['sriov', 'True', ['h1', 'h3'], 'h2 False fails; h3 skipped'],
      ['vcpus_total', '>= 8', ['h1', 'h3'], 'every HostState has vcpus_total: 8, 4 (fails), 16'],
      ['hypervisor_type', 'QEMU', ['h1'], 'hasattr is true on every host; None on h2, h3 -> fail'],
      ['nothing', 'None', ['h2', 'h3'], 'h1 has the key with None -> fails; others skip it'],
      ['foo', 'bar', ALL, 'neither an attribute nor a trait anywhere: ignored'],
    ])('%s=%s passes %j (%s)', (key, value, expected) => {
      const b = hosts();
      expect(passing(b, F, request(b, { extraSpecs: extraSpecs([key, value]) }))).toEqual(expected);
    });
  });

  it.each<[string, string]>([
    ['aggregate_instance_extra_specs:cpu_arch', 'zzz'],
    ['hw:cpu_policy', 'dedicated'],
  ])('ignores other scopes (%s)', (key, value) => {
    const b = hosts();
    expect(passing(b, F, request(b, { extraSpecs: extraSpecs([key, value]) }))).toEqual(ALL);
  });

  it('requires every capability spec', () => {
    const b = hosts();
    const specs = extraSpecs(['capabilities:vcpus_total', '>= 4'], ['capabilities:sriov', 'False']);
    // vcpus_total >= 4: all three; sriov False: only h2.
    expect(passing(b, F, request(b, { extraSpecs: specs }))).toEqual(['h2']);
  });

  it("raises where float() of the host's value does (the instance then goes to ERROR)", () => {
    // h1: float('x86_64') raises ValueError.
    const b = hosts();
    const req = request(b, { extraSpecs: extraSpecs(['capabilities:cpu_arch', '>= 1']) });
    expect(() => passing(b, F, req)).toThrow(SchedulingError);
  });

  it('reads usage attributes afresh for every request (free_ram_mb changes)', async () => {
    // Stacking (ram_weight_multiplier -1) so the first instance goes to the fuller host.
    // a: free h1 8192, h2 4096: both >= 4096; stacking picks h2 -> h2 free 4096 - 1024 = 3072.
    // b: h2 3072 >= 4096 is False -> only h1.
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'h1', vcpus: 8, memory_mb: 8192, disk_gb: 100 },
        { name: 'h2', vcpus: 8, memory_mb: 4096, disk_gb: 100 },
      ],
    });
    const { log } = await replayLines(
      spec,
      [
        'time,id,vcpus,memory_mb,extra_specs',
        '0,a,1,1024,capabilities:free_ram_mb=>= 4096',
        '1,b,1,1024,capabilities:free_ram_mb=>= 4096',
      ],
      { options: { filters: ['RamFilter', F], ram_weight_multiplier: -1 } },
    );
    expect(log.hosts()).toEqual({ a: 'h2', b: 'h1' });
  });

  it('end to end: traits steer placement, an unmatched capability is NoValidHost', async () => {
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'h1', vcpus: 8, memory_mb: 4096, disk_gb: 100, traits: { cpu_arch: 'x86_64', gpus: 4 } },
        { name: 'h2', vcpus: 8, memory_mb: 8192, disk_gb: 100, traits: { cpu_arch: 'aarch64' } },
      ],
    });
    const { log } = await replayLines(
      spec,
      [
        'time,id,vcpus,memory_mb,extra_specs',
        '0,a,1,1024,', //                               h2 (more RAM)
        '1,b,1,1024,capabilities:cpu_arch=x86_64', //   h1
        '2,c,1,1024,capabilities:gpus=>= 8', //         h1 has 4, h2 none -> NoValidHost
        '3,d,1,1024,gpus=<or> 2 <or> 4', //             unscoped trait: h1 '4' matches, h2 lacks it -> both pass; RAM -> h2
      ],
      { options: { filters: ['RamFilter', F] } },
    );
    expect(log.hosts()).toEqual({ a: 'h2', b: 'h1', c: '', d: 'h2' });
  });
});

describe('ComputeCapabilitiesFilter reads the Zed host fields as HostState attributes', () => {
  // hypervisor_version an int, failed_builds an int, supported_instances a list of lists (str() is
  // its repr), metrics a MonitorMetricList (never equal to a spec value) or None without metrics.
  const zed = () =>
    bench(
      cluster({
        hosts: [
          {
            name: 'h1',
            vcpus: 8,
            memory_mb: 8192,
            disk_gb: 100,
            failed_builds: 2,
            metrics: { 'cpu.percent': 5 },
          },
          {
            name: 'h2',
            vcpus: 8,
            memory_mb: 8192,
            disk_gb: 100,
            hypervisor_version: 7000000,
            supported_instances: [['aarch64', 'kvm', 'hvm']],
          },
        ],
      }),
    );

  it.each<[string, string, string[]]>([
    ['capabilities:hypervisor_version', '>= 6500000', ['h2']],
    ['hypervisor_version', '6002000', ['h1']],
    ['capabilities:failed_builds', '2', ['h1']],
    ['failed_builds', '0', ['h2']],
    ['supported_instances', "[['x86_64', 'qemu', 'hvm']]", ['h1']],
    ['capabilities:supported_instances', '<in> aarch64', ['h2']],
    ['capabilities:metrics', 's!= x', ['h1']],
  ])('%s=%s passes %j', (key, want, expected) => {
    const b = zed();
    expect(passing(b, F, request(b, { extraSpecs: extraSpecs([key, want]) }))).toEqual(expected);
  });
});
