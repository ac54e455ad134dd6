import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkReports, formatResult, median } from '../../src/report/check.ts';
import type { LoadedReport } from '../../src/report/read-report.ts';
import type { Report } from '../../src/report/schema.ts';
import { loadThresholds, parseBound } from '../../src/report/thresholds.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';
import { scenarioReports, withChanges, writeReports } from '../helpers/reports.ts';

function thresholdsFile(text: string, name = 'thresholds.yaml'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** Reports as `check` reads them, each with a made-up file name. */
const loaded = (...reports: Report[]): LoadedReport[] =>
  reports.map((report, i) => ({ path: `r${i}.json`, report }));

/** Fixture reports: the e2e scenario's real report (10 instances, 1 NoValidHost) with timing set. */
let base: Report;
const timed = (decisions: number, p50: number, cal: number) =>
  withChanges(base, (r) => {
    r.performance.decisions_per_s = decisions;
    r.performance.latency_us.p50 = p50;
    r.performance.calibration = { ops_per_s: cal, samples: 10, spread: 1.1 };
  });

beforeAll(async () => {
  [base] = await scenarioReports([{}]);
});

describe('bounds', () => {
  it('parses absolute and relative bounds', () => {
    expect(parseBound('<= 0.02')).toMatchObject({ op: '<=', kind: 'absolute', value: 0.02 });
    expect(parseBound('<= 2%')).toMatchObject({ kind: 'absolute', value: 0.02 });
    expect(parseBound('>= 0.9 * baseline')).toMatchObject({
      op: '>=',
      kind: 'relative',
      factor: 0.9,
      offset: 0,
    });
    expect(parseBound('>= baseline*0.9')).toMatchObject({ factor: 0.9 });
    expect(parseBound('<= baseline + 1%')).toMatchObject({ kind: 'relative', factor: 1.01, offset: 0 });
    expect(parseBound('<= baseline - 2.5')).toMatchObject({ kind: 'relative', factor: 1, offset: -2.5 });
    expect(parseBound('== baseline')).toMatchObject({ op: '==', factor: 1, offset: 0 });
    // Numbers past a double's range (Infinity) are no bound either.
    for (const bad of [
      '0.02',
      '<= lots',
      '=< 1',
      '<= 2 * base',
      '<= baseline + ',
      '>= 1e',
      '>= 1e400',
      '<= 1e999 * baseline',
      '<= baseline - 2e308',
    ])
      expect(parseBound(bad), bad).toBeUndefined();
  });

  it('takes the median over a strategy’s reports', () => {
    expect(median([1, 5, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('checkReports', () => {
  it('checks absolute bounds on the median of several runs', () => {
    const t = loadThresholds(
      thresholdsFile(
        "strategies:\n  '*':\n    contract_mismatches: '<= 0'\n  filter:\n    novalidhost_rate: '<= 5%'\n",
      ),
    );
    const results = checkReports(t, loaded(base, base, base), []);
    // The scenario's NoValidHost rate is 1/10 = 0.1 > 0.05: violated; the contract holds.
    expect(results.map((r) => [r.metric, r.value, r.holds])).toEqual([
      ['contract_mismatches', 0, true],
      ['novalidhost_rate', 0.1, false],
    ]);
    expect(formatResult(results[1])).toBe('filter: novalidhost_rate <= 5%: value 0.1');
  });

  it('scales a timing baseline by the calibration speeds before comparing', () => {
    const t = loadThresholds(
      thresholdsFile(
        "strategies:\n  filter:\n    decisions_per_s: '>= 0.9 * baseline'\n    latency_p50_us: '<= baseline + 10%'\n",
      ),
    );
    // Baseline machine: calibration 4e8 ops/s, 1000 decisions/s, median latency 10 µs.
    // This run: calibration 2e8 (a machine half as fast), 600 decisions/s, 19 µs.
    // decisions_per_s: baseline scaled 1000 · 2e8/4e8 = 500, limit 0.9 · 500 = 450; 600 >= 450 holds.
    // latency_p50_us: baseline scaled 10 · 4e8/2e8 = 20, limit 1.1 · 20 = 22; 19 <= 22 holds.
    const ok = checkReports(t, loaded(timed(600, 19, 2e8)), loaded(timed(1000, 10, 4e8)));
    expect(ok.map((r) => [r.metric, r.holds])).toEqual([
      ['decisions_per_s', true],
      ['latency_p50_us', true],
    ]);
    expect(ok[0].limit).toBeCloseTo(450, 9);
    expect(ok[1].limit).toBeCloseTo(22, 9);
    // Without normalisation the raw baseline counts: limits 900 and 11, both violated.
    const raw = loadThresholds(
      thresholdsFile(
        "strategies:\n  filter:\n    decisions_per_s: '>= 0.9 * baseline'\n    latency_p50_us: '<= baseline + 10%'\ntiming:\n  normalise: false\n",
      ),
    );
    const bad = checkReports(raw, loaded(timed(600, 19, 2e8)), loaded(timed(1000, 10, 4e8)));
    expect(bad.map((r) => [r.limit, r.holds])).toEqual([
      [900, false],
      [11, false],
    ]);
  });

  it('scales by the fastest run of each side, so a bimodal calibration does not move the limit', () => {
    const t = loadThresholds(
      thresholdsFile("strategies:\n  filter:\n    latency_p50_us: '<= 1.4 * baseline'\n"),
    );
    // The same machine, whose calibration lands on a slow (2.3e8) or a fast (4e8) mode per process:
    // three slow baseline runs, four fast ones here. The fastest run is 4e8 on both sides, so the
    // limit is 1.4 · 10 = 14 and 12 µs holds. (Medians, 2.3e8 there and 4e8 here, would have scaled
    // the limit to 14 · 2.3/4 = 8.05 and failed an unchanged 12 µs: the CI failure this replaced.)
    const baseRuns = [2.3e8, 2.3e8, 2.3e8, 4e8, 4e8].map((cal) => timed(1000, 10, cal));
    const hereRuns = [2.3e8, 4e8, 4e8, 4e8, 4e8].map((cal) => timed(1000, 12, cal));
    const [p50] = checkReports(t, loaded(...hereRuns), loaded(...baseRuns));
    expect(p50.limit).toBeCloseTo(14, 9);
    expect(p50.holds).toBe(true);
    // A machine that is really faster (every run at 8e8) still tightens the limit: 14 · 4/8 = 7.
    const [fast] = checkReports(
      t,
      loaded(...[8e8, 8e8, 8e8].map((cal) => timed(1000, 12, cal))),
      loaded(...baseRuns),
    );
    expect(fast.limit).toBeCloseTo(7, 9);
    expect(fast.holds).toBe(false);
  });

  it('does not scale a placement metric, and says n/a where a metric has no value', () => {
    const t = loadThresholds(
      thresholdsFile(
        "strategies:\n  filter:\n    active_hosts_mean: '<= baseline + 1%'\n    soft_affinity_satisfaction: '>= 0.5'\n",
      ),
    );
    const worse = withChanges(base, (r) => {
      r.quality.active_hosts.mean = base.quality.active_hosts.mean! * 1.02;
    });
    const [hosts, soft] = checkReports(t, loaded(timed(1, 1, 2e8), worse, worse), loaded(timed(1, 1, 4e8)));
    // Median of (m, 1.02m, 1.02m) is 1.02m > 1.01m: violated, whatever the calibration says.
    expect(hosts.holds).toBe(false);
    expect(hosts.limit).toBeCloseTo(base.quality.active_hosts.mean! * 1.01, 12);
    // The scenario has no soft-affinity group.
    expect([soft.value, soft.holds]).toEqual([null, null]);
  });
});

describe('schedbench check (exit codes)', () => {
  let good: string;
  let worse: string;
  let baseline: string;
  beforeAll(() => {
    [good, worse, baseline] = writeReports(
      [
        timed(900, 10, 4e8),
        withChanges(timed(900, 10, 4e8), (r) => {
          r.placement.no_valid_host_rate = 0.3;
          r.groups.anti_affinity.violations = 2;
        }),
        timed(1000, 10, 4e8),
      ],
      ['good', 'worse', 'baseline'],
    );
  });
  const THRESHOLDS = [
    'strategies:',
    '  filter:',
    "    novalidhost_rate: '<= baseline + 5%'",
    "    anti_affinity_violations: '<= 0'",
    "    decisions_per_s: '>= 0.8 * baseline'",
    '',
  ].join('\n');

  it('exits 0 when every bound holds', () => {
    const res = cli(['check', '--thresholds', thresholdsFile(THRESHOLDS), '--baseline', baseline, good]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('check: all 3 bound(s) over 1 report(s) of filter hold\n');
    expect(res.code).toBe(0);
  });

  it('exits 1 with one line per violated bound', () => {
    const res = cli(['check', '--thresholds', thresholdsFile(THRESHOLDS), '--baseline', baseline, worse]);
    expect(res.code).toBe(1);
    // 0.3 against 0.1 · 1.05 = 0.105; 2 violations against 0.
    expect(res.stdout.split('\n').filter(Boolean)).toEqual([
      'filter: novalidhost_rate <= baseline + 5%: value 0.3 (limit 0.105: baseline 0.1)',
      'filter: anti_affinity_violations <= 0: value 2',
    ]);
    expect(res.stderr).toBe('schedbench: check: 2 of 3 bound(s) over 1 report(s) of filter violated\n');
  });

  it.each([
    [
      'an unknown metric',
      "strategies:\n  filter:\n    nvh_rate: '<= 0.1'\n",
      /^schedbench: .*thresholds\.yaml:3: strategies\.filter\.nvh_rate: unknown metric "nvh_rate" \(did you mean [^?]*novalidhost_rate[^?]*\? every id: schedbench metrics\)\n$/,
    ],
    [
      'a malformed bound',
      "strategies:\n  filter:\n    novalidhost_rate: 'at most 2%'\n",
      /^schedbench: .*thresholds\.yaml:3: strategies\.filter\.novalidhost_rate: expected a bound such as "<= 0\.02".*got "at most 2%"\n$/,
    ],
    [
      'a wrong type',
      'strategies:\n  filter:\n    novalidhost_rate: 0.02\n',
      /^schedbench: .*thresholds\.yaml:3: strategies\.filter\.novalidhost_rate: /,
    ],
    [
      'an unknown top-level key',
      'strategy: {}\n',
      /^schedbench: .*thresholds\.yaml:1: strategy: unknown key \(expected strategies, timing\)\n$/,
    ],
    [
      'a bad bound in a list',
      "strategies:\n  filter:\n    novalidhost_rate: ['<= 0.1', '>> 0']\n",
      /^schedbench: .*thresholds\.yaml:3: strategies\.filter\.novalidhost_rate\[1\]: expected a bound such as .*got ">> 0"\n$/,
    ],
    ['not YAML at all', 'strategies: [\n', /^schedbench: .*thresholds\.yaml:\d+: not valid JSON or YAML/],
  ])('exits 2 on a thresholds file with %s', (_what, text, message) => {
    const res = cli(['check', '--thresholds', thresholdsFile(text), '--baseline', baseline, good]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 2 when a relative bound has no baseline, or a report is missing or invalid', () => {
    const t = thresholdsFile(THRESHOLDS);
    const noBase = cli(['check', '--thresholds', t, good]);
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toMatch(
      /thresholds\.yaml:3: strategies\.filter\.novalidhost_rate: "<= baseline \+ 5%" is relative to a baseline, but no --baseline report is for strategy filter\n$/,
    );
    const missing = cli(['check', '--thresholds', t, '--baseline', baseline, join(tempDir(), 'gone.json')]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/gone\.json: no such file\n$/)]);
    const [invalid] = writeReports([
      withChanges(base, (r) => {
        (r as { schema_version: number }).schema_version = 99;
      }),
    ]);
    const bad = cli(['check', '--thresholds', t, '--baseline', baseline, invalid]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/report-0\.json:\d+: schema_version: /);
  });
});

describe('schedbench check cannot pass by mistake', () => {
  let good: string;
  let weighted: string;
  beforeAll(() => {
    [good, weighted] = writeReports(
      [
        base,
        withChanges(base, (r) => {
          r.inputs.strategy = 'weighted';
        }),
      ],
      ['filter', 'weighted'],
    );
  });
  const run = (text: string, ...reports: string[]) =>
    cli(['check', '--thresholds', thresholdsFile(text), ...reports]);

  it('a key naming no report’s strategy (a typo) is exit 2 naming it and the strategies present', () => {
    const typo = run("strategies:\n  fitler:\n    novalidhost_rate: '<= 5%'\n", good, weighted);
    expect([typo.code, typo.stdout]).toEqual([2, '']);
    expect(typo.stderr).toMatch(
      /^schedbench: \S+thresholds\.yaml:3: strategies\.fitler: no report is of strategy "fitler" \(the reports are of: filter, weighted\)\n$/,
    );
    // With a good key beside it, the good one is not checked alone: still exit 2, nothing passes.
    const both = run(
      "strategies:\n  filter:\n    contract_mismatches: '<= 0'\n  wieghted:\n    novalidhost_rate: '<= 5%'\n  fitler: {}\n",
      good,
      weighted,
    );
    expect([both.code, both.stdout]).toEqual([2, '']);
    expect(both.stderr).toMatch(
      /thresholds\.yaml:5: strategies\.wieghted: no report is of strategy "wieghted" \(the reports are of: filter, weighted\); no report either for "fitler"\n$/,
    );
  });

  it('warns about reports no bound covers, and says so in the summary', () => {
    const t = thresholdsFile("strategies:\n  filter:\n    contract_mismatches: '<= 0'\n");
    const res = cli(['check', '--thresholds', t, good, weighted]);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(
      `schedbench: warning: no bound covers the 1 report(s) of strategy weighted (${weighted}); give it a key in ${t} or use '*'\n`,
    );
    expect(res.stdout).toBe(
      'check: all 1 bound(s) over 1 report(s) of filter hold (1 report(s) of weighted not covered)\n',
    );
    // '*' covers every strategy: no warning.
    const star = run("strategies:\n  '*':\n    contract_mismatches: '<= 0'\n", good, weighted);
    expect([star.code, star.stderr, star.stdout]).toEqual([
      0,
      '',
      'check: all 2 bound(s) over 2 report(s) of filter, weighted hold\n',
    ]);
  });

  it('zero bounds, or only bounds without a value, is exit 2, never a pass', () => {
    for (const text of ['strategies: {}\n', 'strategies:\n  filter: {}\n']) {
      const res = run(text, good);
      expect([res.code, res.stdout]).toEqual([2, '']);
      expect(res.stderr).toMatch(
        /^schedbench: \S+thresholds\.yaml: no bound applies to the reports \(of strategies: filter\)\n$/,
      );
    }
    // The scenario has no soft-affinity group: the metric has no value (n/a).
    const na = run("strategies:\n  filter:\n    soft_affinity_satisfaction: '>= 0.5'\n", good);
    expect([na.code, na.stdout]).toEqual([2, '']);
    expect(na.stderr).toMatch(
      /thresholds\.yaml: none of the 1 bound\(s\) could be evaluated: every metric is n\/a in these reports \(see --verbose\)\n$/,
    );
    // Beside a bound that holds, an n/a one is counted apart.
    const some = run(
      "strategies:\n  filter:\n    soft_affinity_satisfaction: '>= 0.5'\n    contract_mismatches: '<= 0'\n",
      good,
    );
    expect([some.code, some.stderr, some.stdout]).toEqual([
      0,
      '',
      'check: all 1 bound(s) over 1 report(s) of filter hold (1 more n/a)\n',
    ]);
  });
});

describe('schedbench check output stays one line per result', () => {
  it('shows control characters of a strategy name as \\xNN: no forged line, no terminal escape', () => {
    const [path] = writeReports([
      withChanges(base, (r) => {
        r.inputs.strategy = 'evil\u001b[31m\nfilter: all good';
      }),
    ]);
    const t = thresholdsFile("strategies:\n  '*':\n    novalidhost_rate: '<= 5%'\n");
    const res = cli(['check', '--thresholds', t, path]);
    expect(res.code).toBe(1);
    // The scenario's NoValidHost rate is 0.1 > 0.05.
    expect(res.stdout).toBe('evil\\x1b[31m\\x0afilter: all good: novalidhost_rate <= 5%: value 0.1\n');
    expect(res.stderr).toBe(
      'schedbench: check: 1 of 1 bound(s) over 1 report(s) of evil\\x1b[31m\\x0afilter: all good violated\n',
    );
  });
});

describe('schedbench check --baseline of other inputs', () => {
  const RELATIVE = "strategies:\n  filter:\n    novalidhost_rate: '<= baseline + 5%'\n";
  const OTHER = 'ab'.repeat(32);

  it.each([
    ['trace', 'other-trace.csv'],
    ['cluster', 'other-cluster.json'],
  ] as const)('refuses a baseline of another %s, naming both files and both inputs', (field, path) => {
    const [report, baseline] = writeReports(
      [
        base,
        withChanges(base, (r) => {
          r.inputs[field] = { path, sha256: OTHER };
        }),
      ],
      ['filter', 'baseline-filter'],
    );
    const res = cli(['check', '--thresholds', thresholdsFile(RELATIVE), '--baseline', baseline, report]);
    expect([res.code, res.stdout]).toEqual([2, '']);
    const mine = base.inputs[field];
    expect(res.stderr).toBe(
      `schedbench: ${baseline}: inputs.${field}.sha256: the baseline for strategy filter used another ${field} (${path} sha256 abababababab) than report ${report} (${mine.path} sha256 ${mine.sha256.slice(0, 12)}); a relative bound needs a baseline of the same ${field}\n`,
    );
  });

  it('refuses a baseline set that mixes in another trace, and ignores one no bound uses', () => {
    const other = withChanges(base, (r) => {
      r.inputs.trace = { path: 'other.csv', sha256: OTHER };
    });
    const [report, same, mixed] = writeReports([base, base, other], ['filter', 'b1', 'b2']);
    const t = thresholdsFile(RELATIVE);
    const res = cli(['check', '--thresholds', t, '--baseline', same, '--baseline', mixed, report]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /^schedbench: \S+b2\.json: inputs\.trace\.sha256: the baseline for strategy filter/,
    );
    // Only absolute bounds: the baseline is not used, so its inputs do not matter.
    const abs = thresholdsFile("strategies:\n  filter:\n    contract_mismatches: '<= 0'\n");
    const ok = cli(['check', '--thresholds', abs, '--baseline', mixed, report]);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
  });
});
