import { type Command, InvalidArgumentError, Option } from 'commander';
import { StagedFile } from '../common/atomic-write.ts';
import { ExitStatus, UsageError } from '../common/errors.ts';
import { MAX_TRACE_SECONDS } from '../common/limits.ts';
import { onForcedExit } from '../common/process-guard.ts';
import { escapeControls } from '../common/safe-text.ts';
import { writeGeneratedCluster } from '../generate/cluster.ts';
import { loadFlavorMix, loadHostShapes } from '../generate/mix-file.ts';
import {
  DEFAULT_GENERATOR_OPTIONS as D,
  type GeneratorInput,
  type GeneratorOptions,
  generatorOptionsSchema,
} from '../generate/options.ts';
import { resolveMeanGap, writeTrace } from '../generate/trace.ts';
import { examples } from './help.ts';
import { intOption } from './options.ts';
import { checkOutputFile, type NamedPath, refuseOverwrites } from './output-paths.ts';
import { SIGNAL_EXIT_CODE, stoppedBy, watchStopSignals } from './stop-signals.ts';

function numberOption(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${flag} expects a number, got "${value}"`);
    return n;
  };
}

/** `a=1,b=2` into a record of numbers. */
function weightsOption(flag: string) {
  return (value: string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const part of value.split(',')) {
      const [k, v, ...rest] = part.split('=');
      const w = Number(v);
      if (rest.length > 0 || !k || v === undefined || v.trim() === '' || !Number.isFinite(w))
        throw new InvalidArgumentError(`${flag} expects name=weight,..., got "${part}"`);
      out[k.trim()] = w;
    }
    return out;
  };
}

const list = (value: string) => value.split(',').map((s) => s.trim());

// Each flag: its option key, help, parser. Defaults come from the options schema only.
const FLAGS: readonly {
  key: keyof GeneratorInput;
  flag: string;
  help: string;
  /** For a default the schema works out from other options: what the help says it is. */
  defaultText?: string;
  parse?: (v: string) => unknown;
}[] = [
  { key: 'rows', flag: '--rows <n>', help: 'trace rows', parse: intOption('--rows') },
  { key: 'hosts', flag: '--hosts <n>', help: 'hosts in the cluster', parse: intOption('--hosts') },
  { key: 'seed', flag: '--seed <n>', help: 'seed', parse: intOption('--seed') },
  {
    key: 'meanGap',
    flag: '--mean-gap <s>',
    help: 'mean seconds between arrivals',
    parse: numberOption('--mean-gap'),
  },
  {
    key: 'targetLoad',
    flag: '--target-load <share>',
    help: 'choose the arrival rate so mean demand is this share of capacity (dominant resource)',
    parse: numberOption('--target-load'),
  },
  {
    key: 'loadCluster',
    flag: '--load-cluster <file>',
    help: 'the cluster --target-load refers to',
    defaultText: 'the generated one',
  },
  {
    key: 'meanLifetime',
    flag: '--mean-lifetime <s>',
    help: 'mean instance lifetime in seconds',
    parse: numberOption('--mean-lifetime'),
  },
  {
    key: 'lifetime',
    flag: '--lifetime <kind>',
    help: 'lifetime distribution: exponential, lognormal or fixed',
  },
  {
    key: 'lifetimeSigma',
    flag: '--lifetime-sigma <s>',
    help: 'lognormal sigma (of the log)',
    parse: numberOption('--lifetime-sigma'),
  },
  {
    key: 'multiInstanceShare',
    flag: '--multi-instance-share <p>',
    help: 'share of creates of 2-5 instances',
    parse: numberOption('--multi-instance-share'),
  },
  {
    key: 'groupShare',
    flag: '--group-share <p>',
    help: 'share of creates in a server group',
    parse: numberOption('--group-share'),
  },
  {
    key: 'groupPolicies',
    flag: '--group-policies <weights>',
    help: 'policy weights, e.g. affinity=1,anti-affinity=2,soft-affinity=0,soft-anti-affinity=1',
    parse: weightsOption('--group-policies'),
  },
  {
    key: 'groupCount',
    flag: '--group-count <n>',
    help: 'distinct server groups',
    defaultText: 'rows / 50',
    parse: intOption('--group-count'),
  },
  {
    key: 'azShare',
    flag: '--az-share <p>',
    help: 'share of creates naming an AZ',
    parse: numberOption('--az-share'),
  },
  {
    key: 'extraSpecsShare',
    flag: '--extra-specs-share <p>',
    help: 'share of creates with extra specs',
    parse: numberOption('--extra-specs-share'),
  },
  {
    key: 'deleteRowShare',
    flag: '--delete-row-share <p>',
    help: 'share of creates ended by a delete row',
    parse: numberOption('--delete-row-share'),
  },
  {
    key: 'strayDeleteShare',
    flag: '--stray-delete-share <p>',
    help: 'share of arrivals deleting an id not live',
    parse: numberOption('--stray-delete-share'),
  },
  {
    key: 'hintShare',
    flag: '--hint-share <p>',
    help: 'share of creates with a same_host/different_host hint',
    parse: numberOption('--hint-share'),
  },
  { key: 'zones', flag: '--zones <n>', help: 'availability zones', parse: intOption('--zones') },
  {
    key: 'gpuShare',
    flag: '--gpu-share <p>',
    help: 'share of creates asking for GPUs',
    parse: numberOption('--gpu-share'),
  },
  {
    key: 'gpuSharingShare',
    flag: '--gpu-sharing-share <p>',
    help: 'of those, the share taking part of one GPU',
    parse: numberOption('--gpu-sharing-share'),
  },
  {
    key: 'gpuCounts',
    flag: '--gpu-counts <weights>',
    help: 'whole-GPU counts and weights, e.g. 1=7,2=2,8=1',
    parse: weightsOption('--gpu-counts'),
  },
  {
    key: 'gpuMilliChoices',
    flag: '--gpu-milli <list>',
    help: 'gpu_milli values of GPU-sharing requests, e.g. 100,250,500',
    parse: (v) => list(v).map(numberOption('--gpu-milli')),
  },
  {
    key: 'gpuSpecShare',
    flag: '--gpu-spec-share <p>',
    help: 'share of GPU requests naming a GPU model',
    parse: numberOption('--gpu-spec-share'),
  },
  {
    key: 'gpuHostShare',
    flag: '--gpu-hosts <p>',
    help: 'share of hosts with GPUs',
    parse: numberOption('--gpu-hosts'),
  },
  {
    key: 'gpusPerHost',
    flag: '--gpus-per-host <n>',
    help: 'GPUs of a GPU host',
    parse: intOption('--gpus-per-host'),
  },
  { key: 'gpuModels', flag: '--gpu-models <list>', help: 'GPU models, comma-separated', parse: list },
  {
    key: 'diurnalAmplitude',
    flag: '--diurnal-amplitude <a>',
    help: 'rate swing: rate(t) = mean (1 + a cos(2 pi (t - peak) / period))',
    parse: numberOption('--diurnal-amplitude'),
  },
  {
    key: 'diurnalPeriod',
    flag: '--diurnal-period <s>',
    help: 'seconds of one diurnal period',
    parse: numberOption('--diurnal-period'),
  },
  {
    key: 'diurnalPeak',
    flag: '--diurnal-peak <s>',
    help: 'seconds into the period at which the rate peaks',
    parse: numberOption('--diurnal-peak'),
  },
];

const kebab = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** `schedbench generate`: a seeded synthetic cluster and trace, for benchmarks and tests. */
export function registerGenerate(program: Command): void {
  const cmd = program
    .command('generate')
    .description('write a seeded synthetic cluster (PREFIX-cluster.json) and trace (PREFIX-trace.csv)')
    .requiredOption('--out <prefix>', 'output path prefix')
    .option('--rate <per-s>', 'mean arrivals per second (1 / --mean-gap)', numberOption('--rate'))
    .option(
      '--flavors <file>',
      'flavor mix: YAML, JSON or CSV of vcpus, memory_mb, disk_gb, gpus, gpu_milli, gpu_spec, weight',
    )
    .option(
      '--host-shapes <file>',
      'host shapes: YAML, JSON or CSV of vcpus, memory_mb, disk_gb, gpus, gpu_model, weight',
    );
  for (const f of FLAGS) {
    const o = new Option(f.flag, f.help);
    if (f.parse) o.argParser(f.parse);
    const d = (D as Record<string, unknown>)[f.key];
    if (d !== undefined && typeof d !== 'object') o.default(d);
    else if (f.defaultText !== undefined) o.default(undefined, f.defaultText);
    cmd.addOption(o);
  }
  cmd.addHelpText(
    'after',
    examples(
      'schedbench generate --out /tmp/g --rows 100000 --hosts 1000',
      '# arrivals chosen so that the mean demand is 80% of the capacity',
      'schedbench generate --out /tmp/g --target-load 0.8 --gpu-hosts 0.2 --gpu-share 0.3',
      'schedbench run --cluster /tmp/g-cluster.json --trace /tmp/g-trace.csv',
    ),
  );
  cmd.action(async (flags: Record<string, unknown>) => {
    const input: Record<string, unknown> = {};
    for (const f of FLAGS) {
      const attr = f.flag
        .slice(2)
        .split(' ')[0]
        .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      if (flags[attr] !== undefined) input[f.key] = flags[attr];
    }
    const given = [
      flags.rate !== undefined,
      cmd.getOptionValueSource('meanGap') === 'cli',
      flags.targetLoad !== undefined,
    ];
    if (given.filter(Boolean).length > 1)
      throw new UsageError('give one of --rate, --mean-gap, --target-load');
    if (flags.loadCluster !== undefined && flags.targetLoad === undefined)
      throw new UsageError('--load-cluster needs --target-load');
    const out = flags.out as string;
    const clusterPath = `${out}-cluster.json`;
    const tracePath = `${out}-trace.csv`;
    // Before any file is read or written: an output that is one of the input files is refused.
    const inputs: NamedPath[] = [];
    for (const [flag, path] of [
      ['--load-cluster', flags.loadCluster],
      ['--flavors', flags.flavors],
      ['--host-shapes', flags.hostShapes],
    ] as const)
      if (typeof path === 'string') inputs.push({ role: flag, path });
    refuseOverwrites(inputs, [
      { role: '--out cluster', path: clusterPath },
      { role: '--out trace', path: tracePath },
    ]);
    if (flags.rate !== undefined) {
      const r = flags.rate as number;
      if (!(r > 0)) throw new UsageError(`--rate expects a positive number, got ${r}`);
      if (!(1 / r <= MAX_TRACE_SECONDS))
        throw new UsageError(
          `--rate ${r}: a mean gap of ${1 / r} s between arrivals is above the trace limit of ${MAX_TRACE_SECONDS.toLocaleString('en-US')} s`,
        );
      input.meanGap = 1 / r;
    }
    if (typeof flags.flavors === 'string') input.flavors = loadFlavorMix(flags.flavors);
    if (typeof flags.hostShapes === 'string') input.hostShapes = loadHostShapes(flags.hostShapes);
    const o = parseOptions(input);
    checkOutputFile(clusterPath, '--out');
    checkOutputFile(tracePath, '--out');
    const meanGap = resolveMeanGap(o);
    // The trace grows in a temp file, renamed once whole and once the cluster is written: a
    // signal or a bad value on the way leaves neither output (and the inputs untouched).
    const stop = watchStopSignals();
    const trace = new StagedFile(tracePath);
    const forget = onForcedExit(() => trace.discard());
    try {
      if (!(await writeTrace(o, trace, stop.signal))) {
        const signal = stop.received() ?? 'SIGINT';
        throw new ExitStatus(SIGNAL_EXIT_CODE[signal], `${stoppedBy(signal)}: no trace or cluster written`);
      }
      writeGeneratedCluster(o, clusterPath);
      trace.commit();
    } catch (err) {
      trace.discard();
      throw err;
    } finally {
      forget();
      stop.release();
    }
    const rate =
      o.targetLoad === undefined
        ? ''
        : `, ${(1 / meanGap).toPrecision(4)} arrivals/s for load ${o.targetLoad}`;
    process.stdout.write(
      `${escapeControls(out)}-cluster.json (${o.hosts} hosts)\n${escapeControls(out)}-trace.csv (${o.rows} rows${rate})\n`,
    );
  });
}

/** Validate the options; a problem names its flag. */
function parseOptions(input: Record<string, unknown>): GeneratorOptions {
  const r = generatorOptionsSchema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = String(issue.path[0] ?? '');
  const flag = FLAGS.find((f) => f.key === key)?.flag.split(' ')[0] ?? kebab(key);
  const sub = issue.path.length > 1 ? ` (${issue.path.slice(1).join('.')})` : '';
  throw new UsageError(`${flag}${sub}: ${issue.message}`);
}
