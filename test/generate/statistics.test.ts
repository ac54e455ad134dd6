import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../src/generate/cluster.ts';
import { arrivals, generateRecords, options } from './support.ts';

// Every expectation here is worked out from the knobs' definitions, not read from a run.

describe('generated arrivals', () => {
  it('arrive at the asked mean rate', () => {
    // 2 arrivals/s: a Poisson process; with ~150,000 arrivals the rate estimate's standard error
    // is 1/sqrt(150000) = 0.26%, so 2% is a wide margin.
    const { records } = generateRecords({ rows: 200_000, meanGap: 0.5, seed: 3 });
    const a = arrivals(records);
    const span = Number(a[a.length - 1].time);
    expect(a.length / span).toBeGreaterThan(2 * 0.98);
    expect(a.length / span).toBeLessThan(2 * 1.02);
  });

  it('swing diurnally: peak / trough window ratio (1 + a s) / (1 - a s)', () => {
    // rate(t) = m (1 + 0.5 cos(2 pi (t - 250) / 1000)). Averaged over a window of +-50 s (+-pi/10)
    // around the peak (t mod 1000 in [200, 300)) the cosine is sin(pi/10) / (pi/10) = 0.98363, and
    // -0.98363 around the trough ([700, 800)): ratio 1.49181 / 0.50819 = 2.9355.
    const { records } = generateRecords({
      rows: 300_000,
      meanGap: 0.1,
      diurnalAmplitude: 0.5,
      diurnalPeriod: 1000,
      diurnalPeak: 250,
      seed: 4,
    });
    let peak = 0;
    let trough = 0;
    let all = 0;
    const a = arrivals(records);
    const span = Number(a[a.length - 1].time);
    const whole = Math.floor(span / 1000) * 1000;
    for (const r of a) {
      const t = Number(r.time);
      if (t >= whole) break;
      all++;
      const phase = t % 1000;
      if (phase >= 200 && phase < 300) peak++;
      else if (phase >= 700 && phase < 800) trough++;
    }
    expect(peak / trough).toBeGreaterThan(2.9355 * 0.95);
    expect(peak / trough).toBeLessThan(2.9355 * 1.05);
    // Over whole periods the mean rate is still 1 / meanGap = 10/s.
    expect(all / whole).toBeGreaterThan(10 * 0.98);
    expect(all / whole).toBeLessThan(10 * 1.02);
  });

  it('reach the target load of the cluster in its dominant resource (Little: rate x demand x lifetime)', () => {
    const o = { rows: 150_000, hosts: 50, seed: 6, targetLoad: 0.8, deleteRowShare: 0 };
    // Capacity from the cluster file by hand: vCPUs x 4.0, memory x 1.0 - 2048 reserved, disk x 1.0.
    const cluster = generateCluster(options(o)) as {
      hosts: { vcpus: number; memory_mb: number; disk_gb: number }[];
    };
    const cap = { vcpus: 0, memory_mb: 0, disk_gb: 0 };
    for (const h of cluster.hosts) {
      cap.vcpus += h.vcpus * 4;
      cap.memory_mb += h.memory_mb - 2048;
      cap.disk_gb += h.disk_gb;
    }
    const { records } = generateRecords(o);
    const creates = records.filter((r) => r.event === 'create');
    const span = Number(records[records.length - 1].time);
    // Mean demand = the integral of demand over time / span: each create holds its size x count for its duration.
    const load = (k: 'vcpus' | 'memory_mb' | 'disk_gb') =>
      creates.reduce((s, r) => s + Number(r[k]) * Number(r.count) * Number(r.duration), 0) / span / cap[k];
    const loads = [load('vcpus'), load('memory_mb'), load('disk_gb')];
    const dominant = Math.max(...loads);
    // The built-in flavors ask for 13,184 MiB and 4.75 vCPUs on average; the shapes give
    // 240 vCPUs and 243,712 MiB per host on average: memory dominates (5.4% vs 2.0% per flavor).
    expect(loads.indexOf(dominant)).toBe(1);
    expect(dominant).toBeGreaterThan(0.8 * 0.96);
    expect(dominant).toBeLessThan(0.8 * 1.04);
  });
});

describe('generated GPU requests', () => {
  it('have the asked GPU share, sharing share and whole-GPU count weights', () => {
    const { records } = generateRecords({
      rows: 100_000,
      seed: 8,
      gpuShare: 0.3,
      gpuSharingShare: 0.25,
      gpuCounts: { 1: 1, 2: 1, 8: 2 },
      gpuMilliChoices: [200, 500],
      gpuSpecShare: 0.5,
      gpuModels: ['A10', 'T4'],
    });
    const creates = records.filter((r) => r.event === 'create');
    const gpu = creates.filter((r) => r.gpus !== '');
    const sharing = gpu.filter((r) => r.gpu_milli !== '');
    const whole = gpu.filter((r) => r.gpu_milli === '');
    const share = (n: number, of: number) => n / of;
    // ~80,000 creates: the standard error of a 0.3 share is 0.16%; of the others well under 1%.
    expect(share(gpu.length, creates.length)).toBeCloseTo(0.3, 1);
    expect(Math.abs(share(gpu.length, creates.length) - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(share(sharing.length, gpu.length) - 0.25)).toBeLessThan(0.015);
    for (const r of sharing) {
      expect(r.gpus).toBe('1');
      expect(['200', '500']).toContain(r.gpu_milli);
    }
    // Whole counts 1:2:8 weighted 1:1:2 -> shares 0.25, 0.25, 0.5.
    expect(Math.abs(share(whole.filter((r) => r.gpus === '8').length, whole.length) - 0.5)).toBeLessThan(
      0.02,
    );
    expect(Math.abs(share(whole.filter((r) => r.gpus === '1').length, whole.length) - 0.25)).toBeLessThan(
      0.02,
    );
    expect(whole.every((r) => ['1', '2', '8'].includes(r.gpus))).toBe(true);
    const named = gpu.filter((r) => r.gpu_spec !== '');
    expect(Math.abs(share(named.length, gpu.length) - 0.5)).toBeLessThan(0.02);
    expect(named.every((r) => r.gpu_spec === 'A10' || r.gpu_spec === 'T4')).toBe(true);
    // No create without GPUs names a model or a share.
    expect(creates.filter((r) => r.gpus === '').every((r) => r.gpu_milli === '' && r.gpu_spec === '')).toBe(
      true,
    );
  });
});

describe('generated lifetimes and groups', () => {
  const durations = (input: Parameters<typeof generateRecords>[0]) =>
    generateRecords({ rows: 60_000, deleteRowShare: 0, ...input })
      .records.filter((r) => r.event === 'create')
      .map((r) => Number(r.duration));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

  it('exponential: mean m and P(life > m) = 1/e', () => {
    const d = durations({ meanLifetime: 500, seed: 1 });
    expect(Math.abs(mean(d) / 500 - 1)).toBeLessThan(0.03);
    expect(Math.abs(d.filter((x) => x > 500).length / d.length - Math.exp(-1))).toBeLessThan(0.01);
  });

  it('lognormal: mean m and median m exp(-sigma^2 / 2)', () => {
    // sigma 0.8: median 1000 exp(-0.32) = 726.1.
    const d = durations({ meanLifetime: 1000, lifetime: 'lognormal', lifetimeSigma: 0.8, seed: 2 });
    expect(Math.abs(mean(d) / 1000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(median(d) / 726.1 - 1)).toBeLessThan(0.03);
  });

  it('fixed: every lifetime is m', () => {
    expect(new Set(durations({ meanLifetime: 321, lifetime: 'fixed', seed: 3 }))).toEqual(new Set([321]));
  });

  it('group policies follow their weights, one policy per group', () => {
    const { records } = generateRecords({
      rows: 50_000,
      seed: 5,
      groupShare: 0.5,
      groupCount: 2000,
      groupPolicies: { affinity: 3, 'anti-affinity': 1, 'soft-affinity': 0, 'soft-anti-affinity': 0 },
    });
    const policy = new Map<string, string>();
    for (const r of records.filter((x) => x.group !== '')) {
      expect(policy.get(r.group) ?? r.group_policy).toBe(r.group_policy);
      policy.set(r.group, r.group_policy);
    }
    // ~20,000 grouped creates over 2,000 groups: nearly all are used.
    expect(policy.size).toBeGreaterThan(1900);
    expect(policy.size).toBeLessThanOrEqual(2000);
    const affinity = [...policy.values()].filter((p) => p === 'affinity').length;
    expect(Math.abs(affinity / policy.size - 0.75)).toBeLessThan(0.03);
    expect([...policy.values()].every((p) => p === 'affinity' || p === 'anti-affinity')).toBe(true);
  });
});
