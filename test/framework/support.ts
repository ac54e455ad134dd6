// Test support for the `filter` strategy: build a cluster state, a FilterRequest, run one filter or
// one weigher over every host, or run the real FilterScheduler through the real SchedulerManager.
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import type { ServerGroup } from '../../src/cluster/groups.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { filterHosts } from '../../src/framework/filter-handler.ts';
import { GroupView } from '../../src/framework/group-view.ts';
import type { FilterOptions } from '../../src/framework/options.ts';
import type { FilterRequest, HostFilter, HostWeigher } from '../../src/framework/types.ts';
import type { ExtraSpecs } from '../../src/model/extra-specs.ts';
import type { Flavor } from '../../src/model/flavor.ts';
import type { GroupPolicy } from '../../src/model/group-policy.ts';
import { type ImageProps, parseImageProps } from '../../src/model/image-props.ts';
import { type ReplayConfig, type Replayer, replay } from '../../src/replay/replayer.ts';
import { SchedulerManager } from '../../src/scheduler/manager.ts';
import { SchedulerRecords } from '../../src/scheduler/records.ts';
import type { FilterProperties, RequestSpec } from '../../src/scheduler/request-spec.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { OutcomeLog, traceFile } from '../helpers/replay.ts';

/** A live cluster state plus the strategy options, as a FilterScheduler would be built from. */
export interface Bench {
  readonly cluster: ClusterState;
  readonly options: FilterOptions;
}

export function bench(spec: ClusterSpec, options: Record<string, unknown> = {}): Bench {
  return { cluster: new ClusterState(spec), options: filterStrategy.optionsSchema.parse(options) };
}

/** Host number of a host name (throws on an unknown name, so a typo fails loudly). */
export function hostIndex(b: Bench, name: string): number {
  const h = b.cluster.hosts.indexOf(name);
  if (h < 0) throw new Error(`no host ${name}`);
  return h;
}

/** Extra specs in dict order, from `[key, value]` pairs (values kept verbatim). */
export function extraSpecs(...entries: [string, string][]): ExtraSpecs {
  return { key: entries.map(([k, v]) => `${k}=${v}`).join(';'), entries };
}

/** A server group, interned in the cluster's group table. */
export function group(b: Bench, name: string, policy: GroupPolicy): ServerGroup {
  return b.cluster.groups.intern(name, policy);
}

/**
 * Put a live instance on a host by name, as the compute node's claim does (bypassing the
 * scheduler). The claim must succeed.
 */
export function place(
  b: Bench,
  hostName: string,
  id: string,
  flavor: Partial<Flavor> = {},
  grp?: ServerGroup,
): number {
  const f: Flavor = { vcpus: 0, memoryMb: 0, diskGb: 0, gpus: 0, gpuMilli: 0, ...flavor };
  const slot = b.cluster.claim(hostIndex(b, hostName), id, f, grp);
  if (slot < 0) throw new Error(`claim of ${id} on ${hostName} failed`);
  return slot;
}

export interface RequestFields {
  id?: string;
  flavor?: Partial<Flavor>;
  az?: string;
  group?: ServerGroup;
  extraSpecs?: ExtraSpecs;
  gpuSpec?: string[];
  sameHost?: string[];
  differentHost?: string[];
  /** The trace's `image_props` text (`hw_architecture=x86_64;...`). */
  imageProps?: string;
  /** Hosts already tried (RetryFilter), by name. */
  retryHosts?: string[];
  /** The host already holding the instance (a multi-create's last host), by name. */
  instanceHost?: string;
  index?: number;
}

/** A FilterRequest for one instance, with the group view refreshed as the scheduler does. */
export function request(b: Bench, fields: RequestFields = {}): FilterRequest {
  const id = fields.id ?? 'r';
  const spec: RequestSpec = {
    requestId: id,
    instanceIds: [id],
    flavor: { vcpus: 0, memoryMb: 0, diskGb: 0, gpus: 0, gpuMilli: 0, ...fields.flavor },
    time: 0,
    availabilityZone: fields.az,
    group: fields.group,
    extraSpecs: fields.extraSpecs,
    gpuSpec: fields.gpuSpec,
    sameHost: fields.sameHost,
    differentHost: fields.differentHost,
    imageProps: fields.imageProps === undefined ? undefined : imageProps(fields.imageProps),
  };
  const view = new GroupView(b.cluster.hosts.size);
  view.refresh(fields.group);
  return {
    spec,
    index: fields.index ?? 0,
    instanceId: id,
    instanceHost: fields.instanceHost === undefined ? -1 : hostIndex(b, fields.instanceHost),
    retryHosts: fields.retryHosts?.map((n) => hostIndex(b, n)),
    group: view,
  };
}

/** Image properties from the trace column's text (which must be valid). */
export function imageProps(text: string): ImageProps {
  const p = parseImageProps(text);
  if (p === undefined || typeof p === 'string') throw new Error(`bad image_props ${text}: ${p}`);
  return p;
}

export function makeFilter(b: Bench, name: string): HostFilter {
  const make = BUILTIN_PLUGINS.filters.get(name);
  if (!make) throw new Error(`no filter ${name}`);
  return make.create({ cluster: b.cluster, options: b.options });
}

export function makeWeigher(b: Bench, name: string): HostWeigher {
  const make = BUILTIN_PLUGINS.weighers.get(name);
  if (!make) throw new Error(`no weigher ${name}`);
  return make.create({ cluster: b.cluster, options: b.options });
}

/**
 * Names of the hosts that pass the named filters, in order, starting from every host in cluster
 * order (Nova's filter handler over the whole host list). Runs the handler (which takes a filter's
 * `filterAll` fast path where there is one) and, separately, Nova's plain loop of `hostPasses`
 * calls, and throws if they disagree.
 */
export function passing(b: Bench, names: string | string[], req: FilterRequest): string[] {
  const filters = (Array.isArray(names) ? names : [names]).map((n) => makeFilter(b, n));
  const n = b.cluster.hosts.size;
  const list = Int32Array.from({ length: n }, (_, i) => i);
  const len = filterHosts(filters, list, n, req);
  const viaHandler = [...list.subarray(0, len)].map((h) => b.cluster.hosts.names[h]);
  const viaHostPasses = hostByHost(b, filters, req);
  if (viaHandler.join() !== viaHostPasses.join()) {
    throw new Error(`filter handler gave [${viaHandler}] but hostPasses gave [${viaHostPasses}]`);
  }
  return viaHandler;
}

/** Nova's `get_filtered_objects` written out with `hostPasses` only. */
function hostByHost(b: Bench, filters: HostFilter[], req: FilterRequest): string[] {
  let hosts = Array.from({ length: b.cluster.hosts.size }, (_, i) => i);
  for (const f of filters) {
    if (req.index > 0 && f.runOncePerRequest) continue;
    if (!f.preFilter(req)) continue;
    hosts = hosts.filter((h) => f.hostPasses(h, req));
    if (hosts.length === 0) break;
  }
  return hosts.map((h) => b.cluster.hosts.names[h]);
}

/** Raw values of one weigher, by host name, for every host (before clamping and normalising). */
export function rawWeights(b: Bench, name: string, req: FilterRequest): Record<string, number> {
  const w = makeWeigher(b, name);
  w.preScore?.(req);
  const out: Record<string, number> = {};
  for (let h = 0; h < b.cluster.hosts.size; h++) out[b.cluster.hosts.names[h]] = w.weigh(h, req);
  return out;
}

/** Per-host multipliers of one weigher, by host name. */
export function multipliers(b: Bench, name: string): Record<string, number> {
  const w = makeWeigher(b, name);
  return Object.fromEntries(b.cluster.hosts.names.map((n, h) => [n, w.multipliers[h]]));
}

export interface ManagedOutcome {
  id: string;
  host: string;
  attempts: number;
  reason: string | undefined;
}

/**
 * Run one request through the real SchedulerManager and FilterScheduler on the bench's cluster
 * state (so earlier `place` calls count), with optional filter properties (a RetryFilter record).
 */
export function runThroughManager(
  b: Bench,
  spec: RequestSpec,
  props?: FilterProperties,
  seed = 0,
): ManagedOutcome[] {
  const out: ManagedOutcome[] = [];
  const names = b.cluster.hosts.names;
  const manager = new SchedulerManager({
    driver: filterStrategy.create(b.cluster, b.options),
    cluster: b.cluster,
    rng: new SeededRng(seed),
    records: new SchedulerRecords(false),
    maxAttempts: 3,
    observers: [
      {
        instanceScheduled: ({ spec: s, index, host, attempts, reason }) => {
          out.push({ id: s.instanceIds[index], host: host >= 0 ? names[host] : '', attempts, reason });
        },
      },
    ],
  });
  manager.runInstance({ time: 0 }, spec, props);
  return out;
}

/** A RequestSpec for `runThroughManager` (count instances named like the replayer names them). */
export function requestSpec(
  id: string,
  flavor: Partial<Flavor>,
  fields: Partial<Omit<RequestSpec, 'requestId' | 'flavor'>> & { count?: number } = {},
): RequestSpec {
  const count = fields.count ?? 1;
  return {
    requestId: id,
    instanceIds: count === 1 ? [id] : Array.from({ length: count }, (_, k) => `${id}-${k}`),
    flavor: { vcpus: 0, memoryMb: 0, diskGb: 0, gpus: 0, gpuMilli: 0, ...flavor },
    time: 0,
    availabilityZone: fields.availabilityZone,
    group: fields.group,
    extraSpecs: fields.extraSpecs,
    gpuSpec: fields.gpuSpec,
    sameHost: fields.sameHost,
    differentHost: fields.differentHost,
    imageProps: fields.imageProps,
  };
}

/**
 * Like test/helpers `replayLines`, with the manager's `multiCreate` switch passed through
 * ('each' is the default contract; 'all-or-nothing' is Nova 26's _ensure_sufficient_hosts).
 */
export async function replayMode(
  spec: ClusterSpec,
  lines: readonly string[],
  cfg: { multiCreate?: 'each' | 'all-or-nothing'; seed?: number; options?: Record<string, unknown> } = {},
): Promise<{ r: Replayer; log: OutcomeLog }> {
  const log = new OutcomeLog(spec.hosts.map((h) => h.name));
  const config: ReplayConfig = {
    strategy: filterStrategy,
    strategyOptions: filterStrategy.optionsSchema.parse(cfg.options ?? {}),
    seed: cfg.seed ?? 0,
    maxAttempts: 3,
    multiCreate: cfg.multiCreate,
    onBadRow: 'stop',
    keepRecords: true,
    observers: [log],
  };
  const r = await replay(spec, new CsvTraceSource(traceFile(lines)), config);
  return { r, log };
}
