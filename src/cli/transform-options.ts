// The stress-transform and trace-format flags, shared by `convert`, `run` and `capacity`.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { TRACE_FORMATS, type TraceFormat } from '../trace/formats/sources.ts';
import { NO_TRANSFORMS, type TransformOptions } from '../trace/transforms/options.ts';
import { intOption } from './options.ts';

export interface TransformFlags {
  /** Commander's `--no-departures`: false when given. */
  departures: boolean;
  timeScale: number;
  sort?: boolean;
  shuffle?: number;
  inflate?: number;
  hostsSample?: number;
  transformSeed: number;
}

function positive(flag: string, max: number) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || x <= 0 || x > max)
      throw new InvalidArgumentError(`${flag} expects a number > 0 and at most ${max}, got "${v}"`);
    return x;
  };
}

function hostsSample(v: string): number {
  const x = Number(v);
  const ok = v.trim() !== '' && Number.isFinite(x) && x > 0 && (x < 1 || Number.isInteger(x));
  if (!ok)
    throw new InvalidArgumentError(`--hosts-sample expects a count >= 1 or a fraction in (0, 1), got "${v}"`);
  return x;
}

/** The transform flags, in help order. */
export function addTransformOptions(cmd: Command): Command {
  return cmd
    .option('--no-departures', 'drop deletes and durations: every instance stays to the end')
    .option('--time-scale <f>', 'multiply every time and duration by f', positive('--time-scale', 1e6), 1)
    .option('--sort', 'reorder the requests by time (holds every request in memory)')
    .option(
      '--shuffle <seed>',
      'replay the requests in a seeded random order (holds every request)',
      intOption('--shuffle'),
    )
    .option(
      '--inflate <ratio>',
      'resample the requests until their demand is ratio x the cluster capacity in the dominant resource (holds every request)',
      positive('--inflate', 1000),
    )
    .option(
      '--hosts-sample <n>',
      'keep n hosts, or this fraction of them, drawn with --transform-seed',
      hostsSample,
    )
    .option(
      '--transform-seed <n>',
      'seed of --inflate and --hosts-sample',
      intOption('--transform-seed'),
      NO_TRANSFORMS.seed,
    );
}

/** `--trace-format FORMAT` (run, capacity). */
export function traceFormatOption(): Option {
  return new Option(
    '--trace-format <format>',
    'the format of --trace: a canonical trace CSV or a public trace read through its adapter',
  )
    .choices([...TRACE_FORMATS])
    .default('canonical');
}

export function transformsOf(f: TransformFlags): TransformOptions {
  return {
    noDepartures: f.departures === false,
    timeScale: f.timeScale,
    sort: f.sort ?? false,
    shuffle: f.shuffle,
    inflate: f.inflate,
    hostsSample: f.hostsSample,
    seed: f.transformSeed,
  };
}

export type { TraceFormat };

/** `--trace-format` and the transforms, for `run` and `capacity`. */
export function addTraceInputOptions(cmd: Command): Command {
  return addTransformOptions(cmd.addOption(traceFormatOption()));
}
