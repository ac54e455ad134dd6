import type { ClusterState } from '../cluster/cluster-state.ts';
import type { Flavor } from '../model/flavor.ts';
import type { ReplayObserver } from '../replay/observer.ts';
import type { InstanceOutcome } from '../scheduler/outcome.ts';
import { FragmentationMeter } from './fragmentation.ts';
import { taskDistribution } from './gpu-fragmentation.ts';
import { GpuMeter } from './gpu-usage.ts';
import { GroupOutcomes } from './groups.ts';
import { HostSpreadMeter, type HostSpreadSummary } from './host-spread.ts';
import { LatencyRecorder } from './latency.ts';
import { FlavorOutcomes } from './outcomes.ts';
import type { ShapeDistribution } from './shapes.ts';
import type { BusyPeriod, MetricsSummary, PerResource, SoftPolicySummary, WindowPoint } from './summary.ts';
import { UsageTracker } from './usage.ts';
import { WindowSeries } from './windows.ts';

/** How the metrics sample trace time. */
export interface MetricsOptions {
  /** A fixed window width in trace seconds. Default: adaptive (see WindowSeries). */
  readonly windowSeconds?: number;
  /** Adaptive windows: the smallest width tried, in trace seconds. */
  readonly baseWindowSeconds: number;
  /** Adaptive windows: at most this many (even). */
  readonly maxWindows: number;
}

export const DEFAULT_METRICS_OPTIONS: MetricsOptions = { baseWindowSeconds: 1, maxWindows: 256 };

const RULES = {
  covered: 'sum',
  instances: 'sum',
  placed: 'sum',
  nvh: 'sum',
  ucpu: 'sum',
  uram: 'sum',
  udisk: 'sum',
  active: 'sum',
  fcpu: 'last',
  fram: 'last',
  fdisk: 'last',
  // Only written on a cluster with GPUs.
  ugpu: 'sum',
  agpu: 'last',
} as const;
type Field = keyof typeof RULES;
const INTEGRALS: readonly Field[] = ['covered', 'ucpu', 'uram', 'udisk', 'active'];
const GPU_INTEGRALS: readonly Field[] = ['ugpu'];
/**
 * A window's fragmentation sampled when it had no value (nothing of the resource free, or no
 * request shape): stored as -1, since NaN is a sample not taken yet (WindowSeries), and read as null.
 */
const NO_VALUE = -1;

/**
 * The replay's metrics, as one observer: it sees placements, releases, clock ticks and driver-call
 * timings, never decides anything, and between events does O(1) work (fragmentation and a resync
 * of running sums happen once per window).
 */
export class MetricsCollector implements ReplayObserver {
  private readonly opts: MetricsOptions;
  private readonly shapes: ShapeDistribution;
  private usage!: UsageTracker;
  private frag!: FragmentationMeter;
  private spread!: HostSpreadMeter;
  private series: WindowSeries<Field> | undefined;
  private flavors = new FlavorOutcomes();
  /** Only on a cluster with GPUs. */
  private gpu: GpuMeter | undefined;
  private readonly groups = new GroupOutcomes();
  private readonly latency = new LatencyRecorder();
  private placed = 0;
  private nvh = 0;
  private firstNvh: number | null = null;
  /** Trace time the current state has held since. */
  private prev = 0;
  private readonly values = new Float64Array(INTEGRALS.length);
  private readonly fragNow = new Float64Array(3);
  private readonly gpuNow = new Float64Array(1);
  // Whole-span time integrals.
  private span = 0;
  private readonly utilInt = new Float64Array(3);
  private readonly activeUtilInt = new Float64Array(3);
  /** Per resource, the time some schedulable host with capacity of it held an instance. */
  private readonly activeUtilTime = new Float64Array(3);
  private activeInt = 0;
  private activeMax = 0;
  private readonly cvInt = new Float64Array(3);
  private readonly cvTime = new Float64Array(3);
  // The busy period [first arrival, last arrival]: the whole-span integrals as they stood at the
  // first and at the latest arrival, and the utilisation just after the latest one (for a busy
  // period of no duration).
  private firstArrival = Number.NaN;
  private lastArrival = Number.NaN;
  private busyFromSpan = 0;
  private busyToSpan = 0;
  private readonly busyFromInt = new Float64Array(3);
  private readonly busyToInt = new Float64Array(3);
  private readonly afterLastArrival = new Float64Array(3);
  private arrivalSinceHold = false;
  // Σ over arriving instances of the utilisation just before each is placed.
  private readonly arrivalUtilSum = new Float64Array(3);
  private arrivals = 0;
  private result: MetricsSummary | undefined;

  constructor(shapes: ShapeDistribution, opts: Partial<MetricsOptions> = {}) {
    this.shapes = shapes;
    this.opts = { ...DEFAULT_METRICS_OPTIONS, ...opts };
  }

  // --- ReplayObserver ------------------------------------------------------------------------

  begin(cluster: ClusterState): void {
    this.usage = new UsageTracker(cluster);
    this.frag = new FragmentationMeter(cluster, this.usage, this.shapes);
    this.spread = new HostSpreadMeter(this.usage);
    if (cluster.hosts.hasGpus) {
      this.flavors = new FlavorOutcomes(true);
      this.gpu = new GpuMeter(cluster, taskDistribution(shapeFlavors(this.shapes)));
    }
  }

  rowsEnd(): void {
    this.gpu?.rowsEnd();
  }

  clockAdvance(time: number): void {
    if (!this.series) {
      this.start(time);
      return;
    }
    this.holdUntil(time);
  }

  instanceScheduled({ spec, index, host }: InstanceOutcome): void {
    const s = this.series ?? this.start(spec.time);
    this.arrival(spec.time);
    const k = s.index(spec.time);
    s.add('instances', k, 1);
    const ok = host >= 0;
    if (ok) {
      this.placed++;
      s.add('placed', k, 1);
      this.usage.change(host, spec.flavor, 1);
      this.frag.touch(host);
    } else {
      this.nvh++;
      s.add('nvh', k, 1);
      if (this.firstNvh === null) this.firstNvh = spec.time;
    }
    this.flavors.add(spec.flavor, ok);
    this.gpu?.scheduled(spec.flavor, host);
    this.groups.scheduled(spec, index, host);
  }

  instanceReleased(_id: string, host: number, _time: number, flavor: Flavor): void {
    this.usage.change(host, flavor, -1);
    this.frag.touch(host);
    this.gpu?.released(flavor, host);
  }

  driverCall(ms: number): void {
    this.latency.record(ms);
  }

  finish(time: number): void {
    // Every row ticks the clock first: no series yet means the replay had no row at all.
    const replayed = this.series !== undefined;
    // The last clock tick is the replay's end (`time` is clamped at 0 by the replayer).
    const s = this.series ?? this.start(time);
    const end = this.prev;
    const u = this.usage;
    this.frag.measure(this.fragNow);
    const last = s.index(end);
    this.setFragmentation(s, last);
    if (this.gpu) s.set('agpu', last, this.gpu.allocatedGpus());
    this.activeMax = Math.max(this.activeMax, u.active);
    this.result = this.summarise(s, end, replayed);
  }

  /** The metrics of the finished replay. */
  summary(): MetricsSummary {
    if (!this.result) throw new Error('metrics: the replay has not finished');
    return this.result;
  }

  // --- internals -----------------------------------------------------------------------------

  /** Window k's fragmentation samples: the last measurement (NO_VALUE where it had none). */
  private setFragmentation(s: WindowSeries<Field>, k: number): void {
    const f = this.fragNow;
    s.set('fcpu', k, Number.isNaN(f[0]) ? NO_VALUE : f[0]);
    s.set('fram', k, Number.isNaN(f[1]) ? NO_VALUE : f[1]);
    s.set('fdisk', k, Number.isNaN(f[2]) ? NO_VALUE : f[2]);
  }

  private start(time: number): WindowSeries<Field> {
    this.series = new WindowSeries<Field>(time, RULES, {
      fixedWidth: this.opts.windowSeconds,
      baseWidth: this.initialWidth(time),
      maxWindows: this.opts.maxWindows,
    });
    this.prev = time;
    return this.series;
  }

  /**
   * The adaptive width to start from. Doubling from the base width would end, at the latest, at
   * the smallest base · 2^k that fits the rows' span (known from the shape scan) into maxWindows;
   * starting there gives the same windows without measuring thousands of soon-merged ones.
   */
  private initialWidth(origin: number): number {
    const { baseWindowSeconds: base, maxWindows } = this.opts;
    let w = base;
    const last = this.shapes.lastTime;
    if (Number.isFinite(last)) while (Math.floor((last - origin) / w) >= maxWindows) w *= 2;
    return w;
  }

  /** The current state held over [prev, time): integrate it, and sample every window ending in it. */
  private holdUntil(time: number): void {
    const s = this.series!;
    const a = this.prev;
    if (!(time > a)) return;
    const u = this.usage;
    const dt = time - a;
    if (this.arrivalSinceHold) {
      for (let r = 0; r < 3; r++) this.afterLastArrival[r] = u.utilisation(r);
      this.arrivalSinceHold = false;
    }
    const v = this.values;
    v[0] = 1;
    for (let r = 0; r < 3; r++) v[1 + r] = u.utilisation(r);
    v[4] = u.active;
    s.integrate(INTEGRALS, v, a, time);
    if (this.gpu) {
      this.gpuNow[0] = this.gpu.utilisation();
      s.integrate(GPU_INTEGRALS, this.gpuNow, a, time);
    }

    this.span += dt;
    this.gpu?.hold(dt);
    this.activeInt += u.active * dt;
    if (u.active > this.activeMax) this.activeMax = u.active;
    for (let r = 0; r < 3; r++) {
      this.utilInt[r] += v[1 + r] * dt;
      // Over active hosts without capacity of r (a cluster without disk) there is no share of it.
      if (u.active > 0 && u.capActive[r] > 0) {
        this.activeUtilInt[r] += u.activeUtilisation(r) * dt;
        this.activeUtilTime[r] += dt;
      }
      const cv = u.cv(r);
      if (!Number.isNaN(cv)) {
        this.cvInt[r] += cv * dt;
        this.cvTime[r] += dt;
      }
    }

    // Windows whose end lies in (a, time] end while this state holds: sample them with it.
    const kEnd = Math.floor((time - s.origin) / s.width);
    const kFrom = Math.floor((a - s.origin) / s.width);
    if (kEnd > kFrom) {
      this.frag.measure(this.fragNow);
      for (let k = kFrom; k < kEnd; k++) {
        this.setFragmentation(s, k);
        if (this.gpu) s.set('agpu', k, this.gpu.allocatedGpus());
      }
      this.spread.sample((kEnd - kFrom) * s.width);
      u.resync();
    }
    this.prev = time;
  }

  /**
   * An instance arrives at `time` (the state before it has been integrated up to `time`): the
   * busy period starts at the first arrival and, so far, ends at this one.
   */
  private arrival(time: number): void {
    if (Number.isNaN(this.firstArrival)) {
      this.firstArrival = time;
      this.busyFromSpan = this.span;
      this.busyFromInt.set(this.utilInt);
    }
    if (time !== this.lastArrival) {
      this.lastArrival = time;
      this.busyToSpan = this.span;
      // Element by element: TypedArray#set is a call into a builtin, once per request.
      for (let r = 0; r < 3; r++) this.busyToInt[r] = this.utilInt[r];
    }
    this.arrivalSinceHold = true;
    for (let r = 0; r < 3; r++) this.arrivalUtilSum[r] += this.usage.utilisation(r);
    this.arrivals++;
  }

  /**
   * The busy period [first arrival, last arrival] and the time-weighted utilisation over it, and
   * the utilisation arrivals saw (docs/metrics.md); null without arrivals. A period of no
   * duration reports the utilisation just after its arrivals. A resource the schedulable hosts
   * have none of has no utilisation (null).
   */
  private busyPeriod(): BusyPeriod | null {
    if (Number.isNaN(this.firstArrival)) return null;
    const dt = this.busyToSpan - this.busyFromSpan;
    if (this.arrivalSinceHold)
      for (let r = 0; r < 3; r++) this.afterLastArrival[r] = this.usage.utilisation(r);
    const has = (r: number) => this.usage.capTotal[r] > 0;
    const f = (r: number) =>
      !has(r) ? null : dt > 0 ? (this.busyToInt[r] - this.busyFromInt[r]) / dt : this.afterLastArrival[r];
    const a = (r: number) => (has(r) ? this.arrivalUtilSum[r] / this.arrivals : null);
    return {
      start: this.firstArrival,
      end: this.lastArrival,
      duration_s: dt,
      utilisation: { cpu: f(0), ram: f(1), disk: f(2) },
      arrival_utilisation: { cpu: a(0), ram: a(1), disk: a(2) },
    };
  }

  /**
   * The replay's figures. A ratio whose denominator is 0 is null, not 0 (docs/metrics.md): a
   * utilisation of a resource the schedulable hosts have none of, a fragmentation where nothing of
   * it was free or the trace has no shape; and a replay of no row has no span, not even one instant
   * to take its state at, so its time-weighted figures are null.
   */
  private summarise(s: WindowSeries<Field>, end: number, replayed: boolean): MetricsSummary {
    const u = this.usage;
    const span = this.span;
    const has = (r: number) => u.capTotal[r] > 0;
    // A replay whose events all share one instant has no duration: report its final state.
    const timeMean = (integral: number, time: number, now: number) => (time > 0 ? integral / time : now);
    const per = <T>(f: (r: number) => T): PerResource<T> => ({ cpu: f(0), ram: f(1), disk: f(2) });
    const windows: WindowPoint[] = [];
    let cum = 0;
    const fragDt = [0, 0, 0];
    const fragInt = [0, 0, 0];
    // A window that starts at the very end holds only the last instant's events; drop it if empty.
    let count = s.count;
    while (count > 1 && s.get('covered', count - 1) === 0 && s.get('instances', count - 1) === 0) count--;
    for (let k = 0; k < count; k++) {
      const covered = s.get('covered', k);
      const instances = s.get('instances', k);
      const nvh = s.get('nvh', k);
      cum += nvh;
      const mean = (f: Field) => (covered > 0 ? s.get(f, k) / covered : null);
      const util = (f: Field, r: number) => (has(r) ? mean(f) : null);
      const sample = (f: Field) => {
        const x = s.get(f, k);
        return Number.isNaN(x) || x === NO_VALUE ? null : x;
      };
      const fr = [sample('fcpu'), sample('fram'), sample('fdisk')];
      for (let r = 0; r < 3; r++) {
        const x = fr[r];
        if (x === null || !(covered > 0)) continue;
        fragDt[r] += covered;
        fragInt[r] += covered * x;
      }
      windows.push({
        start: s.start(k),
        end: Math.min(s.end(k), Math.max(end, s.start(k))),
        covered,
        instances,
        placed: s.get('placed', k),
        no_valid_host: nvh,
        no_valid_host_cum: cum,
        no_valid_host_rate: instances > 0 ? nvh / instances : null,
        util_cpu: util('ucpu', 0),
        util_ram: util('uram', 1),
        util_disk: util('udisk', 2),
        active_hosts: mean('active'),
        fragmentation_cpu: fr[0],
        fragmentation_ram: fr[1],
        fragmentation_disk: fr[2],
        ...(this.gpu
          ? { util_gpu: this.gpu.capacityMilli > 0 ? mean('ugpu') : null, gpus_allocated: sample('agpu') }
          : {}),
      });
    }
    return {
      outcomes: {
        placed: this.placed,
        no_valid_host: this.nvh,
        first_no_valid_host_time: this.firstNvh,
        by_flavor: this.flavors.list(),
      },
      groups: {
        affinity: { placements: this.groups.affinity.placements, violations: this.groups.affinity.count },
        anti_affinity: {
          placements: this.groups.antiAffinity.placements,
          violations: this.groups.antiAffinity.count,
        },
        soft_affinity: soft(this.groups.softAffinity),
        soft_anti_affinity: soft(this.groups.softAntiAffinity),
      },
      quality: {
        span_s: span,
        schedulable_hosts: u.schedulable,
        utilisation: per((r) =>
          replayed && has(r) ? timeMean(this.utilInt[r], span, u.utilisation(r)) : null,
        ),
        busy_period: this.busyPeriod(),
        active_utilisation: per((r) =>
          this.activeUtilTime[r] > 0
            ? this.activeUtilInt[r] / this.activeUtilTime[r]
            : span === 0 && u.active > 0 && u.capActive[r] > 0
              ? u.activeUtilisation(r)
              : null,
        ),
        active_hosts: {
          mean: replayed ? timeMean(this.activeInt, span, u.active) : null,
          max: this.activeMax,
        },
        balance_cv: per((r) => {
          if (this.cvTime[r] > 0) return this.cvInt[r] / this.cvTime[r];
          const now = u.cv(r);
          return span === 0 && !Number.isNaN(now) ? now : null;
        }),
        fragmentation: per((r) => {
          if (!replayed) return null;
          if (fragDt[r] > 0) return fragInt[r] / fragDt[r];
          const now = this.fragNow[r];
          return Number.isNaN(now) ? null : now;
        }),
        shapes: this.shapes.size,
        ...spreadField(this.spread.summary()),
        ...(this.gpu ? { gpu: this.gpu.summary(replayed) } : {}),
      },
      latency: this.latency.summary(),
      series: { origin: s.origin, window_s: s.width, windows },
    };
  }
}

/** The trace's request shapes as flavors with their instance counts (FGD's task distribution). */
function* shapeFlavors(d: ShapeDistribution): Iterable<{ flavor: Flavor; count: number }> {
  for (let m = 0; m < d.size; m++) {
    const flavor = {
      vcpus: d.vcpus[m],
      memoryMb: d.memoryMb[m],
      diskGb: d.diskGb[m],
      gpus: d.gpus[m],
      gpuMilli: d.gpuMilli[m],
    };
    yield { flavor, count: d.instances[m] };
  }
}

/** Absent when no window ended during the replay (nothing was sampled). */
function spreadField(s: HostSpreadSummary | undefined): { host_utilisation?: HostSpreadSummary } {
  return s ? { host_utilisation: s } : {};
}

function soft(p: { placements: number; count: number }): SoftPolicySummary {
  return {
    placements: p.placements,
    satisfied: p.count,
    satisfaction_rate: p.placements > 0 ? p.count / p.placements : null,
  };
}
