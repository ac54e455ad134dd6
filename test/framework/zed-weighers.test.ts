// The weighers Zed adds to all_weighers, values worked out by hand from Nova 26's code:
//   BuildFailureWeigher (weights/compute.py)  host_state.failed_builds; multiplier -1 * (aggregate
//                                             or build_failure_weight_multiplier, 1000000.0)
//   MetricsWeigher (weights/metrics.py)       Σ metric.value * ratio over [metrics] weight_setting;
//                                             a missing one raises when `required` (default True),
//                                             else weight_of_unavailable (-10000.0) unless
//                                             ratio * multiplier(host) == 0
//   PCIWeigher (weights/pci.py)               MAX_DEVS - min(free devices, MAX_DEVS - 1): 100
//                                             without PCI devices; multiplier option min 0.0
//   CrossCellWeigher (weights/cross_cell.py)  0 unless a cross-cell move (never for a create)
// None sets minval or maxval.
import { describe, expect, it } from 'vitest';
import { reusableFilterRequest } from '../../src/framework/request.ts';
import { WeightHandler } from '../../src/framework/weight-handler.ts';
import { SchedulingError } from '../../src/scheduler/errors.ts';
import { cluster, hostSpec, simpleCluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, makeWeigher, multipliers, rawWeights, request } from './support.ts';

const agg = (name: string, metadata: Record<string, string>) => ({ name, metadata });
const host = hostSpec;

describe('minval / maxval', () => {
  it.each(['BuildFailureWeigher', 'MetricsWeigher', 'PCIWeigher', 'CrossCellWeigher'])(
    '%s sets neither',
    (name) => {
      const w = makeWeigher(bench(simpleCluster([{}])), name);
      expect(w.minval).toBeUndefined();
      expect(w.maxval).toBeUndefined();
    },
  );
});

describe('BuildFailureWeigher', () => {
  const failing = () =>
    bench(
      cluster({
        hosts: [
          host('h1'),
          host('h2', { failed_builds: 3 }),
          host('h3', { failed_builds: 1, aggregates: [agg('a', { build_failure_weight_multiplier: '2' })] }),
        ],
      }),
    );

  it('raw value: failed_builds; multiplier: minus the configured or aggregate value', () => {
    const b = failing();
    expect(rawWeights(b, 'BuildFailureWeigher', request(b))).toEqual({ h1: 0, h2: 3, h3: 1 });
    expect(multipliers(b, 'BuildFailureWeigher')).toEqual({ h1: -1000000, h2: -1000000, h3: -2 });
  });

  it('end to end: the default multiplier outweighs free RAM; 0 turns it off', async () => {
    // RAM free (512 reserved): h1 15872, h2 7680 -> normalised (lo = minval 0) 1.0, 0.4839.
    // Failed builds h1 1, h2 0 -> 1.0, 0.0, times -1000000 -> h1 1 - 1e6 < h2 0.48 -> h2.
    const spec = cluster({
      hosts: [host('h1', { memory_mb: 16384, failed_builds: 1 }), host('h2')],
    });
    const lines = ['time,id,vcpus,memory_mb', '0,a,1,1024'];
    const weighers = ['RAMWeigher', 'BuildFailureWeigher'];
    expect((await replayLines(spec, lines, { options: { weighers } })).log.hosts()).toEqual({ a: 'h2' });
    const off = { weighers, build_failure_weight_multiplier: 0 };
    expect((await replayLines(spec, lines, { options: off })).log.hosts()).toEqual({ a: 'h1' });
  });
});

describe('MetricsWeigher', () => {
  const metered = (options: Record<string, unknown>, h2Aggregates: unknown[] = []) =>
    bench(
      cluster({
        hosts: [
          host('h1', { metrics: { 'cpu.frequency': 2000, 'cpu.percent': 50 } }),
          host('h2', { metrics: { 'cpu.frequency': 3000 }, aggregates: h2Aggregates }),
          host('h3'),
        ],
      }),
      { metrics_weight_setting: ['cpu.frequency=1.0', ' cpu.percent=-2.0'], ...options },
    );

  it('Σ value × ratio; a missing metric gives weight_of_unavailable when not required', () => {
    // h1 2000 * 1.0 + 50 * -2.0 = 1900; h2 lacks cpu.percent (-2.0 * 1.0 != 0); h3 lacks both.
    const b = metered({ metrics_required: false });
    expect(rawWeights(b, 'MetricsWeigher', request(b))).toEqual({ h1: 1900, h2: -10000, h3: -10000 });
    const five = metered({ metrics_required: false, metrics_weight_of_unavailable: -5 });
    expect(rawWeights(five, 'MetricsWeigher', request(five))).toEqual({ h1: 1900, h2: -5, h3: -5 });
  });

  it('a missing metric is skipped where ratio × the host multiplier is 0', () => {
    // Multiplier 0 everywhere: h2 3000, h3 0.0.
    const zero = metered({ metrics_required: false, metrics_weight_multiplier: 0 });
    expect(rawWeights(zero, 'MetricsWeigher', request(zero))).toEqual({ h1: 1900, h2: 3000, h3: 0 });
    // Only h2's aggregate sets 0: h2 3000, h3 still -10000.
    const b = metered({ metrics_required: false }, [agg('m', { metrics_weight_multiplier: '0' })]);
    expect(rawWeights(b, 'MetricsWeigher', request(b))).toEqual({ h1: 1900, h2: 3000, h3: -10000 });
    expect(multipliers(b, 'MetricsWeigher')).toEqual({ h1: 1, h2: 0, h3: 1 });
    // A ratio of 0: cpu.percent is skipped on h2.
    const ratio0 = metered({
      metrics_required: false,
      metrics_weight_setting: ['cpu.frequency=1', 'cpu.percent=0'],
    });
    expect(rawWeights(ratio0, 'MetricsWeigher', request(ratio0))).toEqual({ h1: 2000, h2: 3000, h3: -10000 });
  });

  it("required (Nova's default): a host missing a metric raises ComputeHostMetricNotFound", () => {
    const b = metered({});
    const w = makeWeigher(b, 'MetricsWeigher');
    const r = request(b);
    expect(w.weigh(0, r)).toBe(1900);
    expect(() => w.weigh(1, r)).toThrow(
      new SchedulingError('Metric cpu.percent could not be found on the compute host node h2.h2.'),
    );
    expect(() => w.weigh(2, r)).toThrow(/Metric cpu.frequency could not be found .* h3.h3\./);
    expect(w.raises).toBe(true);
    expect(w.fusedForm).toBeUndefined();
  });

  it('raises even with multiplier 0 (Nova weighs every configured weigher); not with one host', () => {
    const b = metered({ metrics_weight_multiplier: 0 });
    const handler = new WeightHandler([makeWeigher(b, 'MetricsWeigher')], 3);
    const req = reusableFilterRequest(3);
    const weights = new Float64Array(3);
    expect(() => handler.weigh(Int32Array.of(0, 2), 2, req, weights)).toThrow(SchedulingError);
    // One host left: nothing is weighed.
    expect(() => handler.weigh(Int32Array.of(2), 1, req, weights)).not.toThrow();
  });

  it('end to end: the request fails when a surviving host lacks a required metric', async () => {
    const spec = cluster({
      hosts: [
        host('h1', { metrics: { 'cpu.frequency': 2000 } }),
        host('h2', { metrics: { 'cpu.frequency': 3000 } }),
        host('h3'),
      ],
    });
    const lines = ['time,id,vcpus,memory_mb,az', '0,a,1,1024,', '1,b,1,1024,z'];
    const options = { weighers: ['MetricsWeigher'], metrics_weight_setting: ['cpu.frequency=1'] };
    const { log } = await replayLines(spec, lines, { options });
    // a: h3 survives and lacks the metric -> ERROR. b asks for zone z, which no host is in:
    // NoValidHost before any weighing.
    expect(log.outcomes.map((o) => [o.id, o.host, o.reason])).toEqual([
      ['a', '', 'Metric cpu.frequency could not be found on the compute host node h3.h3.'],
      ['b', '', 'No valid host was found.'],
    ]);
    // Without h3: 3000 beats 2000.
    const two = cluster({
      hosts: [
        host('h1', { metrics: { 'cpu.frequency': 2000 } }),
        host('h2', { metrics: { 'cpu.frequency': 3000 } }),
      ],
    });
    expect((await replayLines(two, lines.slice(0, 2), { options })).log.hosts()).toEqual({ a: 'h2' });
  });

  it('weight_setting: Nova ListOpt items (stripped, empty ones dropped), a Python float ratio', () => {
    const ok = bench(
      cluster({ hosts: [host('h1', { metrics: { 'cpu.percent': 3, 'cpu.frequency': 1 } })] }),
      {
        metrics_weight_setting: [' cpu.percent= 1_0 ', ' ', 'cpu.frequency=-2e1'],
        metrics_required: false,
      },
    );
    // float(' 1_0 ') = 10.0, float('-2e1') = -20.0: 3 * 10.0 + 1 * -20.0 = 10.
    expect(rawWeights(ok, 'MetricsWeigher', request(ok))).toEqual({ h1: 10 });
    const refused = (setting: unknown) => () =>
      bench(simpleCluster([{}]), { metrics_weight_setting: setting });
    // The name is the text before '=' unstripped, as parse_options takes it: no metric is named so.
    expect(refused(['cpu.percent =1'])).toThrow(/unknown metric \W+cpu\.percent \W/);
    expect(refused(['cpu.mhz=1'])).toThrow(/unknown metric \W+cpu\.mhz\W/);
    expect(refused(['cpu.percent'])).toThrow(/expected name=ratio items/);
    expect(refused(['cpu.percent=fast'])).toThrow(/expected name=ratio items/);
    expect(refused(['cpu.percent=inf'])).toThrow(/expected name=ratio items/);
  });
});

describe('PCIWeigher and CrossCellWeigher: constants here', () => {
  it('PCIWeigher: 100 on every host (no PCI devices), multiplier 1.0, never negative', () => {
    const b = bench(simpleCluster([{}, {}]));
    expect(rawWeights(b, 'PCIWeigher', request(b))).toEqual({ h1: 100, h2: 100 });
    expect(multipliers(b, 'PCIWeigher')).toEqual({ h1: 1, h2: 1 });
    expect(() => bench(simpleCluster([{}]), { pci_weight_multiplier: -1 })).toThrow();
  });

  it('CrossCellWeigher: 0 on every host for a create, multiplier 1000000.0', () => {
    const b = bench(simpleCluster([{}, {}]));
    expect(rawWeights(b, 'CrossCellWeigher', request(b))).toEqual({ h1: 0, h2: 0 });
    expect(multipliers(b, 'CrossCellWeigher')).toEqual({ h1: 1000000, h2: 1000000 });
  });

  it('end to end: they leave the RAM weigher to decide', async () => {
    const spec = cluster({ hosts: [host('h1'), host('h2', { memory_mb: 16384 })] });
    const options = { weighers: ['PCIWeigher', 'CrossCellWeigher', 'RAMWeigher'] };
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024'], { options });
    expect(log.hosts()).toEqual({ a: 'h2' });
  });
});
