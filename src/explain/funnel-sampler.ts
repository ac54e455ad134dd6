import type { ClusterState } from '../cluster/cluster-state.ts';
import type { Diagnosis } from '../framework/diagnosis.ts';
import { type DecisionProbe, isExplainable } from '../framework/probe.ts';
import type { FlavorMix } from '../model/flavor-mix.ts';
import type { DriverContext, SchedulerDriver } from '../scheduler/driver.ts';
import type { FilterProperties, RequestSpec } from '../scheduler/request-spec.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { type AggregatedFunnel, FunnelAggregate } from './funnel.ts';

/**
 * How often every report's funnel samples: the requests holding decision 1, N+1, 2N+1... A
 * sampled decision runs the reference filter loop (funnel only, no reasons), whose cost grows with
 * the hosts while the fast paths' barely does: on the canonical 0.8-load trace at 1,000 hosts a
 * sampled single-instance request took about 33 µs against 2.4 µs for a plain decision with its
 * claim, and a multi-instance row 200-350 µs. So N is the power of two at or above the host
 * count, at least 128: about 1% of a run (1 in hosts / 4 took 6% of that replay's CPU).
 */
export function funnelSampleEvery(hosts: number): number {
  let n = 128;
  while (n < hosts) n *= 2;
  return n;
}

/**
 * Whether decisions `first .. first+count-1` (numbered from 1) hold a sampled one: decision 1,
 * every+1, 2·every+1... (the first is always sampled, so even a short replay has a funnel).
 */
export function holdsSample(first: number, count: number, every: number): boolean {
  return Math.floor((first + count - 2) / every) > Math.floor((first - 2) / every);
}

/**
 * The report's sampled funnel: wraps each driver the strategy creates so that a sampled request is
 * decided in diagnosis mode (the same decision; test/explain/explain-property.test.ts), its filter
 * steps summed. Every other request goes straight to the driver. Which requests are sampled depends
 * only on the decision numbers of the replay: same inputs, same funnel, whatever the worker count.
 */
export class FunnelSampler implements DecisionProbe {
  readonly funnelOnly = true;
  private readonly aggregate = new FunnelAggregate();
  private unexplainable: string | undefined;
  private drivers = 0;

  constructor(readonly every: number) {}

  strategy<O>(strategy: Strategy<O>): Strategy<O> {
    return {
      ...strategy,
      create: (cluster: ClusterState, options: O, flavors?: FlavorMix) => {
        const inner = strategy.create(cluster, options, flavors);
        this.drivers++;
        if (isExplainable(inner)) return new SamplingDriver(inner, this, this.every);
        this.unexplainable = `strategy "${inner.name}" cannot explain its decisions (its driver has no setProbe)`;
        return inner;
      },
    };
  }

  filtered(diagnosis: Diagnosis): void {
    this.aggregate.addSteps(diagnosis.steps);
  }

  weighed(): void {}

  scored(): void {}

  /** The funnel, or null with the reason why there is none. */
  result(): { funnel: AggregatedFunnel | null; reason: string | null } {
    if (this.unexplainable !== undefined) return { funnel: null, reason: this.unexplainable };
    if (this.drivers === 0) return { funnel: null, reason: 'no driver was created' };
    return {
      funnel: {
        decisions: this.aggregate.decisions,
        every: this.every,
        sampled: this.every > 1,
        steps: this.aggregate.summary(),
      },
      reason: null,
    };
  }
}

/** A driver whose sampled requests are decided in diagnosis mode, the probe listening. */
class SamplingDriver implements SchedulerDriver {
  readonly name: string;
  private decisions = 0;

  constructor(
    private readonly inner: SchedulerDriver & { setProbe(p: DecisionProbe | undefined): void },
    private readonly probe: DecisionProbe,
    private readonly every: number,
  ) {
    this.name = inner.name;
  }

  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void {
    const first = this.decisions + 1;
    const count = spec.instanceIds.length;
    this.decisions += count;
    if (!holdsSample(first, count, this.every)) {
      this.inner.scheduleRunInstance(ctx, spec, props);
      return;
    }
    this.inner.setProbe(this.probe);
    try {
      this.inner.scheduleRunInstance(ctx, spec, props);
    } finally {
      this.inner.setProbe(undefined);
    }
  }
}
