// Seeded random clusters, traces and configs for the Zed-mode cross-check (zed-cross-check.test.ts):
// every input Zed mode reads appears (ZED-SPEC.md): provider traits, supported instances, hypervisor
// versions, failed builds, stats, metrics, per-host ratios and reserved, hosts without disk, disabled
// and down hosts, AZs (from `az` and from an aggregate's metadata), per-aggregate multipliers, and in
// the trace groups of all four policies, multi-instance rows, deletes and departures, hints, trait
// and capabilities extra specs and image properties.
import { SeededRng } from '../../src/common/rng.ts';

export interface ZedCaseOptions {
  readonly seed: number;
  readonly hosts: number;
  readonly rows: number;
  /** Mean seconds between arrivals. */
  readonly meanGap: number;
  /** Mean instance lifetime in seconds (exponential). */
  readonly meanLifetime: number;
  /** Hosts from this index on get the biggest shape (the case with more candidates than the cap). */
  readonly bigFrom?: number;
  /** Whether some hosts have no disk (default true; false keeps every host a candidate for disk). */
  readonly diskless?: boolean;
  readonly groupShare?: number;
  readonly hintShare?: number;
}

export interface ZedCase {
  readonly cluster: Record<string, unknown>;
  readonly trace: string;
}

/** Traits a request may require or forbid: each is on some host or a standard os-traits name. */
const TRAITS = ['HW_CPU_X86_AVX2', 'CUSTOM_GOLD', 'CUSTOM_NVME'] as const;
const SHAPES: readonly [number, number, number][] = [
  [16, 65536, 500],
  [32, 131072, 1000],
  [8, 32768, 0], // no DISK_GB inventory
  [48, 196608, 2000],
];
const BIG: [number, number, number] = [64, 524288, 4000];
const FLAVORS: readonly [number, number, number][] = [
  [1, 1024, 0],
  [1, 2048, 20],
  [2, 4096, 40],
  [4, 8192, 80],
  [8, 16384, 0],
  [16, 32768, 160],
];
const POLICIES = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const;
const AZS = ['az1', 'az2', 'az3', 'nova', 'az9'] as const; // az3 only from an aggregate; az9 nowhere
const EXTRA_SPECS = [
  'trait:HW_CPU_X86_AVX2=required',
  'trait:CUSTOM_GOLD=forbidden',
  'trait:CUSTOM_NVME=required;trait:CUSTOM_GOLD=forbidden',
  'trait:HW_CPU_X86_SSE=forbidden', // a standard trait no host has: no constraint
  'capabilities:cpu_model=s== Skylake',
  'capabilities:numa_nodes=>= 2',
  'ssd=true', // unscoped and a stats key: ComputeCapabilitiesFilter checks it
  'aggregate_instance_extra_specs:ssd=true', // another scope: ignored by Zed's default filters
] as const;
const IMAGE_PROPS = [
  'hw_architecture=x86_64',
  'hw_architecture=aarch64',
  'hw_architecture=AMD64', // canonicalised to x86_64
  'img_hv_type=kvm',
  'hw_vm_mode=hvm',
  'hw_architecture=x86_64;img_hv_requested_version=>= 6.0',
  'img_hv_requested_version=< 7.0',
] as const;

function pick<T>(rng: SeededRng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

function host(rng: SeededRng, i: number, big: boolean, diskless: boolean): Record<string, unknown> {
  const shape = pick(rng, SHAPES);
  const [vcpus, memory_mb, disk_gb] = big ? BIG : shape[2] === 0 && !diskless ? SHAPES[0] : shape;
  const h: Record<string, unknown> = {
    name: `h${String(i + 1).padStart(5, '0')}`,
    vcpus,
    memory_mb,
    disk_gb,
  };
  const aggregates: { name: string; metadata: Record<string, string> }[] = [];
  if (i % 3 === 0) h.az = 'az1';
  else if (i % 3 === 1) h.az = 'az2';
  else if (rng.float() < 0.5) aggregates.push({ name: 'zone3', metadata: { availability_zone: 'az3' } });
  if (rng.float() < 0.2) {
    aggregates.push({
      name: 'weighted',
      metadata: { ram_weight_multiplier: '2.0', cpu_weight_multiplier: '-1' },
    });
  }
  if (rng.float() < 0.1) {
    aggregates.push({
      name: 'busy',
      metadata: { io_ops_weight_multiplier: '-3', build_failure_weight_multiplier: '10', ssd: 'true' },
    });
  }
  if (aggregates.length > 0) h.aggregates = aggregates;
  // Host 0 has every trait, so each trait a request names exists in Placement.
  const traits = TRAITS.filter((_, k) => i === 0 || rng.float() < [0.5, 0.2, 0.15][k]);
  if (traits.length > 0) h.provider_traits = traits;
  const u = rng.float();
  if (u < 0.15) h.supported_instances = [['aarch64', 'qemu', 'hvm']];
  else if (u < 0.3)
    h.supported_instances = [
      ['x86_64', 'kvm', 'hvm'],
      ['i686', 'kvm', 'hvm'],
    ];
  const v = rng.float();
  if (v < 0.2) h.hypervisor_version = 5000000;
  else if (v < 0.4) h.hypervisor_version = 7001000;
  if (rng.float() < 0.15) h.failed_builds = 1 + rng.int(3);
  h.stats = {
    cpu_model: rng.float() < 0.6 ? 'Skylake' : 'Icelake',
    numa_nodes: pick(rng, [1, 2, 4]),
    ssd: rng.float() < 0.3 ? 'true' : 'false',
  };
  if (rng.float() < 0.8) {
    h.metrics = { 'cpu.frequency': 2000 + rng.int(1600), 'cpu.percent': rng.int(101) };
  }
  if (rng.float() < 0.15) h.allocation_ratios = { ram: 2.0 };
  else if (rng.float() < 0.1) h.allocation_ratios = { cpu: 8.0, disk: 1.5 };
  if (rng.float() < 0.15) h.reserved = { memory_mb: 1024, vcpus: 2 };
  if (i % 12 === 5) h.enabled = false;
  if (i % 15 === 7) h.up = false;
  return h;
}

/** A cluster file and a trace CSV for one cross-check case. */
export function zedCase(o: ZedCaseOptions): ZedCase {
  const rng = new SeededRng(o.seed);
  const hosts = [];
  for (let i = 0; i < o.hosts; i++) {
    hosts.push(host(rng, i, o.bigFrom !== undefined && i >= o.bigFrom, o.diskless ?? true));
  }
  const cluster = {
    allocation_ratios: { cpu: 4.0, ram: 1.5, disk: 1.0 },
    reserved: { memory_mb: 2048, disk_gb: 10, vcpus: 1 },
    hosts,
  };

  const groupShare = o.groupShare ?? 0.15;
  const hintShare = o.hintShare ?? 0.05;
  const groupPolicy = new Map<string, string>();
  const pending: { t: number; id: string }[] = []; // explicit deletes, by due time
  let out = 'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs,';
  out += 'same_host,different_host,image_props\n';
  let t = 0;
  let n = 0;
  for (let written = 0; written < o.rows; ) {
    t = Math.round((t - o.meanGap * Math.log(1 - rng.float())) * 1000) / 1000;
    while (pending.length > 0 && pending[0].t <= t && written < o.rows) {
      const d = pending.shift()!;
      out += `${d.t},delete,${d.id},,,,,,,,,,,,\n`;
      written++;
    }
    if (written >= o.rows) break;
    if (rng.float() < 0.02) {
      out += `${t},delete,ghost${n++},,,,,,,,,,,,\n`;
      written++;
      continue;
    }
    const id = `i${n++}`;
    const [vcpus, memory, disk] = pick(rng, FLAVORS);
    const count = rng.float() < 0.12 ? 2 + rng.int(3) : 1;
    const life = Math.round(-o.meanLifetime * Math.log(1 - rng.float()) * 1000) / 1000;
    const end = rng.float();
    const duration = end < 0.7 ? String(life) : '';
    const az = rng.float() < 0.15 ? pick(rng, AZS) : '';
    let group = '';
    let policy = '';
    if (rng.float() < groupShare) {
      group = `g${rng.int(Math.max(2, Math.floor(o.rows / 40)))}`;
      if (!groupPolicy.has(group)) groupPolicy.set(group, pick(rng, POLICIES));
      policy = groupPolicy.get(group)!;
    }
    const specs = rng.float() < 0.3 ? pick(rng, EXTRA_SPECS) : '';
    let same = '';
    let different = '';
    if (n > 2 && rng.float() < hintShare) {
      const other = `i${Math.max(0, n - 2 - rng.int(10))}`;
      if (rng.float() < 0.5) same = other;
      else different = other;
    }
    const image = rng.float() < 0.2 ? pick(rng, IMAGE_PROPS) : '';
    out += `${t},create,${id},${vcpus},${memory},${disk},${count},${duration},${az},${group},${policy},`;
    out += `${specs},${same},${different},${image}\n`;
    written++;
    if (end >= 0.7 && end < 0.9) {
      // Ends by an explicit delete row instead of a duration (the rest live to the end).
      const due = Math.round((t + life) * 1000) / 1000;
      let at = pending.length;
      while (at > 0 && pending[at - 1].t > due) at--;
      pending.splice(at, 0, { t: due, id });
    }
  }
  return { cluster, trace: out };
}
