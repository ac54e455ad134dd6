// Flags shared by `run` and `capacity`: repeatable lists, the pool's options, one builder for both.
import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_DECISION_TIMEOUT_S } from '../pool/dispatcher.ts';
import type { SharingMode } from '../pool/shared-traces.ts';
import { intOption } from './options.ts';

/** The strategy `run` and `capacity` use when no `--strategy` is given. */
export const DEFAULT_STRATEGY = 'filter';

/** The flags every command that runs on the worker pool takes. */
export interface PoolFlags {
  onBadRow: 'stop' | 'skip';
  workers: number;
  shareTraces: SharingMode;
  progressInterval: number;
  decisionTimeout: number;
  cellTimeout?: number;
  quiet?: boolean;
}

/** The `--strategy` values, or the default strategy when none is given. */
export function strategiesOrDefault(values: readonly string[] | undefined): readonly string[] {
  return values && values.length > 0 ? values : [DEFAULT_STRATEGY];
}

/** `--cluster <file>`, required. */
export function addClusterOption(cmd: Command): Command {
  return cmd.requiredOption('--cluster <file>', 'cluster file (JSON or YAML)');
}

/** `--on-bad-row stop|skip`. */
/** The run profiles `--profile` names, each a `--set` it stands for. */
const PROFILES: Readonly<Record<string, string>> = { 'nova-zed': 'placement=zed' };

/** `--profile nova-zed` (run, demo): the Zed candidate step, as `--set placement=zed`. */
export function profileOption(): Option {
  return new Option(
    '--profile <name>',
    'nova-zed: every strategy runs under the Zed candidate step (Placement first), as --set placement=zed (docs/nova-zed.md)',
  ).choices(Object.keys(PROFILES));
}

/** The `--set` flags a profile stands for (none without one). */
export function profileSets(profile: string | undefined): string[] {
  return profile === undefined ? [] : [PROFILES[profile]];
}

export function onBadRowOption(): Option {
  return new Option('--on-bad-row <mode>', 'stop at a bad row, or skip and count it')
    .choices(['stop', 'skip'])
    .default('stop');
}

/**
 * The pool's flags, in help order: `--workers`, `--share-traces`, `--progress-interval`,
 * `--decision-timeout`, `--cell-timeout`.
 */
export function addPoolOptions(cmd: Command, shareTracesHelp: string): Command {
  return cmd
    .addOption(workersOption())
    .addOption(
      new Option('--share-traces <mode>', shareTracesHelp)
        .choices(['auto', 'always', 'never'])
        .default('auto'),
    )
    .addOption(progressIntervalOption())
    .addOption(decisionTimeoutOption(DEFAULT_DECISION_TIMEOUT_S))
    .addOption(cellTimeoutOption());
}

/** The session options of the pool's flags. */
export function sessionFlags(flags: PoolFlags) {
  return {
    quiet: flags.quiet ?? false,
    progressIntervalS: flags.progressInterval,
    decisionTimeoutS: flags.decisionTimeout,
    cellTimeoutS: flags.cellTimeout,
  };
}

/** A repeatable flag: every value, in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A repeatable flag whose values may also be comma lists (`--strategy a,b --strategy c`). */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}

/** Like collectList, for integers (`--seed 1,2,3`). */
export function collectInts(flag: string) {
  const parse = intOption(flag);
  return (value: string, previous: number[] = []): number[] => [
    ...previous,
    ...value.split(',').map((s) => parse(s.trim())),
  ];
}

function workersOption(): Option {
  return new Option('--workers <n>', 'worker threads')
    .argParser((v) => {
      const n = intOption('--workers')(v);
      if (n < 1) throw new InvalidArgumentError(`--workers expects at least 1, got ${n}`);
      return n;
    })
    .default(availableParallelism(), 'the number of cores');
}

/** `--progress-interval <s>`, for every command that shows progress. */
export function progressIntervalOption(): Option {
  return new Option(
    '--progress-interval <s>',
    'seconds between plain progress lines when stderr is no terminal',
  )
    .argParser((v) => {
      const s = Number(v);
      if (!(s > 0)) throw new InvalidArgumentError(`--progress-interval expects seconds > 0, got "${v}"`);
      return s;
    })
    .default(10);
}

/** Seconds, finite and > 0, or 0 for "no limit" where `zeroDisables`. */
function secondsParser(flag: string, zeroDisables: boolean) {
  return (v: string): number => {
    const s = Number(v);
    const ok = v.trim() !== '' && Number.isFinite(s) && (s > 0 || (zeroDisables && s === 0)) && s <= 1e6;
    if (!ok) {
      throw new InvalidArgumentError(
        `${flag} expects seconds${zeroDisables ? ' (0: no limit)' : ' > 0'} up to 1000000, got "${v}"`,
      );
    }
    return s;
  };
}

/** `--decision-timeout <s>`: one driver call past it fails its cell naming the strategy. */
function decisionTimeoutOption(defaultS: number): Option {
  return new Option(
    '--decision-timeout <s>',
    'seconds one scheduling decision may take before its cell fails, 0 for no limit',
  )
    .argParser(secondsParser('--decision-timeout', true))
    .default(defaultS);
}

/** `--cell-timeout <s>`: a cell running longer fails (no limit by default). */
function cellTimeoutOption(): Option {
  return new Option('--cell-timeout <s>', 'seconds one cell may run before it fails')
    .argParser(secondsParser('--cell-timeout', false))
    .default(undefined, 'no limit');
}
