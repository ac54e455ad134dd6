// Loading users' strategies, filters and weighers from files: what works, and the one-line errors
// for what does not. CLI cases run bin/schedbench.js in a child process, as a user would.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, resolveStrategy } from '../../src/catalog/bootstrap.ts';
import { InputError, UsageError } from '../../src/common/errors.ts';
import { isStrategyPath, readStrategyFile } from '../../strategies/plugin/loader.ts';
import { cli, ROOT, workDir } from './support.ts';

const FIXTURES = join(ROOT, 'test/plugin/fixtures');
const fixture = (name: string) => join(FIXTURES, name);
const RUN = ['run', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--out', 'out', '--quiet'];

describe('a strategy file that is not right stops the run with one line and exit 2', () => {
  it.each([
    ['missing-create.ts', 'create: strategy "broken" is missing the method create(cluster, options)'],
    [
      'no-driver.ts',
      'create: strategy "no-driver": create() returned no driver with a scheduleRunInstance(ctx, spec, props) method',
    ],
    [
      'no-export.ts',
      'exports no strategy: expected `export default { name, description, optionsSchema, create }`',
    ],
  ])('%s', (file, reason) => {
    const dir = workDir();
    const res = cli([...RUN, '--strategy', fixture(file)], dir);
    expect(res.stderr).toBe(`schedbench: ${fixture(file)}: ${reason}\n`);
    expect(res.code).toBe(2);
  });

  it('a missing file', () => {
    const res = cli([...RUN, '--strategy', './nope.ts'], workDir());
    expect(res.stderr).toBe('schedbench: ./nope.ts: no such file\n');
    expect(res.code).toBe(2);
  });

  it.each([
    ['--plugin', '/dev/zero', 'is a character device, expected a regular file'],
    ['--strategy', '/dev/zero', 'is a character device, expected a regular file'],
    ['--plugin', './zlink.json', 'is a character device, expected a regular file'],
    ['--strategy', './zlink.ts', 'is a character device, expected a regular file'],
    ['--strategy', './fifo.ts', 'is a pipe (FIFO), expected a regular file'],
    ['--plugin', './fifo.ts', 'is a pipe (FIFO), expected a regular file'],
    ['--plugin', './folder.ts', 'is a directory, expected a file'],
  ])('%s %s (not a regular file) is refused at once, not read without end', (flag, file, reason) => {
    const dir = workDir();
    symlinkSync('/dev/zero', join(dir, 'zlink.json'));
    symlinkSync('/dev/zero', join(dir, 'zlink.ts'));
    execFileSync('mkfifo', [join(dir, 'fifo.ts')]);
    mkdirSync(join(dir, 'folder.ts'));
    const res = cli([...RUN, flag, file], dir);
    expect(res.signal).toBeNull();
    expect(res.stderr).toBe(`schedbench: ${file}: ${reason}\n`);
    expect(res.code).toBe(2);
  });

  it('strategies --plugin /dev/zero is refused the same way', () => {
    const res = cli(['strategies', '--plugin', '/dev/zero'], workDir());
    expect(res.signal).toBeNull();
    expect(res.stderr).toBe('schedbench: /dev/zero: is a character device, expected a regular file\n');
    expect(res.code).toBe(2);
  });

  it('an unknown name lists the known ones', () => {
    const res = cli([...RUN, '--strategy', 'magic'], workDir());
    expect(res.stderr).toBe(
      'schedbench: unknown strategy "magic" (known: filter, nova-zed, weighted, caching, chance, first-fit, ' +
        'best-fit, worst-fit, power-of-two, fgd, gpu-packing, gpu-clustering, dot-product, random; or a path to a .ts or .js file)\n',
    );
    expect(res.code).toBe(2);
  });
});

describe("a plugin's options are validated by its own schema", () => {
  const example = join(ROOT, 'examples/cpu-headroom.ts');

  it.each([
    [['--set', 'headroom=-1'], /^schedbench: --set headroom: Too small: expected number to be >=0\n$/],
    [
      ['--set', 'headroom=two'],
      /^schedbench: --set headroom: Invalid input: expected number, received string\n$/,
    ],
    [
      ['--set', 'headrom=1'],
      /^schedbench: --set headrom: unknown option "headrom" for strategy cpu-headroom\n$/,
    ],
  ])('%j', (flags, message) => {
    const res = cli([...RUN, '--strategy', example, ...flags], workDir());
    expect(res.stderr).toMatch(message);
    expect(res.code).toBe(2);
  });

  it('a misspelt key in a config file names the file and line', () => {
    const dir = workDir();
    writeFileSync(join(dir, 'cfg.yaml'), 'seed: 3\nheadrom: 2\n');
    const res = cli([...RUN, '--strategy', example, '--config', 'cfg.yaml'], dir);
    expect(res.stderr).toBe(
      'schedbench: cfg.yaml:2: headrom: unknown option "headrom" for strategy cpu-headroom\n',
    );
    expect(res.code).toBe(2);
  });
});

describe('strategies written in full', () => {
  it('a driver over the typed arrays runs like a built-in one', () => {
    // Most free RAM that fits; 4-vCPU instances on h1 (8 vCPUs), h2 (16), h3 (4), all 65536 MB.
    // a: tie -> h1. b: h2, h3 tie at 65536 -> h2. c -> h3 (its 4 vCPUs now used).
    // d: h1 64512, h2 64512, h3 full -> h1 (h1 now full). e: h2 is the only host that fits.
    const dir = workDir();
    const res = cli([...RUN, '--strategy', fixture('most-free-ram-driver.ts'), '--placements', 'p.csv'], dir);
    expect(res.stderr).toBe('');
    expect(readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n').slice(1)).toEqual([
      '1,a,h1,1',
      '2,b,h2,1',
      '3,c,h3,1',
      '4,d,h1,1',
      '5,e,h2,1',
    ]);
  });
});

describe('a plugin outside this repository', () => {
  // No package.json with "type": "module" above a temp dir: the file's module format is ambiguous,
  // and it needs no import from schedbench. First host that fits, in cluster order.
  const PLAIN = `export default {
  name: 'plain-first-fit',
  description: 'first host that fits, no imports',
  create: () => ({
    name: 'plain-first-fit',
    scheduleRunInstance(ctx, spec) {
      for (let k = 0; k < spec.instanceIds.length; k++) {
        let h = 0;
        while (h < ctx.cluster.hosts.size && !ctx.cluster.fits(h, spec.flavor)) h++;
        if (h === ctx.cluster.hosts.size) ctx.noValidHost(k, 'No valid host was found.');
        else ctx.provision(k, h);
      }
    },
  }),
};
`;

  it.each(['plain.ts', 'plain.js'])('%s loads and runs', (file) => {
    // 4 vCPUs each: a, b fill h1 (8); c, d, e go to h2 (16).
    const dir = workDir();
    writeFileSync(join(dir, file), PLAIN);
    const res = cli([...RUN, '--strategy', `./${file}`, '--placements', 'p.csv'], dir);
    expect(res.stderr).toBe('');
    expect(readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n').slice(1)).toEqual([
      '1,a,h1,1',
      '2,b,h1,1',
      '3,c,h2,1',
      '4,d,h2,1',
      '5,e,h2,1',
    ]);
  });
});

describe('filters and weighers from a file, named in the filter strategy’s lists', () => {
  it('--plugin adds them; the config names them like built-in ones', () => {
    // OddHostFilter keeps h1 and h3; MostInstancesWeigher stacks (raw: instance count).
    // a: h1 and h3 both empty -> tie -> h1. b: h1 holds 1 -> h1 (its 8 vCPUs now used).
    // c: h1 full (CoreFilter) -> h3 (now full). d, e: no odd host fits -> NoValidHost.
    // (With the default RAMWeigher b would go to h3, the one with more free RAM.)
    const dir = workDir();
    writeFileSync(
      join(dir, 'cfg.yaml'),
      'filters: [RetryFilter, RamFilter, CoreFilter, DiskFilter, OddHostFilter]\nweighers: [MostInstancesWeigher]\n',
    );
    const res = cli(
      [...RUN, '--plugin', fixture('host-filters.ts'), '--config', 'cfg.yaml', '--placements', 'p.csv'],
      dir,
    );
    expect(res.stderr).toBe('');
    expect(readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n').slice(1)).toEqual([
      '1,a,h1,1',
      '2,b,h1,1',
      '3,c,h3,1',
      '4,d,,1',
      '5,e,,1',
    ]);
  });

  it('without the plugin weigher the default RAMWeigher spreads instead', () => {
    // a -> h1; b: h3 has more free RAM than h1 -> h3; c -> h1 (h3's 4 vCPUs are used); d, e: none.
    const dir = workDir();
    writeFileSync(
      join(dir, 'cfg.yaml'),
      'filters: [RetryFilter, RamFilter, CoreFilter, DiskFilter, OddHostFilter]\n',
    );
    cli(
      [...RUN, '--plugin', fixture('host-filters.ts'), '--config', 'cfg.yaml', '--placements', 'p.csv'],
      dir,
    );
    expect(readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n').slice(1)).toEqual([
      '1,a,h1,1',
      '2,b,h3,1',
      '3,c,h1,1',
      '4,d,,1',
      '5,e,,1',
    ]);
  });

  it('a baseline takes a plugin filter in its hard constraints too', () => {
    // first-fit over the odd hosts: a, b fill h1 (8 vCPUs); c -> h3; d, e: nothing fits.
    const dir = workDir();
    cli(
      [
        ...RUN,
        '--strategy',
        'first-fit',
        '--plugin',
        fixture('host-filters.ts'),
        '--set',
        'filters=RamFilter,CoreFilter,DiskFilter,OddHostFilter',
        '--placements',
        'p.csv',
      ],
      dir,
    );
    expect(readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n').slice(1)).toEqual([
      '1,a,h1,1',
      '2,b,h1,1',
      '3,c,h3,1',
      '4,d,,1',
      '5,e,,1',
    ]);
  });

  it('a name that is already taken is refused', () => {
    const res = cli([...RUN, '--plugin', fixture('clashing-filter.ts')], workDir());
    expect(res.stderr).toBe(
      `schedbench: ${fixture('clashing-filter.ts')}: name: filter "RamFilter" is already registered\n`,
    );
    expect(res.code).toBe(2);
  });
});

describe('resolveStrategy', () => {
  const dropped = fixture('dropped');

  it('tells names from paths', () => {
    expect(['filter', 'my-thing', 'a.b'].map(isStrategyPath)).toEqual([false, false, false]);
    expect(['./x.ts', 'x.js', 'dir/x', 'x.mjs'].map(isStrategyPath)).toEqual([true, true, true, true]);
  });

  it('finds a file dropped into the strategies folder by its name', async () => {
    const registry = builtinCatalog();
    const s = await resolveStrategy('spread-ram', registry, dropped);
    expect(s.name).toBe('spread-ram');
    expect(registry.has('spread-ram')).toBe(true);
    // Built-in names still win over files.
    expect((await resolveStrategy('filter', registry, dropped)).name).toBe('filter');
  });

  it('refuses a dropped-in file whose strategy has another name', async () => {
    await expect(resolveStrategy('misnamed', builtinCatalog(), dropped)).rejects.toThrow(
      new InputError(
        join(dropped, 'misnamed.ts'),
        undefined,
        'name',
        'is "other-name", expected "misnamed" (the file\'s name)',
      ),
    );
  });

  it('an unknown name is a usage error', async () => {
    await expect(resolveStrategy('nothing', builtinCatalog(), dropped)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('a strategy file', () => {
  it("receives the trace's flavor mix in create(), as built-in strategies do (fgd reads it)", async () => {
    const file = fixture('flavor-mix.ts');
    const s = await readStrategyFile(file);
    const mix = [{ flavor: { vcpus: 2, memoryMb: 4096, diskGb: 40, gpus: 0, gpuMilli: 0 }, count: 3 }];
    s.create(undefined as never, {}, mix as never);
    const { seen } = (await import(file)) as { seen: unknown[] };
    expect(seen).toEqual([mix]);
  });
});
