// Schedbench's filter strategy against real Nova 26: the hand-worked fixtures always, and generated
// clusters and traces against test/nova/reference.py (which drives Nova's own classes) when Debian's
// python3-nova is installed. In CI it must be installed: a missing Nova fails there instead of skipping.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterFromObject, loadCluster } from '../../src/cluster/cluster-spec.ts';
import { loadRunConfig, ratioOverrides } from '../../src/config/run-config.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { generateCluster } from '../../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../../src/generate/options.ts';
import { generateTrace } from '../../src/generate/trace.ts';
import { replay } from '../../src/replay/replayer.ts';
import { PlacementsWriter } from '../../src/report/placements-writer.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { tempDir } from '../helpers/replay.ts';

const HERE = import.meta.dirname;
const FIXTURES = join(HERE, 'fixtures');
const PYTHON = '/usr/bin/python3';

/** Run schedbench's filter strategy on files; returns the placements CSV text. */
async function schedbench(
  clusterPath: string,
  tracePath: string,
  configPath: string | undefined,
): Promise<string> {
  const spec = loadCluster(clusterPath);
  const config = loadRunConfig(filterStrategy, configPath);
  const out = join(tempDir(), 'placements.csv');
  await replay(spec, new CsvTraceSource(tracePath), {
    strategy: filterStrategy,
    strategyOptions: config.strategyOptions,
    seed: config.common.seed,
    maxAttempts: config.common.max_attempts,
    multiCreate: config.common.multi_create,
    ratioOverrides: ratioOverrides(config.common),
    onBadRow: 'stop',
    observers: [
      new PlacementsWriter(
        out,
        spec.hosts.map((h) => h.name),
      ),
    ],
  });
  return readFileSync(out, 'utf8');
}

function novaAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import nova.scheduler.manager'], { encoding: 'utf8' }).status === 0;
}

function reference(clusterPath: string, tracePath: string, configPath: string): string {
  const out = join(tempDir(), 'nova.csv');
  const r = spawnSync(
    PYTHON,
    [
      join(HERE, 'reference.py'),
      '--cluster',
      clusterPath,
      '--trace',
      tracePath,
      '--config',
      configPath,
      '--placements',
      out,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`reference.py failed: ${r.stderr}`);
  return readFileSync(out, 'utf8');
}

/** Compare two placements files, reporting the first rows that differ. */
function expectSamePlacements(ours: string, nova: string): void {
  const a = ours.trimEnd().split('\n');
  const b = nova.trimEnd().split('\n');
  const diffs: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && diffs.length < 5; i++) {
    if (a[i] !== b[i]) diffs.push(`line ${i + 1}: schedbench "${a[i]}" vs nova "${b[i]}"`);
  }
  expect(diffs).toEqual([]);
  expect(a.length).toBeGreaterThan(1);
}

describe('hand-worked fixtures (test/nova/fixtures)', () => {
  const names = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.cluster.json'))
    .map((f) => f.slice(0, -'.cluster.json'.length));
  it.each(names)('%s', async (name) => {
    const base = join(FIXTURES, name);
    const config = existsSync(`${base}.config.json`) ? `${base}.config.json` : undefined;
    const ours = await schedbench(`${base}.cluster.json`, `${base}.trace.csv`, config);
    expect(ours).toBe(readFileSync(`${base}.expected.csv`, 'utf8'));
  });
});

// GpuFilter is schedbench's own (Nova has none): every filter Nova has.
const ALL_FILTERS = [...BUILTIN_PLUGINS.filters.keys()].filter((f) => f !== 'GpuFilter');
const ALL_WEIGHERS = [...BUILTIN_PLUGINS.weighers.keys()];

/** Generated cases: every config runs on its own seed, cluster and trace. */
const CASES: { name: string; seed: number; hosts: number; rows: number; config: Record<string, unknown> }[] =
  [
    { name: 'default config', seed: 11, hosts: 30, rows: 1500, config: {} },
    {
      name: 'every filter and weigher, mixed multipliers',
      seed: 12,
      hosts: 30,
      rows: 1500,
      config: {
        filters: ALL_FILTERS,
        weighers: ALL_WEIGHERS,
        ram_weight_multiplier: 1.0,
        cpu_weight_multiplier: 0.7,
        disk_weight_multiplier: -0.4,
        io_ops_weight_multiplier: -1.0,
        num_instances_weight_multiplier: -0.5,
        soft_affinity_weight_multiplier: 2.0,
        soft_anti_affinity_weight_multiplier: 1.5,
        max_instances_per_host: 12,
        max_io_ops_per_host: 3,
      },
    },
    {
      name: 'stacking (negative RAM and CPU multipliers, many ties)',
      seed: 13,
      hosts: 25,
      rows: 1500,
      config: {
        weighers: ['RAMWeigher', 'CPUWeigher'],
        ram_weight_multiplier: -1.0,
        cpu_weight_multiplier: -1.0,
        cpu_allocation_ratio: 2.0,
      },
    },
    {
      name: "Nova 26's all-or-nothing multi-create and group policy check",
      seed: 14,
      hosts: 30,
      rows: 1500,
      config: {
        multi_create: 'all-or-nothing',
        group_policy_check: true,
        weighers: ['RAMWeigher', 'ServerGroupSoftAntiAffinityWeigher'],
      },
    },
  ];

/** A generated cluster with some per-aggregate multipliers and hosts that are disabled or down. */
function crossCheckCluster(seed: number, hosts: number): Record<string, unknown> {
  const c = generateCluster({ ...DEFAULT_GENERATOR_OPTIONS, seed, hosts }) as {
    hosts: Record<string, unknown>[];
  };
  c.hosts.forEach((h, i) => {
    if (i % 7 === 3) {
      (h.aggregates as unknown[]).push({
        name: 'weighted',
        metadata: { ram_weight_multiplier: '2.0', cpu_weight_multiplier: '-1' },
      });
    }
    if (i % 11 === 5) h.enabled = false;
    if (i % 13 === 6) h.up = false;
  });
  return c;
}

const available = novaAvailable();
const requireNova = process.env.CI === 'true';

describe.skipIf(!available && !requireNova)('generated traces against real Nova 26 (python3-nova)', () => {
  it('python3-nova is installed (CI installs it in .ci/run)', () => {
    expect(available).toBe(true);
  });

  it.each(CASES)(
    '$name: identical placements',
    async ({ seed, hosts, rows, config }) => {
      const dir = tempDir();
      const clusterPath = join(dir, 'cluster.json');
      const tracePath = join(dir, 'trace.csv');
      const configPath = join(dir, 'config.json');
      const cluster = crossCheckCluster(seed, hosts);
      clusterFromObject(cluster); // validates
      writeFileSync(clusterPath, JSON.stringify(cluster));
      generateTrace(
        { ...DEFAULT_GENERATOR_OPTIONS, seed, hosts, rows, meanLifetime: 900, hintShare: 0.08 },
        tracePath,
      );
      writeFileSync(configPath, JSON.stringify({ seed, ...config }));
      const ours = await schedbench(clusterPath, tracePath, configPath);
      const nova = reference(clusterPath, tracePath, configPath);
      expectSamePlacements(ours, nova);
      // The case must exercise failures as well as placements.
      const failed = ours.split('\n').filter((l) => /^\d+,[^,]+,,/.test(l)).length;
      expect(failed).toBeGreaterThan(0);
    },
    300_000,
  );
});
