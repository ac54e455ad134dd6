import { z } from 'zod';
import { MAX_HOSTS, MAX_TRACE_SECONDS } from '../common/limits.ts';

const share = () => z.number().min(0).max(1);
const positive = () => z.number().positive().finite();
const weight = () => z.number().nonnegative().finite();
/** Seconds that end up in the trace's times and durations: at most what `run` reads. */
const traceSeconds = () => positive().max(MAX_TRACE_SECONDS);

/** One flavor of a generated mix: sizes, optional GPUs (the trace's gpus/gpu_milli/gpu_spec), weight. */
export interface MixFlavor {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
  readonly gpus: number;
  /** Thousandths of each GPU: 0 when gpus = 0, else 1..1000. */
  readonly gpuMilli: number;
  readonly gpuSpec: string;
  readonly weight: number;
}

/** One host shape of a generated cluster, with its weight in the mix. */
export interface MixHostShape {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
  readonly gpus: number;
  readonly gpuModel: string;
  readonly weight: number;
}

/**
 * Every knob of the generator with its default, in one place. A share is a probability per create
 * row. The defaults (with no flavor or host-shape file, no target load, no GPUs, no diurnal swing)
 * produce byte for byte the trace and cluster the generator has always produced: tests and the
 * measured figures in the README depend on them.
 */
export const generatorOptionsSchema = z.strictObject({
  seed: z.int().default(1),
  rows: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(10_000),
  hosts: z.int().min(1).max(MAX_HOSTS).default(100),
  /** Mean seconds between arrivals (a create or a stray delete); 1 / rate. */
  meanGap: traceSeconds().default(1),
  /** When set: the arrival rate is chosen so that mean demand is this share of capacity (dominant resource). */
  targetLoad: positive().optional(),
  /** The cluster file whose capacity `targetLoad` refers to; default the generated cluster. */
  loadCluster: z.string().min(1).optional(),
  /** Mean instance lifetime in seconds, whatever the distribution. */
  meanLifetime: traceSeconds().default(600),
  lifetime: z.enum(['exponential', 'lognormal', 'fixed']).default('exponential'),
  /** The lognormal's sigma (of the log); its mu follows from the mean: ln(mean) - sigma^2/2. */
  lifetimeSigma: positive().max(10).default(1),
  multiInstanceShare: share().default(0.1),
  groupShare: share().default(0.15),
  /** Relative weights of the group policies a new group gets. */
  groupPolicies: z
    .strictObject({
      affinity: weight().default(1),
      'anti-affinity': weight().default(1),
      'soft-affinity': weight().default(1),
      'soft-anti-affinity': weight().default(1),
    })
    .refine((p) => Object.values(p).some((w) => w > 0), { message: 'at least one policy needs a weight' })
    .default({ affinity: 1, 'anti-affinity': 1, 'soft-affinity': 1, 'soft-anti-affinity': 1 }),
  /** How many distinct groups requests are spread over; default rows / 50. */
  groupCount: z.int().min(1).optional(),
  azShare: share().default(0.2),
  extraSpecsShare: share().default(0.2),
  /** Share of creates that end by an explicit delete row instead of a duration. */
  deleteRowShare: share().default(0.2),
  /** Share of arrivals that are a delete of an id that is not live (a counted no-op). */
  strayDeleteShare: share().max(0.99).default(0.02),
  /** Share of creates with a same_host or different_host hint naming a recent request. */
  hintShare: share().default(0.05),
  zones: z.int().min(1).max(1000).default(2),
  /** Share of creates (of a flavor without GPUs) that ask for GPUs. */
  gpuShare: share().default(0),
  /** Of those, the share that take a part of one GPU (gpus = 1, gpu_milli < 1000). */
  gpuSharingShare: share().default(0.4),
  /** Whole-GPU counts and their weights, for the other GPU requests. */
  gpuCounts: z
    .record(z.string(), weight())
    .refine((r) => Object.keys(r).every((k) => /^(?:[1-9]|[1-5]\d|6[0-4])$/.test(k)), {
      message: 'expected GPU counts from 1 to 64 as keys',
    })
    .default({ 1: 0.7, 2: 0.15, 4: 0.1, 8: 0.05 }),
  /** The gpu_milli values of GPU-sharing requests, drawn uniformly. */
  gpuMilliChoices: z.array(z.int().min(1).max(999)).min(1).default([100, 250, 500, 750]),
  /** Share of GPU requests that name one GPU model of the cluster (gpu_spec). */
  gpuSpecShare: share().default(0),
  /** Share of generated hosts that carry GPUs. */
  gpuHostShare: share().default(0),
  gpusPerHost: z.int().min(1).max(64).default(8),
  gpuModels: z
    .array(
      z
        .string()
        .min(1)
        .regex(/^[^|,\s]+$/, 'no "|", "," or space'),
    )
    .min(1)
    .default(['V100M32', 'T4', 'A10']),
  /** Diurnal swing of the arrival rate: rate(t) = mean * (1 + a cos(2 pi (t - peak) / period)). */
  diurnalAmplitude: share().max(0.99).default(0),
  diurnalPeriod: positive().default(86_400),
  /** Seconds into each period at which the rate peaks. */
  diurnalPeak: z.number().min(0).finite().default(50_400),
  /** Flavors to draw from (a flavor-mix file); default the built-in eight, uniformly. */
  flavors: z.custom<readonly MixFlavor[]>().optional(),
  /** Host shapes to draw from (a host-shape file); default the built-in four, uniformly. */
  hostShapes: z.custom<readonly MixHostShape[]>().optional(),
});

export type GeneratorOptions = z.output<typeof generatorOptionsSchema>;
export type GeneratorInput = z.input<typeof generatorOptionsSchema>;

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = Object.freeze(generatorOptionsSchema.parse({}));

/** Whether the trace carries the GPU columns (gpus, gpu_milli, gpu_spec). */
export function traceHasGpus(o: GeneratorOptions): boolean {
  return o.gpuShare > 0 || (o.flavors?.some((f) => f.gpus > 0) ?? false);
}
