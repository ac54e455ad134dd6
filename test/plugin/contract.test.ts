// The driver/plugin contract through the real CLI: a plugin that writes the host table, hands back a
// host number that is none, scores NaN, is async or throws (anything, in any phase) fails the run
// with one line naming the file and the phase, exit 2; never a silent success, never "internal".
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSummarySchema } from '../../src/report/run-files.ts';
import { cli, ROOT, workDir } from './support.ts';

const fixture = (name: string) => join(ROOT, 'test/plugin/fixtures/contract', name);
const HINT = '(strategies may only read ctx.cluster.hosts)';

/** `run` of strategy `name` from the plugin file `file` on support.ts's 3-host cluster and trace. */
function run(file: string, strategy: string, dir = workDir(), extra: string[] = []) {
  const res = cli(
    [
      'run',
      '--cluster',
      'cluster.json',
      '--trace',
      'trace.csv',
      '--plugin',
      file,
      '--strategy',
      strategy,
      '--out',
      'out',
      '--quiet',
      ...extra,
    ],
    dir,
  );
  return { ...res, dir };
}

/** A work folder whose `cfg.yaml` holds `yaml`. */
function withConfig(yaml: string): string {
  const dir = workDir();
  writeFileSync(join(dir, 'cfg.yaml'), yaml);
  return dir;
}

/** No report was written: the run failed before one existed. */
function noReports(dir: string): boolean {
  return !existsSync(join(dir, 'out')) || readdirSync(join(dir, 'out')).every((f) => !f.endsWith('.json'));
}

describe('a driver that writes the host table', () => {
  it('cannot over-commit: 100 x 16 GB on one 64 GB host stops at the second claim, exit 2', () => {
    const dir = workDir();
    writeFileSync(
      join(dir, 'big.json'),
      JSON.stringify({
        allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
        reserved: { memory_mb: 0, disk_gb: 0 },
        hosts: [{ name: 'big', vcpus: 64, memory_mb: 65536, disk_gb: 1000 }],
      }),
    );
    const rows = Array.from({ length: 100 }, (_, i) => `${i},v${i},1,16384`);
    writeFileSync(join(dir, 'big.csv'), `time,id,vcpus,memory_mb\n${rows.join('\n')}\n`);
    const res = cli(
      [
        'run',
        '--cluster',
        'big.json',
        '--trace',
        'big.csv',
        '--plugin',
        fixture('tamper.ts'),
        '--strategy',
        'reset-free-ram',
        '--out',
        'out',
        '--placements',
        'p.csv',
        '--quiet',
      ],
      dir,
    );
    // v0 claims 16384 of 65536 (49152 left); before v1 the driver writes 65536 back.
    expect(res.stderr).toBe(
      `schedbench: plugin ${fixture('tamper.ts')}: decision (request v1): strategy "reset-free-ram" changed the host table: ` +
        `freeRamMb of host "big" is 65536, but the compute node's claims leave 49152 ${HINT}\n`,
    );
    expect(res.code).toBe(2);
    expect(noReports(dir)).toBe(true);
    expect(existsSync(join(dir, 'p.csv'))).toBe(false);
  });

  it('a written capacity field (the allocation ratio) is caught at the claim too', () => {
    const res = run(fixture('tamper.ts'), 'raise-ratio');
    expect(res.stderr).toBe(
      `schedbench: plugin ${fixture('tamper.ts')}: decision (request a): strategy "raise-ratio" changed the host table: ` +
        `ramAllocationRatio of host "h1" is 100, but the compute node's claims leave 1 ${HINT}\n`,
    );
    expect(res.code).toBe(2);
  });

  it('a host it never claims is caught once the replay ends', () => {
    const res = run(fixture('tamper.ts'), 'write-other-host');
    expect(res.stderr).toBe(
      `schedbench: plugin ${fixture('tamper.ts')}: end of replay: strategy "write-other-host" changed the host table: ` +
        `numInstances of host "h3" is 7, but the compute node's claims leave 0 ${HINT}\n`,
    );
    expect(res.code).toBe(2);
    expect(noReports(res.dir)).toBe(true);
  });
});

describe('a driver that swaps the cluster methods or looks for the private copy', () => {
  it('replacing ctx.cluster.fits is refused at once (the cluster object takes no new properties)', () => {
    const res = run(fixture('tamper.ts'), 'swap-fits');
    expect(res.code).toBe(2);
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `schedbench: plugin ${fixture('tamper.ts')}: decision (request a): strategy "swap-fits": Cannot add property fits, object is not extensible`,
    );
    expect(noReports(res.dir)).toBe(true);
  });

  it('the compute node keeps its copy out of reach: writing the table is still caught at the claim', () => {
    const res = run(fixture('tamper.ts'), 'write-own-copy');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /strategy "write-own-copy" changed the host table: freeRamMb of host "h1" is 1000000000000, but the compute node's claims leave \d+/,
    );
    expect(noReports(res.dir)).toBe(true);
  });
});

describe('a host number that is no host', () => {
  it.each([
    ['host-nan', 'NaN'],
    ['host-half', '0.5'],
    ['host-minus-one', '-1'],
    ['host-three', '3'],
  ])('%s: a contract error naming the plugin, not a failed claim', (strategy, host) => {
    const res = run(fixture('bad-host.ts'), strategy);
    expect(res.stderr).toBe(
      `schedbench: plugin ${fixture('bad-host.ts')}: decision (request a): strategy "${strategy}" ` +
        `provisioned instance 0 on host ${host}, which is no host number (0 to 2)\n`,
    );
    expect(res.code).toBe(2);
  });
});

describe('NaN from a plugin score or weigher', () => {
  // Request a (4 vCPUs, 1 GB) fits all three hosts, so h2 is scored or weighed on the first request.
  it.each([['nan-host-score'], ['nan-array-score']])('%s: names the strategy and the host', (strategy) => {
    const res = run(fixture('nan-score.ts'), strategy);
    expect(res.stderr).toBe(
      `schedbench: plugin ${fixture('nan-score.ts')}: decision (request a): strategy "${strategy}" scored host "h2" NaN ` +
        '(a score must be a number; -Infinity rejects a host)\n',
    );
    expect(res.code).toBe(2);
  });

  it('a plugin weigher in the filter strategy: names the weigher and the host', () => {
    const res = run(fixture('nan-score.ts'), 'filter', withConfig('weighers: [NanWeigher]\n'), [
      '--config',
      'cfg.yaml',
    ]);
    expect(res.stderr).toBe(
      `schedbench: plugin ${fixture('nan-score.ts')}: decision (request a): weigher "NanWeigher" weighed host "h2" NaN ` +
        '(a weight must be a number)\n',
    );
    expect(res.code).toBe(2);
  });
});

describe('an async scheduleRunInstance', () => {
  it('is refused at its first request; its rejection is no unhandled one', () => {
    const res = run(fixture('async-driver.ts'), 'async-driver');
    expect(res.stderr).toBe(
      `schedbench: plugin ${fixture('async-driver.ts')}: decision (request a): strategy "async-driver": ` +
        'scheduleRunInstance must be synchronous (it returned a Promise)\n',
    );
    expect(res.code).toBe(2);
    expect(noReports(res.dir)).toBe(true);
  });
});

describe('a plugin that throws', () => {
  it.each([
    ['throws-null', 'threw null'],
    ['throws-undefined', 'threw undefined'],
    ['throws-string', 'threw "oops"'],
    ['throws-error', 'boom'],
  ])('%s at a decision: fails the run naming the file, request and strategy', (strategy, reason) => {
    const res = run(fixture('throwing.ts'), strategy);
    // Requests a and b place; the third call (request c) throws.
    expect(res.stderr).toBe(
      `schedbench: plugin ${fixture('throwing.ts')}: decision (request c): strategy "${strategy}": ${reason}\n`,
    );
    expect(res.code).toBe(2);
    expect(noReports(res.dir)).toBe(true);
  });

  it('at create, and in its options schema', () => {
    const file = fixture('throwing.ts');
    const create = run(file, 'throws-at-create');
    expect(create.stderr).toBe(
      `schedbench: plugin ${file}: create: strategy "throws-at-create": threw null\n`,
    );
    expect(create.code).toBe(2);
    const options = run(file, 'throws-in-options');
    expect(options.stderr).toBe(
      `schedbench: plugin ${file}: options: strategy "throws-in-options": refine exploded\n`,
    );
    expect(options.code).toBe(2);
  });

  it('a plugin filter or weigher throwing inside the built-in filter strategy', () => {
    const file = fixture('throwing.ts');
    const filter = run(file, 'filter', withConfig('filters: [ThrowingFilter]\n'), ['--config', 'cfg.yaml']);
    expect(filter.stderr).toBe(
      `schedbench: plugin ${file}: decision (request a): filter "ThrowingFilter": threw undefined\n`,
    );
    expect(filter.code).toBe(2);
    const weigher = run(file, 'filter', withConfig('weighers: [ThrowingWeigher]\n'), [
      '--config',
      'cfg.yaml',
    ]);
    expect(weigher.stderr).toBe(
      `schedbench: plugin ${file}: decision (request a): weigher "ThrowingWeigher": weigher boom\n`,
    );
    expect(weigher.code).toBe(2);
  });

  it('at load', () => {
    const file = fixture('throws-at-load.ts');
    const res = run(file, 'filter');
    expect(res.stderr).toBe(`schedbench: plugin ${file}: load: threw null\n`);
    expect(res.code).toBe(2);
  });

  it("a syntax error: the transpiler's line and reason, on the one line", () => {
    const file = fixture('syntax-error.ts');
    const res = run(file, 'filter');
    expect(res.stderr).toMatch(
      new RegExp(
        `^schedbench: plugin ${file}: load: Transform failed with 1 error: \\S*syntax-error\\.ts:4:0: ERROR: \\S.*\\n$`,
      ),
    );
    expect(res.code).toBe(2);
  });

  it('in a matrix: every cell failing alike reads as a single run (exit 2); with a good cell, exit 1', () => {
    const file = fixture('throwing.ts');
    const line = `plugin ${file}: decision (request c): strategy "throws-null": threw null`;
    const same = run(file, 'throws-null', workDir(), ['--seed', '1,2', '--workers', '2']);
    expect(same.stderr).toBe(`schedbench: ${line}\n`);
    expect(same.code).toBe(2);
    const summary = runSummarySchema.parse(JSON.parse(readFileSync(join(same.dir, 'out/run.json'), 'utf8')));
    expect(summary.cells.map((c) => c.error)).toEqual([
      { kind: 'plugin', message: line },
      { kind: 'plugin', message: line },
    ]);

    const mixed = run(file, 'throws-null,filter', workDir(), ['--workers', '2']);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain(`schedbench: cell throws-null failed: ${line}\n`);
  });
});
