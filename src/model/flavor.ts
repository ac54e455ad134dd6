/** The flavor an instance asks for. */
export interface Flavor {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
  /** Whole GPUs per instance (0 for none). */
  readonly gpus: number;
  /** Thousandths of each of those GPUs: 0 when gpus = 0, else 1..1000 (below 1000 only with gpus = 1). */
  readonly gpuMilli: number;
}
