import type { MixFlavor } from './options.ts';

/** The generator's own flavor mix, drawn uniformly. */
export const BUILT_IN_FLAVORS: readonly MixFlavor[] = [
  [1, 1024, 10],
  [1, 2048, 20],
  [2, 4096, 40],
  [4, 8192, 80],
  [8, 16384, 160],
  [16, 32768, 320],
  [2, 8192, 40],
  [4, 32768, 80],
].map(([vcpus, memoryMb, diskGb]) => ({
  vcpus,
  memoryMb,
  diskGb,
  gpus: 0,
  gpuMilli: 0,
  gpuSpec: '',
  weight: 1,
}));
