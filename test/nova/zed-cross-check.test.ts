// Schedbench's Zed mode (`nova-zed`) against real Nova 26: test/nova/zed_reference.py drives Nova's
// SchedulerManager.select_destinations with an in-memory Placement behind the report client. The
// hand-worked fixtures (zed-fixtures/, worked out in its README) must come out of both; generated
// clusters and traces (zed-generate.ts) must give identical files. A missing `nova-zed` strategy
// fails these tests; a missing python3-nova skips them locally and fails them in CI, as in
// cross-check.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/replay.ts';
import { type ZedCaseOptions, zedCase } from './zed-generate.ts';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..', '..');
const FIXTURES = join(HERE, 'zed-fixtures');
const PYTHON = '/usr/bin/python3';
const HEADER = 'seq,id,host,attempts,alternates';

interface Files {
  readonly cluster: string;
  readonly trace: string;
  readonly config: string | undefined;
}

/** `schedbench run --strategy nova-zed`; returns the placements CSV text (throws with its stderr). */
function schedbench({ cluster, trace, config }: Files): string {
  const dir = tempDir();
  const out = join(dir, 'placements.csv');
  const args = ['bin/schedbench.js', 'run', '--strategy', 'nova-zed', '--cluster', cluster, '--trace', trace];
  if (config) args.push('--config', config);
  args.push('--placements', out, '--out', join(dir, 'reports'));
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`schedbench run --strategy nova-zed failed (exit ${r.status}): ${r.stderr.trim()}`);
  }
  return readFileSync(out, 'utf8');
}

/** test/nova/zed_reference.py on the same files. */
function reference({ cluster, trace, config }: Files): string {
  const out = join(tempDir(), 'nova.csv');
  const args = [join(HERE, 'zed_reference.py'), '--cluster', cluster, '--trace', trace];
  if (config) args.push('--config', config);
  args.push('--placements', out);
  const r = spawnSync(PYTHON, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`zed_reference.py failed (exit ${r.status}): ${r.stderr}`);
  return readFileSync(out, 'utf8');
}

/** Compare two placements files, reporting the first rows that differ and the N/N that agree. */
function expectSamePlacements(ours: string, nova: string): void {
  const a = ours.trimEnd().split('\n');
  const b = nova.trimEnd().split('\n');
  const diffs: string[] = [];
  let same = 0;
  for (let i = 1; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) same++;
    else if (diffs.length < 5) diffs.push(`line ${i + 1}: schedbench "${a[i]}" vs nova "${b[i]}"`);
  }
  const rows = b.slice(1).map((l) => l.split(','));
  const errors = rows.filter((f) => f[2] === '').length;
  const withAlternates = rows.filter((f) => (f[4] ?? '') !== '').length;
  console.log(
    `${same}/${b.length - 1} identical (hosts and alternates); nova: ${errors} ERROR, ${withAlternates} with alternates`,
  );
  expect({ agree: `${same}/${b.length - 1}`, diffs }).toEqual({
    agree: `${b.length - 1}/${b.length - 1}`,
    diffs: [],
  });
  expect(a[0]).toBe(HEADER);
}

const available =
  spawnSync(PYTHON, ['-c', 'import nova.scheduler.manager'], { encoding: 'utf8' }).status === 0;
const requireNova = process.env.CI === 'true';

const fixtureNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.cluster.json'))
  .map((f) => f.slice(0, -'.cluster.json'.length))
  .sort();

function fixtureFiles(name: string): Files {
  const base = join(FIXTURES, name);
  const config = `${base}.config.json`;
  return {
    cluster: `${base}.cluster.json`,
    trace: `${base}.trace.csv`,
    config: existsSync(config) ? config : undefined,
  };
}

describe('hand-worked Zed fixtures (test/nova/zed-fixtures) through schedbench nova-zed', () => {
  it('has the fixtures the README works out', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(13);
  });
  it.each(fixtureNames)('%s', (name) => {
    const ours = schedbench(fixtureFiles(name));
    expect(ours).toBe(readFileSync(join(FIXTURES, `${name}.expected.csv`), 'utf8'));
  });
});

interface GeneratedCase {
  readonly name: string;
  readonly options: ZedCaseOptions;
  readonly config: Record<string, unknown>;
  /** The case must put some instances in ERROR (NoValidHost and friends). */
  readonly failures: boolean;
  /** The case must have multi-instance rows that were placed. */
  readonly multi: boolean;
  /** More checks on the reference's placements lines (header first). */
  readonly check?: (lines: string[], trace: string) => void;
}

/** Every config names multi_create (Zed is all-or-nothing) and placement, so both sides read the same. */
const ZED = { multi_create: 'all-or-nothing', placement: 'zed' };

const CASES: GeneratedCase[] = [
  {
    name: "Zed's defaults (all weighers, default multipliers)",
    options: { seed: 21, hosts: 30, rows: 700, meanGap: 1, meanLifetime: 600 },
    config: { seed: 21, ...ZED },
    failures: true,
    multi: true,
  },
  {
    name: 'a small max_placement_results, the MetricsWeigher, 3 alternates',
    options: { seed: 22, hosts: 24, rows: 600, meanGap: 1, meanLifetime: 500, hintShare: 0.1 },
    config: {
      seed: 22,
      ...ZED,
      max_placement_results: 6,
      max_attempts: 4,
      metrics_weight_setting: ['cpu.frequency=1.0', 'cpu.percent=-0.5'],
      metrics_required: false,
      metrics_weight_multiplier: 0.5,
    },
    failures: true,
    multi: true,
  },
  {
    name: 'a cluster that fills (over-commit, long lifetimes)',
    options: { seed: 23, hosts: 10, rows: 500, meanGap: 0.5, meanLifetime: 4000, groupShare: 0.25 },
    config: { seed: 23, ...ZED },
    failures: true,
    multi: true,
  },
  {
    name: 'stacking and other multipliers, a default image architecture, 4 alternates',
    options: { seed: 24, hosts: 20, rows: 500, meanGap: 1, meanLifetime: 800, groupShare: 0.3 },
    config: {
      seed: 24,
      ...ZED,
      max_attempts: 5,
      ram_weight_multiplier: -1.0,
      cpu_weight_multiplier: 0.5,
      disk_weight_multiplier: -0.3,
      io_ops_weight_multiplier: -2.0,
      soft_affinity_weight_multiplier: 3.0,
      soft_anti_affinity_weight_multiplier: 2.0,
      build_failure_weight_multiplier: 5.0,
      image_properties_default_architecture: 'x86_64',
    },
    failures: true,
    multi: true,
  },
  {
    name: 'more than 1,000 candidates (the default cap of 1000; groups and hints lift it)',
    options: {
      seed: 25,
      hosts: 1200,
      rows: 30,
      meanGap: 1,
      meanLifetime: 10000,
      bigFrom: 1150,
      diskless: false,
      groupShare: 0.3,
      hintShare: 0.15,
    },
    config: { seed: 25, ...ZED },
    failures: false,
    multi: false,
    check: (lines, trace) => {
      // h01151... weigh best (most RAM, CPU and disk) but lie beyond the first 1000 candidates in
      // cluster order (about 1100 hosts are enabled): a plain request (no AZ, specs or image to
      // narrow the candidates) cannot land there, one with a group or a hint (no limit) can.
      const rows = trace
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((r) => r.split(','));
      const capped = new Set(
        rows.filter((f) => f[1] === 'create' && f.slice(8, 15).every((v) => v === '')).map((f) => f[2]),
      );
      const unlimited = new Set(
        rows.filter((f) => f[9] !== '' || f[12] !== '' || f[13] !== '').map((f) => f[2]),
      );
      const placed = lines.slice(1).map((l) => l.split(','));
      const request = (id: string) => id.replace(/-\d+$/, '');
      expect(placed.some(([, id, h]) => unlimited.has(request(id)) && h > 'h01150')).toBe(true);
      expect(placed.some(([, id, h]) => capped.has(request(id)) && h !== '')).toBe(true);
      for (const [, id, h] of placed) if (capped.has(request(id))) expect(h <= 'h01150', id).toBe(true);
    },
  },
];

/** Write a case's files into a temp dir. */
function caseFiles(c: GeneratedCase): Files {
  const dir = tempDir();
  const { cluster, trace } = zedCase(c.options);
  const files = {
    cluster: join(dir, 'cluster.json'),
    trace: join(dir, 'trace.csv'),
    config: join(dir, 'config.json'),
  };
  writeFileSync(files.cluster, JSON.stringify(cluster));
  writeFileSync(files.trace, trace);
  writeFileSync(files.config, JSON.stringify(c.config));
  return files;
}

describe('the generated cases use every Zed input', () => {
  const cases = CASES.map((c) => zedCase(c.options));
  const hosts = cases.flatMap((c) => c.cluster.hosts as Record<string, unknown>[]);
  const rows = cases.flatMap((c) => c.trace.trimEnd().split('\n').slice(1));
  const col = (row: string, k: number) => row.split(',')[k];
  it.each([
    'provider_traits',
    'supported_instances',
    'hypervisor_version',
    'failed_builds',
    'stats',
    'metrics',
    'allocation_ratios',
    'reserved',
  ])('hosts with %s', (field) => {
    expect(hosts.some((h) => field in h)).toBe(true);
  });
  it('disabled, down and disk-less hosts, AZs from az and from aggregate metadata, multipliers', () => {
    expect(hosts.some((h) => h.enabled === false)).toBe(true);
    expect(hosts.some((h) => h.up === false)).toBe(true);
    expect(hosts.some((h) => h.disk_gb === 0)).toBe(true);
    expect(hosts.some((h) => 'az' in h)).toBe(true);
    const metadata = hosts.flatMap((h) =>
      ((h.aggregates as { metadata: object }[]) ?? []).map((a) => a.metadata),
    );
    expect(metadata.some((m) => 'availability_zone' in m)).toBe(true);
    expect(metadata.some((m) => 'ram_weight_multiplier' in m)).toBe(true);
  });
  it('groups of all four policies, multi-instance rows, deletes, durations, hints, specs, images', () => {
    const policies = new Set(rows.map((r) => col(r, 10)).filter((p) => p));
    expect([...policies].sort()).toEqual([
      'affinity',
      'anti-affinity',
      'soft-affinity',
      'soft-anti-affinity',
    ]);
    expect(rows.some((r) => Number(col(r, 6)) > 1)).toBe(true);
    expect(rows.some((r) => col(r, 1) === 'delete' && !col(r, 2).startsWith('ghost'))).toBe(true);
    expect(rows.some((r) => col(r, 7) !== '' && col(r, 1) === 'create')).toBe(true);
    expect(rows.some((r) => col(r, 12) !== '' || col(r, 13) !== '')).toBe(true);
    for (const spec of ['=required', '=forbidden', 'capabilities:']) {
      expect(rows.some((r) => col(r, 11).includes(spec))).toBe(true);
    }
    for (const key of ['hw_architecture', 'img_hv_type', 'hw_vm_mode', 'img_hv_requested_version']) {
      expect(rows.some((r) => col(r, 14).includes(key))).toBe(true);
    }
    for (const az of ['az1', 'az3', 'nova', 'az9']) expect(rows.some((r) => col(r, 8) === az)).toBe(true);
  });
});

describe.skipIf(!available && !requireNova)('Zed mode against real Nova 26 (python3-nova)', () => {
  it('python3-nova is installed (CI installs it in .ci/run)', () => {
    expect(available).toBe(true);
  });

  it('zed_reference.py reproduces the hand-worked fixtures (check_zed_fixtures.py)', () => {
    const r = spawnSync(PYTHON, [join(HERE, 'check_zed_fixtures.py')], { encoding: 'utf8' });
    expect(r.stdout).not.toContain('FAIL');
    expect(r.status).toBe(0);
  }, 300_000);

  // The reference's answer for each case, kept for the comparison that follows it.
  const nova = new Map<string, { files: Files; text: string }>();

  for (const c of CASES) {
    it(`${c.name}: zed_reference.py decides it`, () => {
      const files = caseFiles(c);
      const text = reference(files);
      const trace = readFileSync(files.trace, 'utf8');
      nova.set(c.name, { files, text });
      const lines = text.trimEnd().split('\n');
      expect(lines[0]).toBe(HEADER);
      // The case must exercise alternates and multi-instance rows, and failures where it says so.
      expect(lines.some((l) => /,[^,]+$/.test(l) && !l.endsWith(','))).toBe(true);
      if (c.multi) expect(lines.some((l) => /^\d+,i\d+-\d+,[^,]/.test(l))).toBe(true);
      const failed = lines.filter((l) => /^\d+,[^,]+,,/.test(l)).length;
      if (c.failures) expect(failed).toBeGreaterThan(0);
      c.check?.(lines, trace);
    }, 300_000);

    it(`${c.name}: schedbench nova-zed places identically`, () => {
      const ref = nova.get(c.name);
      expect(ref, 'the reference run above failed').toBeDefined();
      expectSamePlacements(schedbench(ref!.files), ref!.text);
    }, 300_000);
  }
});
