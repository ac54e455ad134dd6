import { z } from 'zod';
import { size } from '../common/bounds.ts';
import { InputError, UsageError } from '../common/errors.ts';
import { parseStructured, readStructuredFile } from '../common/structured-file.ts';

/** The fields of one host shape, as a cluster file's host has them (without name, az, aggregates). */
export const hostShapeFields = {
  vcpus: size(),
  memory_mb: size(),
  disk_gb: size().default(0),
  gpus: z.int().min(0).max(64).default(0),
  gpu_model: z.string().default(''),
};

export const hostShapeSchema = z.strictObject(hostShapeFields);

/** A host shape: what `capacity --grow-with` adds and what the generator draws hosts from. */
export type HostShape = z.output<typeof hostShapeSchema>;

const INLINE = /^[a-z_]+=/;

/**
 * A host shape given inline (`vcpus=32,memory_mb=131072,disk_gb=1000[,gpus=8,gpu_model=V100]`) or
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
      raw[key] = key === 'gpu_model' ? v : v === '' ? Number.NaN : Number(v);
    }
    const r = hostShapeSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      const at = issue.path.length > 0 ? `${String(issue.path[0])}: ` : '';
      throw new UsageError(`${flag}: ${at}${issue.message}`);
    }
    return r.data;
  }
  const file = readStructuredFile(value);
  const shape = parseStructured(file, hostShapeSchema);
  if (shape.vcpus === 0 && shape.memory_mb === 0)
    throw new InputError(
      value,
      file.lineOf([]),
      'vcpus',
      'a host shape with no vCPUs and no memory adds nothing',
    );
  return shape;
}
