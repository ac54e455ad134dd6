// Bad input, end to end through the CLI (in process): exit 2 and exactly one line naming the file,
// line and field, no report written; never an internal error (exit 3) or a stack trace.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliInProcess as cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';

const CLUSTER = JSON.stringify({
  allocation_ratios: { cpu: 16, ram: 1.5, disk: 1 },
  reserved: { memory_mb: 0, disk_gb: 0 },
  hosts: [
    { name: 'h1', vcpus: 8, memory_mb: 8192, disk_gb: 100, traits: { gpus: 2 } },
    { name: 'h2', vcpus: 8, memory_mb: 8192, disk_gb: 100 },
  ],
});
const TRACE = 'time,id,vcpus,memory_mb,disk_gb\n0,a,1,1024,10\n1,b,1,1024,10\n';

afterEach(() => vi.restoreAllMocks());

function setup(files: Record<string, string> = {}) {
  const dir = tempDir();
  const all = { 'cluster.json': CLUSTER, 'trace.csv': TRACE, ...files };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  const p = (name: string) => join(dir, name);
  const run = (...extra: string[]) =>
    cli([
      'run',
      '--cluster',
      p('cluster.json'),
      '--trace',
      p('trace.csv'),
      '--strategy',
      'filter',
      '--out',
      p('out'),
      '--quiet',
      ...extra,
    ]);
  return { dir, p, run };
}

/** Exit 2, exactly the one expected line, and no report. */
function expectRefused(r: { code: number; stderr: string }, line: string, out: string) {
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`schedbench: ${line}\n`);
  expect(existsSync(join(out, 'filter.json'))).toBe(false);
}

describe('schedbench run: bad input is one line and exit 2', () => {
  it('capabilities:toString=x is an ordinary unmatched extra spec: exit 0, a NoValidHost, b placed', async () => {
    const s = setup({
      'trace.csv':
        'time,id,vcpus,memory_mb,extra_specs\n0,a,1,1024,capabilities:toString=x\n1,b,1,1024,capabilities:gpus=2\n',
    });
    const r = await s.run('--set', 'filters=ComputeCapabilitiesFilter', '--placements', s.p('p.csv'));
    expect(r).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(s.p('p.csv'), 'utf8')).toBe('seq,id,host,attempts\n1,a,,1\n2,b,h1,1\n');
  });

  it('{"__proto__": 5} in a config file is an unknown key', async () => {
    const s = setup({ 'cfg.json': '{"__proto__": 5}\n' });
    const r = await s.run('--config', s.p('cfg.json'));
    expectRefused(
      r,
      `${s.p('cfg.json')}:1: __proto__: unknown option "__proto__" for strategy filter`,
      s.p('out'),
    );
  });

  it('--set __proto__=5 is an unknown key', async () => {
    const s = setup();
    expectRefused(
      await s.run('--set', '__proto__=5'),
      '--set __proto__: unknown option "__proto__" for strategy filter',
      s.p('out'),
    );
  });

  it('cpu_allocation_ratio=1e308 is refused at the edge, from --set and from the cluster file', async () => {
    const s = setup({ 'big-ratio.json': CLUSTER.replace('"cpu":16', '"cpu":1e308') });
    expectRefused(
      await s.run('--set', 'cpu_allocation_ratio=1e308'),
      '--set cpu_allocation_ratio: expected a ratio greater than 0 and at most 1000',
      s.p('out'),
    );
    const r = await cli([
      'run',
      '--cluster',
      s.p('big-ratio.json'),
      '--trace',
      s.p('trace.csv'),
      '--strategy',
      'filter',
      '--out',
      s.p('out'),
      '--quiet',
    ]);
    expectRefused(
      r,
      `${s.p('big-ratio.json')}:1: allocation_ratios.cpu: expected a ratio greater than 0 and at most 1000`,
      s.p('out'),
    );
  });

  it('a group of a billion hosts is refused at once, naming the file, line and key', async () => {
    const s = setup({
      'cluster.json':
        'groups:\n  - prefix: b\n    count: 1000000000\n    vcpus: 8\n    memory_mb: 8\n    disk_gb: 1\n',
    });
    expectRefused(
      await s.run(),
      `${s.p('cluster.json')}:3: groups[0].count: expected an integer from 1 to 1,000,000 (the host limit)`,
      s.p('out'),
    );
  });

  it('a YAML alias bomb and a merge key name the file and key', async () => {
    const rows = ['a: &a [1,1,1,1,1,1,1,1,1]'];
    for (const [n, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      rows.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const s = setup({ 'cluster.json': `${rows.join('\n')}\n`, 'cfg.yaml': 'x: &x\n  seed: 1\n<<: *x\n' });
    expectRefused(
      await s.run(),
      `${s.p('cluster.json')}:2: b[0]: too many YAML alias expansions (more than 1000)`,
      s.p('out'),
    );
    writeFileSync(s.p('ok.json'), CLUSTER);
    const merged = await cli([
      'run',
      '--cluster',
      s.p('ok.json'),
      '--trace',
      s.p('trace.csv'),
      '--strategy',
      'filter',
      '--config',
      s.p('cfg.yaml'),
      '--out',
      s.p('out'),
      '--quiet',
    ]);
    expectRefused(
      merged,
      `${s.p('cfg.yaml')}:3: <<: YAML merge keys (<<) are not supported: write the keys out`,
      s.p('out'),
    );
  });

  it.each(['--cluster', '--trace', '--config'])(
    '%s /dev/zero is refused, not read without end',
    async (flag) => {
      const s = setup();
      const args = [
        'run',
        '--cluster',
        s.p('cluster.json'),
        '--trace',
        s.p('trace.csv'),
        '--strategy',
        'filter',
        '--out',
        s.p('out'),
        '--quiet',
      ];
      const i = args.indexOf(flag);
      if (i >= 0) args[i + 1] = '/dev/zero';
      else args.push(flag, '/dev/zero');
      expectRefused(await cli(args), '/dev/zero: is a character device, expected a regular file', s.p('out'));
    },
  );

  it('a truncated last row is refused naming its first missing field', async () => {
    const s = setup({ 'trace.csv': 'time,id,vcpus,memory_mb,disk_gb\n0,a,1,1024,10\n1,b,1,20' });
    expectRefused(
      await s.run(),
      `${s.p('trace.csv')}:3: disk_gb: missing: the row has 4 of the header's 5 fields`,
      s.p('out'),
    );
  });

  it('a quoted newline and an ANSI escape in a bad field stay inside the one line', async () => {
    const s = setup({ 'trace.csv': 'time,id,vcpus,memory_mb\n0,a,"1\nschedbench: forged \x1b[2J",1024\n' });
    const r = await s.run();
    expectRefused(
      r,
      `${s.p('trace.csv')}:3: vcpus: expected a non-negative integer, got "1\\nschedbench: forged \\x1b[2J"`,
      s.p('out'),
    );
  });
});

describe('--set KEY=[] and --sweep: never a run of zero cells; checked before anything starts', () => {
  const runWith = (dir: string, ...extra: string[]) =>
    cli([
      'run',
      '--cluster',
      join(dir, 'cluster.json'),
      '--trace',
      join(dir, 'trace.csv'),
      '--out',
      join(dir, 'out'),
      '--quiet',
      ...extra,
    ]);

  it.each([
    [
      ['--set', 'ram_weight_multiplier=[]'],
      '--set ram_weight_multiplier=[]: "ram_weight_multiplier" takes one value, not a list (a comma list sweeps it, one cell per value)',
    ],
    [
      ['--set', 'max_attempts=[]'],
      '--set max_attempts=[]: "max_attempts" takes one value, not a list (a comma list sweeps it, one cell per value)',
    ],
    [['--set', 'foo=[]'], '--set foo: unknown option "foo" for strategy filter'],
    [['--set', '__proto__=[]'], '--set __proto__: unknown option "__proto__" for strategy filter'],
    [
      ['--strategy', 'chance', '--set', 'filters=[]'],
      '--set filters: unknown option "filters" for strategy chance',
    ],
    [
      ['--strategy', 'first-fit', '--set', 'weighers=[]'],
      '--set weighers: unknown option "weighers" for strategy first-fit',
    ],
    // In a matrix (two strategies) too: one line, not a cell failure.
    [
      ['--strategy', 'filter,chance', '--set', 'ram_weight_multiplier=[]'],
      '--set ram_weight_multiplier=[]: "ram_weight_multiplier" takes one value, not a list (a comma list sweeps it, one cell per value)',
    ],
  ])('%j: exit 2, one line', async (extra, line) => {
    const { dir } = setup();
    const r = await runWith(dir, ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`schedbench: ${line}\n`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('an unknown --sweep key names --sweep, and is refused before run.json or any report is written', async () => {
    const { dir } = setup();
    const r = await runWith(dir, '--sweep', 'foo=1|2');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('schedbench: --sweep foo: unknown option "foo" for strategy filter\n');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a bad swept value of a known option names --sweep and the key', async () => {
    const { dir } = setup();
    const r = await runWith(dir, '--sweep', 'max_attempts=2|0');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('schedbench: --sweep max_attempts: Too small: expected number to be >0\n');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a list option (filters=[]) is still a list: one cell, exit 0', async () => {
    const { dir } = setup();
    const r = await runWith(dir, '--set', 'filters=[]');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'out', 'filter.json'))).toBe(true);
  });

  it('capacity: --set KEY=[] is refused the same way', async () => {
    const { dir } = setup();
    const r = await cli([
      'capacity',
      '--cluster',
      join(dir, 'cluster.json'),
      '--trace',
      join(dir, 'trace.csv'),
      '--out',
      join(dir, 'out'),
      '--quiet',
      '--set',
      'max_attempts=[]',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'schedbench: --set max_attempts=[]: "max_attempts" takes one value, not a list (a comma list sweeps it, one cell per value)\n',
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe("commander's own errors are one schedbench line, control characters escaped, pointing at --help", () => {
  it.each([
    [['rn'], "unknown command 'rn' (Did you mean run?)"],
    [
      ['run', '--cluster', 'a', '--trace', 'b', '--on-bad-row', 'x\x1b]0;pwn\x07\nschedbench: forged'],
      "option '--on-bad-row <mode>' argument 'x\\x1b]0;pwn\\x07\\nschedbench: forged' is invalid. Allowed choices are stop, skip.",
    ],
    [['run', '--trace', 'b'], "required option '--cluster <file>' not specified"],
    [
      ['run', '--cluster', 'a', '--trace', 'b', '--seed', 'x\x07'],
      `option '--seed <n>' argument 'x\\x07' is invalid. --seed expects an integer, got "x\\x07"`,
    ],
    [
      ['run', '--cluster', 'a', '--trace', 'b', '--workers', '0'],
      "option '--workers <n>' argument '0' is invalid. --workers expects at least 1, got 0",
    ],
    [['run', '--cluster', 'a', '--trace', 'b', '--bogus\x1b[2J'], "unknown option '--bogus\\x1b[2J'"],
  ])('%j', async (args, line) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    // Ending with where to read the usage: the command's own help, or the program's.
    const help = args[0] === 'run' ? 'schedbench run --help' : 'schedbench --help';
    expect(r.stderr).toBe(`schedbench: ${line}; see \`${help}\`\n`);
  });
});
