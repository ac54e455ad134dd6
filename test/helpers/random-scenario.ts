// fast-check arbitraries for whole replays: small clusters (few host shapes, so ties are common; AZs,
// aggregates with per-aggregate weigher multipliers, traits, GPUs, disabled and down hosts, reserved
// memory and disk, allocation ratios, the Zed host fields), traces (arrivals, deletes, durations,
// multi-instance rows, server groups of every policy, AZs, extra specs, hints, GPU requests, image
// properties) and `filter` configs (any
// subset of the built-in filters and weighers in any order, multipliers of any sign).
import fc from 'fast-check';
import { BUILTIN_FILTERS, BUILTIN_WEIGHERS } from '../../src/framework/builtins.ts';
import { GROUP_POLICIES } from '../../src/model/group-policy.ts';
import { cluster } from './cluster.ts';
import type { Scenario } from './decision-log.ts';

const SHAPES = [
  { vcpus: 4, memory_mb: 8192, disk_gb: 40 },
  { vcpus: 16, memory_mb: 32768, disk_gb: 200 },
  { vcpus: 32, memory_mb: 65536, disk_gb: 500 },
  { vcpus: 8, memory_mb: 16384, disk_gb: 0 },
];

const AGGREGATES = [
  { name: 'ssd', metadata: { ssd: 'true' } },
  { name: 'hdd', metadata: { ssd: 'false', ram_weight_multiplier: '-1.0' } },
  { name: 'big', metadata: { ram_weight_multiplier: '2.0', cpu_weight_multiplier: '0' } },
  {
    name: 'busy',
    metadata: {
      io_ops_weight_multiplier: '3',
      disk_weight_multiplier: '-0.5',
      num_instances_weight_multiplier: '1',
    },
  },
];

const mostly = <T>(usual: T, other: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(usual), weight: 4 }, { arbitrary: other, weight: 1 });

const hostArb = fc.record({
  shape: fc.constantFrom(...SHAPES),
  gpus: mostly(0, fc.integer({ min: 1, max: 4 })),
  gpu_model: fc.constantFrom('A', 'B', ''),
  az: fc.constantFrom(undefined, 'az1', 'az2'),
  aggregates: fc.subarray(AGGREGATES),
  arch: fc.constantFrom('x86_64', 'aarch64'),
  enabled: mostly(true, fc.constant(false)),
  up: mostly(true, fc.constant(false)),
  // The Zed fields: undefined is the default (x86_64/qemu/hvm, 6002000, 0 failed builds, no metrics).
  supported_instances: mostly<string[][] | undefined>(
    undefined,
    fc.constantFrom(
      [['aarch64', 'kvm', 'hvm']],
      [
        ['x86_64', 'xen', 'xen'],
        ['i686', 'qemu', 'hvm'],
      ],
      [],
    ),
  ),
  // 6 is not a StrictVersion: a version check on it raises.
  hypervisor_version: mostly<number | undefined>(undefined, fc.constantFrom(5000000, 7001000, 0, 6)),
  failed_builds: mostly(0, fc.integer({ min: 1, max: 3 })),
  metrics: mostly<Record<string, number>>(
    {},
    fc.constantFrom<Record<string, number>>(
      { 'cpu.frequency': 2000 },
      { 'cpu.frequency': 3000, 'cpu.percent': 40 },
    ),
  ),
});

/** A cluster (validated by `cluster()`): mostly 1 to `maxHosts` hosts, sometimes up to 4 times that. */
export function clusterArb(maxHosts = 10) {
  return fc
    .record({
      // Mostly small (ties, full hosts), sometimes a few times larger (deeper index trees).
      hosts: fc.oneof(
        { arbitrary: fc.array(hostArb, { minLength: 1, maxLength: maxHosts }), weight: 3 },
        { arbitrary: fc.array(hostArb, { minLength: maxHosts + 1, maxLength: 4 * maxHosts }), weight: 1 },
      ),
      reserved: fc.record({
        memory_mb: fc.constantFrom(0, 512, 4096),
        disk_gb: fc.constantFrom(0, 10),
      }),
      allocation_ratios: fc.record({
        cpu: fc.constantFrom(1, 4, 16),
        ram: fc.constantFrom(0.5, 1, 1.5),
        disk: fc.constantFrom(0.5, 1, 2),
      }),
    })
    .map(({ hosts, reserved, allocation_ratios }) =>
      cluster({
        reserved,
        allocation_ratios,
        hosts: hosts.map((h, i) => ({
          name: `h${i}`,
          ...h.shape,
          ...(h.az === undefined ? {} : { az: h.az }),
          aggregates: h.aggregates,
          traits: { cpu_arch: h.arch, gpus: h.gpus },
          enabled: h.enabled,
          up: h.up,
          gpus: h.gpus,
          gpu_model: h.gpus > 0 ? h.gpu_model : '',
          ...(h.supported_instances === undefined ? {} : { supported_instances: h.supported_instances }),
          ...(h.hypervisor_version === undefined ? {} : { hypervisor_version: h.hypervisor_version }),
          failed_builds: h.failed_builds,
          metrics: h.metrics,
        })),
      }),
    );
}

const EXTRA_SPECS = [
  'aggregate_instance_extra_specs:ssd=true',
  'aggregate_instance_extra_specs:ssd=<or> false <or> maybe',
  'ssd=true',
  'capabilities:cpu_arch=s== x86_64',
  'capabilities:gpus=>= 2',
];

const GPU_DEMANDS = [
  { gpus: 1, gpu_milli: 1000 },
  { gpus: 1, gpu_milli: 300 },
  { gpus: 1, gpu_milli: 750 },
  { gpus: 2, gpu_milli: 1000 },
];

const createArb = fc.record({
  kind: fc.constant('create' as const),
  dt: fc.constantFrom(0, 0, 1, 2, 5),
  vcpus: fc.constantFrom(1, 2, 4, 8, 16),
  memory_mb: fc.constantFrom(512, 1024, 2048, 4096, 8192, 16384, 40000),
  disk_gb: fc.constantFrom(0, 10, 20, 80, 300),
  count: mostly(1, fc.integer({ min: 2, max: 4 })),
  duration: mostly<number | undefined>(undefined, fc.integer({ min: 1, max: 20 })),
  az: mostly('', fc.constantFrom('az1', 'az2', 'nova')),
  group: mostly<string | undefined>(
    undefined,
    fc.tuple(fc.constantFrom(...GROUP_POLICIES), fc.integer({ min: 0, max: 1 })).map(([p, n]) => `${p}/${n}`),
  ),
  extraSpecs: mostly<string[]>([], fc.subarray(EXTRA_SPECS, { minLength: 1 })),
  sameHost: mostly<number[]>([], fc.array(fc.nat(30), { minLength: 1, maxLength: 2 })),
  differentHost: mostly<number[]>([], fc.array(fc.nat(30), { minLength: 1, maxLength: 2 })),
  gpu: mostly<{ gpus: number; gpu_milli: number } | undefined>(undefined, fc.constantFrom(...GPU_DEMANDS)),
  gpuSpec: fc.constantFrom('', 'A', 'A|B', 'C'),
  imageProps: mostly(
    '',
    fc.constantFrom(
      'hw_architecture=x86_64',
      'hw_architecture=aarch64;img_hv_type=kvm',
      'hw_vm_mode=xen',
      'hw_architecture=x86_64;img_hv_requested_version=>= 6.0',
      'img_hv_requested_version=< 6.0',
    ),
  ),
});
const deleteArb = fc.record({
  kind: fc.constant('delete' as const),
  dt: fc.constantFrom(0, 1, 3),
  of: fc.nat(30),
});

export const TRACE_HEADER =
  'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs,same_host,different_host,gpus,gpu_milli,gpu_spec';
/** The generated traces' header: TRACE_HEADER and the image properties. */
const GENERATED_HEADER = `${TRACE_HEADER},image_props`;

/** Trace CSV lines (header first): creates and deletes of earlier creates, times not decreasing. */
export function traceArb(maxRows = 25, minRows = 1) {
  return fc
    .array(fc.oneof({ arbitrary: createArb, weight: 3 }, { arbitrary: deleteArb, weight: 1 }), {
      minLength: minRows,
      maxLength: maxRows,
    })
    .map((ops) => {
      const lines = [GENERATED_HEADER];
      const ids: string[] = [];
      const earlier = (picks: number[]) =>
        ids.length === 0 ? '' : [...new Set(picks.map((p) => ids[p % ids.length]))].join(';');
      let time = 0;
      for (const op of ops) {
        time += op.dt;
        if (op.kind === 'delete') {
          lines.push(
            `${time},delete,${ids.length === 0 ? 'nobody' : ids[op.of % ids.length]}${','.repeat(15)}`,
          );
          continue;
        }
        const id = `r${ids.length}`;
        const [policy] = (op.group ?? '').split('/');
        const gpu = op.gpu ? `${op.gpu.gpus},${op.gpu.gpu_milli},${op.gpuSpec}` : ',,';
        lines.push(
          [
            time,
            'create',
            id,
            op.vcpus,
            op.memory_mb,
            op.disk_gb,
            op.count,
            op.duration ?? '',
            op.az,
            op.group === undefined ? '' : op.group.replace('/', '-'),
            op.group === undefined ? '' : policy,
            op.extraSpecs.join(';'),
            earlier(op.sameHost),
            earlier(op.differentHost),
            gpu,
            op.imageProps,
          ].join(','),
        );
        ids.push(id);
      }
      return lines;
    });
}

export const FILTER_NAMES = BUILTIN_FILTERS.map((f) => f.name);
export const WEIGHER_NAMES = BUILTIN_WEIGHERS.map((w) => w.name);
const signedMultiplier = fc.constantFrom(-2, -1, -0.5, 0, 0.5, 1, 3);

/** `filter` options: default or random filter and weigher lists, multipliers of any sign and zero. */
export const filterOptionsArb = fc.record({
  filters: mostly<string[] | undefined>(undefined, fc.shuffledSubarray(FILTER_NAMES)),
  weighers: fc.oneof(
    fc.constant<string[] | undefined>(undefined),
    fc.shuffledSubarray(WEIGHER_NAMES, { maxLength: 3 }),
    fc.shuffledSubarray(WEIGHER_NAMES),
  ),
  ram_weight_multiplier: signedMultiplier,
  cpu_weight_multiplier: signedMultiplier,
  disk_weight_multiplier: signedMultiplier,
  io_ops_weight_multiplier: signedMultiplier,
  num_instances_weight_multiplier: signedMultiplier,
  soft_affinity_weight_multiplier: fc.constantFrom(0, 0.5, 1, 2),
  soft_anti_affinity_weight_multiplier: fc.constantFrom(0, 0.5, 1, 2),
  host_subset_size: mostly(1, fc.integer({ min: 2, max: 3 })),
  max_io_ops_per_host: fc.constantFrom(1, 2, 8),
  max_instances_per_host: fc.constantFrom(2, 5, 50),
  group_policy_check: mostly(false, fc.constant(true)),
  build_failure_weight_multiplier: fc.constantFrom(1000000, 1, -1, 0),
  metrics_weight_multiplier: signedMultiplier,
  metrics_weight_setting: fc.constantFrom([], ['cpu.frequency=1'], ['cpu.frequency=1', 'cpu.percent=-2']),
  metrics_required: mostly(false, fc.constant(true)),
  metrics_weight_of_unavailable: fc.constantFrom(-10000, 5),
  pci_weight_multiplier: fc.constantFrom(0, 1, 2),
  cross_cell_move_weight_multiplier: fc.constantFrom(1000000, -1, 0),
  image_properties_default_architecture: mostly<string | undefined>(
    undefined,
    fc.constantFrom('x86_64', 'aarch64'),
  ),
});

/** The `caching` strategy's own options on top. */
export const cachingExtrasArb = fc.record({
  refresh_interval: fc.constantFrom(0, 3, 60),
  workers: fc.integer({ min: 1, max: 3 }),
});

/** Drop the keys left undefined (the schema's defaults then apply). */
export function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** A whole scenario: cluster, trace, seed and max_attempts. */
export function scenarioArb(maxHosts = 10, maxRows = 30, minRows = 1): fc.Arbitrary<Scenario> {
  return fc.record({
    cluster: clusterArb(maxHosts),
    lines: traceArb(maxRows, minRows),
    seed: fc.integer({ min: 0, max: 1000 }),
    maxAttempts: fc.integer({ min: 1, max: 4 }),
  });
}
