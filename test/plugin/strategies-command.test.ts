// `schedbench strategies`: every strategy with its one-line description and its options.
import { describe, expect, it } from 'vitest';
import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import { cli, ROOT } from './support.ts';

describe('schedbench strategies', () => {
  it('lists every built-in strategy with its description and options with defaults', () => {
    const res = cli(['strategies'], ROOT);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    for (const s of BUILTIN_STRATEGIES) {
      expect(lines.some((l) => l.startsWith(s.name) && l.endsWith(s.description))).toBe(true);
    }
    // A few options as `--set` takes them, with their type and description.
    expect(res.stdout).toMatch(/^ {4}d = 2 +integer >= 1: feasible hosts sampled per instance$/m);
    expect(res.stdout).toMatch(/^ {4}refresh_interval = 60 +number >= 0: seconds of trace time/m);
    expect(res.stdout).toMatch(/^ {4}score = dot-product +dot-product \| max-ratio: /m);
    expect(res.stdout).toMatch(/^ {4}enforce_server_groups = true +true \| false: /m);
  });

  it('--plugin adds a file’s filters, weighers and strategies to the list', () => {
    const res = cli(
      [
        'strategies',
        '--plugin',
        'test/plugin/fixtures/host-filters.ts',
        '--plugin',
        'examples/cpu-headroom.ts',
      ],
      ROOT,
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^filters: .*, OddHostFilter \(see `schedbench filters`\)$/m);
    expect(res.stdout).toMatch(/^weighers: .*, MostInstancesWeigher \(see `schedbench weighers`\)$/m);
    expect(res.stdout).toMatch(/^cpu-headroom +most free vCPUs after placement/m);
    expect(res.stdout).toMatch(/^ {4}headroom = 0 +integer >= 0: vCPUs to leave free on every host$/m);
  });

  it('filters and weighers --plugin list a plugin file\u2019s ones too', () => {
    const args = ['--plugin', 'test/plugin/fixtures/host-filters.ts'];
    const filters = cli(['filters', ...args], ROOT);
    expect(filters.code).toBe(0);
    expect(filters.stdout).toMatch(/^OddHostFilter +\S/m);
    const weighers = cli(['weighers', ...args], ROOT);
    expect(weighers.code).toBe(0);
    expect(weighers.stdout).toMatch(/^MostInstancesWeigher +\S/m);
  });

  it('--json gives the options as JSON Schema', () => {
    const res = cli(['strategies', '--json'], ROOT);
    const list = JSON.parse(res.stdout) as {
      name: string;
      options: { properties: Record<string, unknown> };
    }[];
    expect(list.map((s) => s.name)).toEqual(BUILTIN_STRATEGIES.map((s) => s.name));
    expect(list.find((s) => s.name === 'power-of-two')!.options.properties.d).toMatchObject({
      type: 'integer',
      default: 2,
    });
  });
});
