// The CLI as a user meets it: help with no arguments, usage errors pointing at --help, every
// command's help (required options marked, defaults shown once, examples, docs), and the listing
// commands filters, weighers and metrics.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/catalog/bootstrap.ts';
import { loadThresholds } from '../../src/report/thresholds.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';

const COMMANDS = [
  'run',
  'demo',
  'generate',
  'convert',
  'strategies',
  'compare',
  'check',
  'report',
  'capacity',
  'filters',
  'weighers',
  'metrics',
];

describe('schedbench help', () => {
  it('with no arguments prints the usage on stdout, naming every command, and exits 0', () => {
    const r = cli([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: schedbench /);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toMatch(/^Docs: .*README\.md/m);
  });

  it('a usage error is one line that points at the command help, exit 2', () => {
    const missing = cli(['run', '--cluster', 'c.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "schedbench: required option '--trace <file>' not specified; see `schedbench run --help`\n",
    );
    const unknown = cli(['metrics', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("schedbench: unknown option '--bogus'; see `schedbench metrics --help`\n");
    const command = cli(['frobnicate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("schedbench: unknown command 'frobnicate'; see `schedbench --help`\n");
    const help = cli(['help', 'frobnicate']);
    expect(help.code).toBe(2);
    expect(help.stderr).toMatch(
      /^schedbench: help: no command "frobnicate" \(commands: run, demo, .*metrics\)\n$/,
    );
    expect(cli(['help', 'metrics']).code).toBe(0);
  });

  it('every command has examples, the docs link, and at most one default per option', () => {
    for (const c of COMMANDS) {
      const r = cli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain('\nExamples:\n  $ schedbench ');
      expect(r.stdout, c).toMatch(/^Docs: /m);
      // A repeatable flag's empty list is no default; JSON quotes are not how a user types one.
      expect(r.stdout, c).not.toContain('default: []');
      expect(r.stdout, c).not.toMatch(/default: "/);
      // One option's text (term and wrapped lines) names its default once.
      const options = r.stdout
        .split('\nOptions:\n')[1]
        .split('\n\n')[0]
        .split(/\n(?= {2}-)/);
      for (const o of options)
        expect((o.match(/default:/g) ?? []).length, `${c}: ${o}`).toBeLessThanOrEqual(1);
    }
  }, 300_000);

  it('run --help marks the required options, names every strategy and shows the default one', () => {
    const r = cli(['run', '--help']);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toMatch(/--cluster <file> cluster file \(JSON or YAML\) \(required\)/);
    expect(text).toMatch(/--trace <file> trace CSV \(repeatable\) \(required\)/);
    expect(text).not.toMatch(/--out <dir>[^-]*required/);
    for (const name of builtinCatalog().names()) expect(text).toContain(name);
    expect(text).toMatch(/--strategy <names>.*\(default: filter\) --plugin/);
    expect(text).toMatch(/--workers <n> worker threads \(default: the number of cores\) --share/);
  });
});

describe('schedbench filters / weighers', () => {
  it('lists every built-in filter with a description, its options and Nova defaults', () => {
    const r = cli(['filters']);
    expect(r.code).toBe(0);
    const expected = [
      'RetryFilter',
      'AvailabilityZoneFilter',
      'ComputeFilter',
      'RamFilter',
      'CoreFilter',
      'DiskFilter',
      'GpuFilter',
      'AggregateInstanceExtraSpecsFilter',
      'ComputeCapabilitiesFilter',
      'ImagePropertiesFilter',
      'ServerGroupAffinityFilter',
      'ServerGroupAntiAffinityFilter',
      'SameHostFilter',
      'DifferentHostFilter',
      'NumInstancesFilter',
      'IoOpsFilter',
    ];
    const heads = r.stdout.split('\n').filter((l) => /^[A-Z]\w+Filter /.test(l));
    expect(heads.map((l) => l.split(' ')[0])).toEqual(expected);
    for (const l of heads) expect(l.replace(/^\S+\s+/, '').length, l).toBeGreaterThan(20);
    expect(r.stdout).not.toContain('(no description)');
    // Nova's defaults: max_io_ops_per_host 8, max_instances_per_host 50.
    expect(r.stdout).toMatch(/^IoOpsFilter .*\n {4}max_io_ops_per_host = 8 +integer >= 1/m);
    expect(r.stdout).toMatch(/^NumInstancesFilter .*\n {4}max_instances_per_host = 50 +integer >= 1/m);
    expect(heads.find((l) => l.startsWith('RamFilter '))).toMatch(/\[default\]$/);
    expect(heads.find((l) => l.startsWith('ComputeCapabilitiesFilter '))).not.toContain('[default');
  });

  it('lists every weigher with its multiplier and default, also as JSON', () => {
    const r = cli(['weighers', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as {
      name: string;
      description: string;
      options: { properties: Record<string, { default: number }> };
    }[];
    const defaults = Object.fromEntries(
      list.map((w) => [w.name, Object.values(w.options.properties).map((p) => p.default)]),
    );
    // Nova's [filter_scheduler] *_weight_multiplier defaults (NumInstancesWeigher: upstream 2023.2).
    expect(defaults).toEqual({
      RAMWeigher: [1],
      CPUWeigher: [1],
      DiskWeigher: [1],
      IoOpsWeigher: [-1],
      NumInstancesWeigher: [0],
      ServerGroupSoftAffinityWeigher: [1],
      ServerGroupSoftAntiAffinityWeigher: [1],
      // [filter_scheduler] build_failure_weight_multiplier; [metrics] weight_multiplier,
      // weight_setting, required, weight_of_unavailable; pci_weight_multiplier;
      // cross_cell_move_weight_multiplier.
      BuildFailureWeigher: [1000000],
      MetricsWeigher: [1, [], true, -10000],
      PCIWeigher: [1],
      CrossCellWeigher: [1000000],
    });
    for (const w of list) expect(w.description.length, w.name).toBeGreaterThan(10);
    const text = cli(['weighers']).stdout;
    expect(text).toMatch(/^RAMWeigher .*\[default\]\n {4}ram_weight_multiplier = 1 /m);
  });
});

describe('schedbench metrics', () => {
  it('lists each metric with unit and better direction; every id is accepted in a thresholds file', () => {
    const r = cli(['metrics']);
    expect(r.code).toBe(0);
    const rows = new Map(
      r.stdout
        .split('\n')
        .slice(2)
        .filter((l) => l.trim() !== '')
        .map((l) => {
          const [name, ...rest] = l.split(/ {2,}/);
          return [name, rest] as const;
        }),
    );
    expect(rows.get('novalidhost_rate')?.slice(0, 2)).toEqual(['share', 'lower']);
    expect(rows.get('placed')?.slice(0, 2)).toEqual(['count', 'higher']);
    expect(rows.get('latency_p99_us')?.slice(0, 2)).toEqual(['µs', 'lower']);
    expect(rows.get('peak_rss_mb')?.slice(0, 2)).toEqual(['MB', 'lower']);
    expect(rows.get('balance_cv_ram')?.slice(0, 2)).toEqual(['ratio', 'neither']);
    const json = JSON.parse(cli(['metrics', '--json']).stdout) as { name: string; unit: string }[];
    expect(json.map((m) => m.name)).toEqual([...rows.keys()]);
    for (const m of json) expect(m.unit, m.name).not.toBe('');
    // Every listed id is a metric a thresholds file may bound.
    const dir = tempDir();
    const path = join(dir, 't.yaml');
    writeFileSync(path, `strategies:\n  filter:\n${json.map((m) => `    ${m.name}: '>= -1'`).join('\n')}\n`);
    expect(() => loadThresholds(path)).not.toThrow();
  });
});
