import { writeJsonAtomic } from '../common/atomic-write.ts';
import { SeededRng } from '../common/rng.ts';
import type { GeneratorOptions, MixHostShape } from './options.ts';
import { WeightedPick } from './weighted.ts';

const BUILT_IN_SHAPES: readonly MixHostShape[] = [
  [32, 131072, 2000],
  [64, 262144, 4000],
  [48, 196608, 1000],
  [96, 393216, 4000],
].map(([vcpus, memoryMb, diskGb]) => ({ vcpus, memoryMb, diskGb, gpus: 0, gpuModel: '', weight: 1 }));

/** The cluster-wide settings of every generated cluster. */
export const GENERATED_RATIOS = { cpu: 4.0, ram: 1.0, disk: 1.0 } as const;
export const GENERATED_RESERVED = { memory_mb: 2048, disk_gb: 0 } as const;

/**
 * A cluster with `hosts` hosts drawn from the host shapes, spread over zones, some in an `ssd`
 * aggregate and with traits, so every filter has something to do. With `gpuHostShare`, that share
 * of the hosts (of a shape without GPUs) get `gpusPerHost` GPUs of one of `gpuModels`, and every
 * GPU host is in a `gpu` aggregate.
 */
export function generateCluster(o: GeneratorOptions): Record<string, unknown> {
  const rng = new SeededRng(o.seed ^ 0x5eed);
  const shapes = o.hostShapes ?? BUILT_IN_SHAPES;
  const pick = new WeightedPick(shapes.map((s) => s.weight));
  const hosts = [];
  for (let i = 0; i < o.hosts; i++) {
    const shape = shapes[pick.draw(rng)];
    const ssd = rng.float() < 0.3;
    const aggregates: { name: string; metadata: Record<string, string> }[] = ssd
      ? [{ name: 'ssd', metadata: { ssd: 'true', disk_class: 'fast' } }]
      : [];
    const traits = { cpu_arch: rng.float() < 0.8 ? 'x86_64' : 'aarch64', gpus: rng.float() < 0.1 ? 2 : 0 };
    let gpus = shape.gpus;
    let model = shape.gpuModel;
    // Drawn only when asked for, so a cluster without GPUs is the one it always was.
    if (gpus === 0 && o.gpuHostShare > 0 && rng.float() < o.gpuHostShare) {
      gpus = o.gpusPerHost;
      model = o.gpuModels[rng.int(o.gpuModels.length)];
    }
    if (gpus > 0) aggregates.push({ name: 'gpu', metadata: { gpu: 'true' } });
    hosts.push({
      name: `h${String(i + 1).padStart(5, '0')}`,
      vcpus: shape.vcpus,
      memory_mb: shape.memoryMb,
      disk_gb: shape.diskGb,
      az: `az${1 + (i % o.zones)}`,
      aggregates,
      traits,
      ...(gpus > 0 ? { gpus, gpu_model: model } : {}),
    });
  }
  return { allocation_ratios: { ...GENERATED_RATIOS }, reserved: { ...GENERATED_RESERVED }, hosts };
}

/** Write a generated cluster file (JSON) atomically. */
export function writeGeneratedCluster(o: GeneratorOptions, path: string): void {
  writeJsonAtomic(path, generateCluster(o), 1);
}
