import { z } from 'zod';
import { allocationRatio, size } from '../common/bounds.ts';
import { MAX_GPUS, MAX_HOSTS, MAX_SIZE } from '../common/limits.ts';
import { TRAIT_NAME } from '../model/extra-specs.ts';
import {
  canonicalArchitecture,
  canonicalHvType,
  canonicalVmMode,
  DEFAULT_HYPERVISOR_VERSION,
  DEFAULT_SUPPORTED_INSTANCES,
  type HvSpec,
  METRIC_NAMES,
} from '../model/hv-spec.ts';
import { isPlacementTrait } from '../model/os-traits.ts';

const count = size();
const ratio = allocationRatio();

// Nova keeps aggregate metadata as strings; numbers and booleans are accepted for convenience.
const metadataValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

// Placement refuses a provider trait that is neither a standard (os-traits) name nor CUSTOM_*.
const traitName = z
  .string()
  .regex(TRAIT_NAME, { error: 'expected a trait name: A-Z, 0-9 and _ only' })
  .refine(isPlacementTrait, {
    error: 'expected a standard os-traits name or CUSTOM_ followed by A-Z, 0-9, _',
  });

const aggregate = z.strictObject({
  name: z.string().min(1),
  metadata: z.record(z.string(), metadataValue).default({}),
});

// One `supported_instances` entry, canonical as Nova's HVSpec holds it (its fields canonicalise).
const hvSpec = z.tuple([z.string(), z.string(), z.string()]).transform((t, ctx): HvSpec => {
  const out = [canonicalArchitecture(t[0]), canonicalHvType(t[1]), canonicalVmMode(t[2])];
  const what = ['an architecture', 'a hypervisor type', 'a VM mode'];
  out.forEach((c, i) => {
    if (c === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `${JSON.stringify(t[i])} is not ${what[i]} Nova knows`,
      });
  });
  return out as unknown as HvSpec;
});

// Nova's MonitorMetric: a name of MonitorMetricType and an integer value (IntegerField).
const metrics = z
  .record(z.string(), z.int({ error: 'expected an integer (Nova keeps metric values as integers)' }))
  .superRefine((m, ctx) => {
    for (const name of Object.keys(m)) {
      if (!(METRIC_NAMES as readonly string[]).includes(name))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `unknown metric (Nova's metric names: ${METRIC_NAMES.join(', ')})`,
        });
    }
  });

const FAILED_BUILDS = `expected an integer from 0 to ${MAX_SIZE.toLocaleString('en-US')}`;

const hostFields = {
  vcpus: count,
  memory_mb: count,
  disk_gb: count,
  az: z.string().min(1).optional(),
  aggregates: z.array(aggregate).default([]),
  // Nova's HostState.stats; `traits` is its older name here (not both).
  stats: z.record(z.string(), z.json()).optional(),
  traits: z.record(z.string(), z.json()).optional(),
  supported_instances: z
    .array(hvSpec)
    .default(DEFAULT_SUPPORTED_INSTANCES.map((s) => [...s] as unknown as HvSpec)),
  hypervisor_version: z
    .int({ error: 'expected a non-negative integer (6002000 is version 6.2.0)' })
    .nonnegative({ error: 'expected a non-negative integer (6002000 is version 6.2.0)' })
    .default(DEFAULT_HYPERVISOR_VERSION),
  failed_builds: z
    .number({ error: FAILED_BUILDS })
    .int({ error: FAILED_BUILDS })
    .min(0, { error: FAILED_BUILDS })
    .max(MAX_SIZE, { error: FAILED_BUILDS })
    .default(0),
  metrics: metrics.default({}),
  enabled: z.boolean().default(true),
  up: z.boolean().default(true),
  gpus: z
    .int({ error: `expected an integer from 0 to ${MAX_GPUS}` })
    .min(0, { error: `expected an integer from 0 to ${MAX_GPUS}` })
    .max(MAX_GPUS, { error: `expected an integer from 0 to ${MAX_GPUS} (GPUs per host)` })
    .default(0),
  // Placement-era inputs (docs/nova-zed.md): the compute node provider's traits, and the compute
  // node's own ratios and reservations, which win over the cluster-wide ones.
  provider_traits: z.array(traitName).default([]),
  allocation_ratios: z
    .strictObject({ cpu: ratio.optional(), ram: ratio.optional(), disk: ratio.optional() })
    .optional(),
  reserved: z
    .strictObject({ memory_mb: count.optional(), disk_gb: count.optional(), vcpus: count.optional() })
    .optional(),
  // Matched against a trace's `gpu_spec`, whose models are separated by `|` and trimmed.
  gpu_model: z
    .string()
    .refine((m) => !m.includes('|') && m.trim() === m, {
      error: 'a GPU model has no "|" and no leading or trailing spaces (gpu_spec separates models by "|")',
    })
    .default(''),
};

const notBoth = (h: { stats?: unknown; traits?: unknown }) => h.stats === undefined || h.traits === undefined;
const NOT_BOTH = { path: ['stats'], message: 'give "stats" or its older name "traits", not both' };

const host = z.strictObject({ name: z.string().min(1), ...hostFields }).refine(notBoth, NOT_BOTH);
const hostGroup = z
  .strictObject({
    count: z
      .int()
      .positive()
      .max(MAX_HOSTS, {
        error: `expected an integer from 1 to ${MAX_HOSTS.toLocaleString('en-US')} (the host limit)`,
      }),
    prefix: z.string(),
    ...hostFields,
  })
  .refine(notBoth, NOT_BOTH);

/** The cluster file, as documented in traces/README.md. */
export const clusterFileSchema = z
  .strictObject({
    allocation_ratios: z
      .strictObject({ cpu: ratio.default(16.0), ram: ratio.default(1.5), disk: ratio.default(1.0) })
      .default({ cpu: 16.0, ram: 1.5, disk: 1.0 }),
    reserved: z
      .strictObject({ memory_mb: count.default(512), disk_gb: count.default(0), vcpus: count.default(0) })
      .default({ memory_mb: 512, disk_gb: 0, vcpus: 0 }),
    hosts: z.array(host).optional(),
    groups: z.array(hostGroup).optional(),
  })
  .refine((c) => (c.hosts?.length ?? 0) + (c.groups?.length ?? 0) > 0, {
    message: 'the cluster has no hosts: give "hosts" or "groups"',
  });

export type ClusterFile = z.output<typeof clusterFileSchema>;
