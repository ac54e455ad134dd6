import { z } from 'zod';
import { size } from '../common/bounds.ts';
import { UsageError } from '../common/errors.ts';
import { parseStructured, readStructuredFile } from '../common/structured-file.ts';

/** The fields of one host shape, as a cluster file's host has them (without name, az, aggregates). */
export const hostShapeFields = {
  vcpus: size(),
  memory_mb: size(),
  disk_gb: size().default(0),
  gpus: z.int().min(0).max(64).default(0),
  gpu_model: z.string().default(''),
};

/** A host shape `capacity --grow-with` adds: the fields above and an optional availability zone. */
export const hostShapeSchema = z
  .strictObject({ ...hostShapeFields, az: z.string().min(1).optional() })
  .refine((s) => s.vcpus > 0 || s.memory_mb > 0, {
    message: 'a host shape with no vCPUs and no memory adds nothing',
    path: ['vcpus'],
  });

export type HostShape = z.output<typeof hostShapeSchema>;

const INLINE = /^[a-z_]+=/;

/**
 * A host shape given inline (`vcpus=32,memory_mb=131072,disk_gb=1000[,gpus=8,gpu_model=V100,az=az1]`) or
 * as a JSON/YAML file holding one such object. `flag` names the option in errors.
 */
export function parseHostShape(value: string, flag: string): HostShape {
  if (INLINE.test(value.trim())) {
    const raw: Record<string, unknown> = {};
    for (const part of value.split(',')) {
      const eq = part.indexOf('=');
      if (eq < 1) throw new UsageError(`${flag}: expected key=value, got "${part}"`);
      const key = part.slice(0, eq).trim();
      const v = part.slice(eq + 1).trim();
      if (Object.hasOwn(raw, key)) throw new UsageError(`${flag}: ${key} given twice`);
      raw[key] = key === 'gpu_model' || key === 'az' ? v : v === '' ? Number.NaN : Number(v);
    }
    const r = hostShapeSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      const at = issue.path.length > 0 ? `${String(issue.path[0])}: ` : '';
      throw new UsageError(`${flag}: ${at}${issue.message}`);
    }
    return r.data;
  }
  return parseStructured(readStructuredFile(value), hostShapeSchema);
}
