import { z } from 'zod';
import { allocationRatio, size } from '../common/bounds.ts';
import { MAX_GPUS, MAX_HOSTS } from '../common/limits.ts';
import { TRAIT_NAME } from '../model/extra-specs.ts';
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

const hostFields = {
  vcpus: count,
  memory_mb: count,
  disk_gb: count,
  az: z.string().min(1).optional(),
  aggregates: z.array(aggregate).default([]),
  traits: z.record(z.string(), z.json()).default({}),
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

const host = z.strictObject({ name: z.string().min(1), ...hostFields });
const hostGroup = z.strictObject({
  count: z
    .int()
    .positive()
    .max(MAX_HOSTS, {
      error: `expected an integer from 1 to ${MAX_HOSTS.toLocaleString('en-US')} (the host limit)`,
    }),
  prefix: z.string(),
  ...hostFields,
});

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
