import { InputError } from '../common/errors.ts';
import { PyFloat } from '../common/py-float.ts';
import { parseStructured, readStructuredFile, type StructuredFile } from '../common/structured-file.ts';
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
  readonly reserved: { readonly memoryMb: number; readonly diskGb: number };
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
        add(toHostSpec(h.name, h, pythonTraits(file, ['hosts', i, 'traits'], h.traits)), ['hosts', i]);
      });
    } else if (key === 'groups') {
      parsed.groups?.forEach((g, gi) => {
        const width = Math.max(4, String(g.count).length);
        const traits = pythonTraits(file, ['groups', gi, 'traits'], g.traits);
        for (let k = 1; k <= g.count; k++) {
          add(toHostSpec(g.prefix + String(k).padStart(width, '0'), g, traits), ['groups', gi]);
        }
      });
    }
  }
  return {
    hosts,
    allocationRatios: parsed.allocation_ratios,
    reserved: { memoryMb: parsed.reserved.memory_mb, diskGb: parsed.reserved.disk_gb },
  };
}

type HostFields = NonNullable<ClusterFile['hosts']>[number];

/**
 * Trait values as Nova's `json.loads` holds them: numbers written with a fraction or an exponent
 * become PyFloat, so the ComputeCapabilitiesFilter compares `2.0` as Python's str() prints it.
 */
function pythonTraits(
  file: StructuredFile,
  at: (string | number)[],
  traits: Record<string, unknown>,
): Record<string, unknown> {
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

function toHostSpec(name: string, h: Omit<HostFields, 'name'>, traits: Record<string, unknown>): HostSpec {
  const aggregates: Aggregate[] = [];
  if (h.az !== undefined) aggregates.push({ name: `az:${h.az}`, metadata: { availability_zone: h.az } });
  for (const a of h.aggregates) aggregates.push({ name: a.name, metadata: a.metadata });
  return {
    name,
    vcpus: h.vcpus,
    memoryMb: h.memory_mb,
    diskGb: h.disk_gb,
    aggregates,
    traits,
    enabled: h.enabled,
    up: h.up,
  };
}
