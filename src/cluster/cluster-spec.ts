import { InputError } from '../common/errors.ts';
import { MAX_HOSTS } from '../common/limits.ts';
import { PyFloat } from '../common/py-float.ts';
import { parseStructured, readStructuredFile, type StructuredFile } from '../common/structured-file.ts';
import type { HvSpec } from '../model/hv-spec.ts';
import { type ClusterFile, clusterFileSchema } from './schema.ts';

/** A host aggregate: Nova keeps metadata values as strings. */
export interface Aggregate {
  readonly name: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One compute node, fully expanded, in cluster order. */
export interface HostSpec {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
  /** The implicit availability-zone aggregate first (when `az` is set), then the host's own. */
  readonly aggregates: readonly Aggregate[];
  readonly traits: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
  readonly up: boolean;
  /** GPUs on the host (0..64). */
  readonly gpus: number;
  /** The GPU model ('' when not given), matched by a request's `gpu_spec`. */
  readonly gpuModel: string;
  // What the Zed filters and weighers read; absent (hosts made in code) means Nova's defaults as
  // the cluster file gives them (HostTable fills them in).
  /** HostState.supported_instances, canonical; default [['x86_64', 'qemu', 'hvm']]. */
  readonly supportedInstances?: readonly HvSpec[];
  /** ComputeNode.hypervisor_version; default 6002000. */
  readonly hypervisorVersion?: number;
  /** HostState.failed_builds (BuildFailureWeigher); default 0. */
  readonly failedBuilds?: number;
  /** HostState.metrics as name -> value (MetricsWeigher); default none. */
  readonly metrics?: ReadonlyMap<string, number>;
  /** Traits of the host's compute node resource provider in Placement (zed mode); none if absent. */
  readonly providerTraits?: readonly string[];
  /** The host's own allocation ratios: each wins over the cluster-wide one. */
  readonly allocationRatios?: Partial<AllocationRatios>;
  /** The host's own reservations: each wins over the cluster-wide one. */
  readonly reserved?: Partial<Reserved>;
}

/**
 * Reservations (Nova's reserved_host_memory_mb, reserved_host_disk_mb in GB, reserved_host_cpus):
 * `vcpus` (0 when absent) only reaches Placement's VCPU inventory; classic HostState ignores it.
 */
export interface Reserved {
  readonly memoryMb: number;
  readonly diskGb: number;
  readonly vcpus?: number;
}

export interface AllocationRatios {
  readonly cpu: number;
  readonly ram: number;
  readonly disk: number;
}

/** A validated cluster: every host expanded, with the cluster-wide ratios and reservations. */
export interface ClusterSpec {
  readonly hosts: readonly HostSpec[];
  readonly allocationRatios: AllocationRatios;
  readonly reserved: Reserved;
}

/** Read and validate a cluster file (JSON or YAML). Errors name the file, line and field. */
export function loadCluster(path: string): ClusterSpec {
  const file = readStructuredFile(path);
  return clusterFromFile(file, parseStructured(file, clusterFileSchema));
}

/** Build a ClusterSpec from an already-parsed object (tests, generators). */
export function clusterFromObject(value: unknown, label = '<cluster>'): ClusterSpec {
  const file: StructuredFile = { path: label, value, lineOf: () => undefined, sourceOf: () => undefined };
  return clusterFromFile(file, parseStructured(file, clusterFileSchema));
}

function clusterFromFile(file: StructuredFile, parsed: ClusterFile): ClusterSpec {
  checkHostCount(file, parsed);
  const r = parsed.reserved;
  const hosts: HostSpec[] = [];
  const seen = new Map<string, string>();
  const add = (h: HostSpec, where: (string | number)[]) => {
    const first = seen.get(h.name);
    if (first !== undefined) {
      throw new InputError(
        file.path,
        file.lineOf(where),
        'name',
        `duplicate host name "${h.name}" (first at ${first})`,
      );
    }
    seen.set(h.name, where.join('.'));
    hosts.push(h);
  };
  // Follow the order in which "hosts" and "groups" appear in the file.
  for (const key of Object.keys(file.value as object)) {
    if (key === 'hosts') {
      parsed.hosts?.forEach((h, i) => {
        const at = ['hosts', i];
        add(toHostSpec(h.name, h, metadataOf(file, at, h), pythonTraits(file, at, h), metricsOf(h)), at);
      });
    } else if (key === 'groups') {
      parsed.groups?.forEach((g, gi) => {
        const width = Math.max(4, String(g.count).length);
        const at = ['groups', gi];
        const traits = pythonTraits(file, at, g);
        const metadata = metadataOf(file, at, g);
        // One of each for the whole group: a million hosts share them.
        const metrics = metricsOf(g);
        for (let k = 1; k <= g.count; k++) {
          add(toHostSpec(g.prefix + String(k).padStart(width, '0'), g, metadata, traits, metrics), at);
        }
      });
    }
  }
  return {
    hosts,
    allocationRatios: parsed.allocation_ratios,
    reserved: { memoryMb: r.memory_mb, diskGb: r.disk_gb, vcpus: r.vcpus },
  };
}

type HostFields = NonNullable<ClusterFile['hosts']>[number];

/** Refuse, before expanding any group, a cluster of more than MAX_HOSTS hosts. */
function checkHostCount(file: StructuredFile, parsed: ClusterFile): void {
  let total = parsed.hosts?.length ?? 0;
  const limit = MAX_HOSTS.toLocaleString('en-US');
  if (total > MAX_HOSTS) {
    throw new InputError(
      file.path,
      file.lineOf(['hosts']),
      'hosts',
      `more than ${limit} hosts (the host limit)`,
    );
  }
  parsed.groups?.forEach((g, gi) => {
    total += g.count;
    if (total > MAX_HOSTS) {
      const at = ['groups', gi, 'count'];
      throw new InputError(
        file.path,
        file.lineOf(at),
        `groups[${gi}].count`,
        `the cluster would have ${total.toLocaleString('en-US')} hosts, more than the limit of ${limit}`,
      );
    }
  });
}

// The raw (validated) object at a path of the file: zod's record output drops a `__proto__` key,
// which Nova keeps as an ordinary key, so user-named keys are copied from the file itself.
function rawAt(file: StructuredFile, at: readonly (string | number)[]): unknown {
  let v: unknown = file.value;
  for (const k of at) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** Each aggregate's metadata as own string properties (Nova keeps metadata values as strings). */
function metadataOf(
  file: StructuredFile,
  at: readonly (string | number)[],
  h: Omit<HostFields, 'name'>,
): Record<string, string>[] {
  return h.aggregates.map((a, i) => {
    const raw = rawAt(file, [...at, 'aggregates', i, 'metadata']);
    if (raw === null || typeof raw !== 'object') return a.metadata;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  });
}

/**
 * The stats (or traits) values as Nova's `json.loads` holds them: numbers written with a fraction
 * or an exponent become PyFloat, so the ComputeCapabilitiesFilter compares `2.0` as Python's str()
 * prints it.
 */
function pythonTraits(
  file: StructuredFile,
  host: (string | number)[],
  h: Omit<HostFields, 'name'>,
): Record<string, unknown> {
  const field = h.stats !== undefined ? 'stats' : 'traits';
  const parsed = h.stats ?? h.traits ?? {};
  const at = [...host, field];
  const raw = rawAt(file, at);
  const traits = raw !== null && typeof raw === 'object' ? raw : parsed;
  const convert = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'number') return /[.eE]/.test(file.sourceOf(path) ?? '') ? new PyFloat(v) : v;
    if (Array.isArray(v)) return v.map((x, i) => convert(x, [...path, i]));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x, [...path, k])]));
    }
    return v;
  };
  return convert(traits, at) as Record<string, unknown>;
}

/** Metric names are MonitorMetricType names (validated), so a plain object's entries are safe. */
function metricsOf(h: Omit<HostFields, 'name'>): ReadonlyMap<string, number> {
  return new Map(Object.entries(h.metrics));
}

function toHostSpec(
  name: string,
  h: Omit<HostFields, 'name'>,
  metadata: readonly Record<string, string>[],
  traits: Record<string, unknown>,
  metrics: ReadonlyMap<string, number>,
): HostSpec {
  const aggregates: Aggregate[] = [];
  if (h.az !== undefined) aggregates.push({ name: `az:${h.az}`, metadata: { availability_zone: h.az } });
  h.aggregates.forEach((a, i) => {
    aggregates.push({ name: a.name, metadata: metadata[i] });
  });
  return {
    name,
    vcpus: h.vcpus,
    memoryMb: h.memory_mb,
    diskGb: h.disk_gb,
    aggregates,
    traits,
    enabled: h.enabled,
    up: h.up,
    gpus: h.gpus,
    gpuModel: h.gpu_model,
    supportedInstances: h.supported_instances,
    hypervisorVersion: h.hypervisor_version,
    failedBuilds: h.failed_builds,
    metrics,
    providerTraits: h.provider_traits,
    allocationRatios: h.allocation_ratios ?? {},
    reserved: {
      ...(h.reserved?.memory_mb !== undefined && { memoryMb: h.reserved.memory_mb }),
      ...(h.reserved?.disk_gb !== undefined && { diskGb: h.reserved.disk_gb }),
      ...(h.reserved?.vcpus !== undefined && { vcpus: h.reserved.vcpus }),
    },
  };
}
