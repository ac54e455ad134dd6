// Outputs never overwrite inputs or each other, and an output location that cannot be written is a
// usage error (exit 2, one line naming the path), checked before the run starts.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { outputError } from '../../src/common/output-error.ts';
import { generated } from '../helpers/pool.ts';
import { tempDir } from '../helpers/replay.ts';

let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A generated trace and cluster, with the trace's bytes to check it was left alone. */
function inputs() {
  const g = generated(200, 8);
  return { ...g, traceBytes: readFileSync(g.trace, 'utf8') };
}

describe('an output that is an input, or another output, is refused before anything is written', () => {
  it('--placements equal to --trace: exit 2 naming both, the trace untouched', async () => {
    const g = inputs();
    const code = await main([
      'run',
      '--cluster',
      g.cluster,
      '--trace',
      g.trace,
      '--placements',
      g.trace,
      '--out',
      join(g.dir, 'out'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `schedbench: ${g.trace} (--placements) is the input ${g.trace} (--trace): refusing to overwrite an input\n`,
    );
    expect(readFileSync(g.trace, 'utf8')).toBe(g.traceBytes);
  });

  it('--placements through a symlink to the trace, and a relative path with "..": still the trace', async () => {
    const g = inputs();
    const link = join(g.dir, 'link.csv');
    symlinkSync(g.trace, link);
    expect(
      await main([
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--placements',
        link,
        '--out',
        join(g.dir, 'o'),
      ]),
    ).toBe(2);
    expect(stderr).toContain(`${link} (--placements) is the input ${g.trace} (--trace)`);
    stderr = '';
    const dotted = join(g.dir, 'sub', '..', 'trace.csv');
    mkdirSync(join(g.dir, 'sub'));
    expect(
      await main([
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--placements',
        dotted,
        '--out',
        join(g.dir, 'o'),
      ]),
    ).toBe(2);
    expect(readFileSync(g.trace, 'utf8')).toBe(g.traceBytes);
  });

  it('an --out folder holding the trace under an output name (timeseries.csv) is refused', async () => {
    const g = inputs();
    const out = join(g.dir, 'out');
    mkdirSync(out);
    const trace = join(out, 'timeseries.csv');
    copyFileSync(g.trace, trace);
    expect(await main(['run', '--cluster', g.cluster, '--trace', trace, '--out', out])).toBe(2);
    expect(stderr).toBe(
      `schedbench: ${trace} (time series) is the input ${trace} (--trace): refusing to overwrite an input\n`,
    );
    expect(readFileSync(trace, 'utf8')).toBe(g.traceBytes);
    expect(readdirSync(out)).toEqual(['timeseries.csv']);
  });

  it('the cluster file named like the report (--out holding filter.json) is refused', async () => {
    const g = inputs();
    const cluster = join(g.dir, 'filter.json');
    copyFileSync(g.cluster, cluster);
    expect(await main(['run', '--cluster', cluster, '--trace', g.trace, '--out', g.dir])).toBe(2);
    expect(stderr).toBe(
      `schedbench: ${cluster} (report) is the input ${cluster} (--cluster): refusing to overwrite an input\n`,
    );
  });

  it('--placements DIR/filter.json clashing with the report: exit 2 naming both outputs', async () => {
    const g = inputs();
    const out = join(g.dir, 'out');
    const clash = join(out, 'filter.json');
    expect(
      await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', out, '--placements', clash]),
    ).toBe(2);
    expect(stderr).toBe(
      `schedbench: ${clash} (--placements) is also ${clash} (report): two outputs of the run would overwrite each other\n`,
    );
  });

  it('--placements or --explain at the --out folder itself: exit 2 before anything is written', async () => {
    for (const flag of ['--placements', '--explain']) {
      const g = inputs();
      const out = join(g.dir, 'o');
      expect(await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', out, flag, out])).toBe(
        2,
      );
      expect(stderr).toBe(
        `schedbench: ${out} (${flag}) is the folder of ${join(out, 'filter.json')} (report): two outputs of the run would overwrite each other\n`,
      );
      expect(readdirSync(g.dir)).not.toContain('o');
      stderr = '';
    }
  });

  it('a file name longer than 255 bytes: exit 2 naming it; 240 bytes (the temp name longer) is written', async () => {
    const g = inputs();
    const out = join(g.dir, 'o');
    const long = join(out, `${'z'.repeat(260)}.csv`);
    expect(
      await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', out, '--placements', long]),
    ).toBe(2);
    expect(stderr).toMatch(
      /\(--placements\): a name in it is 264 bytes long, more than the 255 a file name may have\n$/,
    );
    const fits = join(out, `${'z'.repeat(236)}.csv`);
    expect(
      await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', out, '--placements', fits]),
    ).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      ['filter.json', 'report.html', 'summary.md', 'timeseries.csv', basename(fits)].sort(),
    );
  });

  it('capacity: an --out folder holding the trace as capacity.json is refused', async () => {
    const g = inputs();
    const trace = join(g.dir, 'capacity.json');
    copyFileSync(g.trace, trace);
    expect(await main(['capacity', '--cluster', g.cluster, '--trace', trace, '--out', g.dir])).toBe(2);
    expect(stderr).toBe(
      `schedbench: ${trace} (capacity report) is the input ${trace} (--trace): refusing to overwrite an input\n`,
    );
  });

  it('report: an output (report.html) that is an input report, through a symlink, is refused', async () => {
    const g = inputs();
    const out = join(g.dir, 'out');
    expect(await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', out, '--quiet'])).toBe(0);
    // Reports are read as JSON or YAML: one copied to a name the report command writes.
    const input = join(g.dir, 'report.html.json');
    copyFileSync(join(out, 'filter.json'), input);
    const clash = join(g.dir, 'r');
    mkdirSync(clash);
    symlinkSync(input, join(clash, 'report.html'));
    expect(await main(['report', input, '--out', clash])).toBe(2);
    expect(stderr).toContain(
      `(HTML report) is the input ${input} (input report): refusing to overwrite an input`,
    );
  });
});

describe('an output location that cannot be written is a usage error (exit 2) naming the path', () => {
  it('--out is a file', async () => {
    const g = inputs();
    const file = join(g.dir, 'file');
    writeFileSync(file, 'x');
    expect(await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', file])).toBe(2);
    expect(stderr).toBe(`schedbench: --out ${file}: is a file, not a folder\n`);
  });

  it('--out below a file (ENOTDIR)', async () => {
    const g = inputs();
    const file = join(g.dir, 'file');
    writeFileSync(file, 'x');
    const out = join(file, 'sub');
    expect(await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', out])).toBe(2);
    expect(stderr).toBe(`schedbench: --out ${out}: ${file} is a file, not a folder\n`);
  });

  it('--placements is a folder', async () => {
    const g = inputs();
    const dir = join(g.dir, 'pdir');
    mkdirSync(dir);
    expect(
      await main([
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--placements',
        dir,
        '--out',
        join(g.dir, 'o'),
      ]),
    ).toBe(2);
    expect(stderr).toBe(`schedbench: --placements ${dir}: is a folder, not a file\n`);
  });

  it('report and capacity check --out the same way', async () => {
    const g = inputs();
    const file = join(g.dir, 'file');
    writeFileSync(file, 'x');
    expect(await main(['capacity', '--cluster', g.cluster, '--trace', g.trace, '--out', file])).toBe(2);
    expect(stderr).toBe(`schedbench: --out ${file}: is a file, not a folder\n`);
    stderr = '';
    expect(await main(['demo', '--out', file])).toBe(2);
    expect(stderr).toBe(`schedbench: --out ${file}: is a file, not a folder\n`);
  });

  it.each([
    ['EACCES', 'permission denied (EACCES)'],
    ['EROFS', 'read-only file system (EROFS)'],
    ['ENOSPC', 'no space left on device (ENOSPC)'],
    ['EISDIR', 'is a directory (EISDIR)'],
    ['ENOTDIR', 'a parent of it is not a directory (ENOTDIR)'],
    ['EEXIST', 'a parent of it exists and is not a directory (EEXIST)'],
    ['ENOENT', 'no such file or directory, or the folder does not accept new files (ENOENT)'],
  ])('an fs error %s at write time becomes a usage error naming the path', (code, reason) => {
    const err = Object.assign(new Error(`${code}: something`), { code });
    const mapped = outputError('out/x.json', err) as Error;
    expect(mapped.name).toBe('OutputError');
    expect(mapped.message).toBe(`out/x.json: cannot write: ${reason}`);
  });

  it('any other error stays what it was (an internal error)', () => {
    const err = Object.assign(new Error('weird'), { code: 'EWEIRD' });
    expect(outputError('x', err)).toBe(err);
  });

  it('a write-time failure in a run (the report path taken by a folder) exits 2 naming it', async () => {
    const g = inputs();
    const out = tempDir();
    // The folder check passes; the report's rename onto a folder fails at write time.
    mkdirSync(join(out, 'filter.json', 'inner'), { recursive: true });
    expect(await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', out, '--quiet'])).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^schedbench: ${join(out, 'filter.json')}: cannot write: .*\\((EISDIR|ENOTEMPTY|EEXIST)\\)\\n$`,
      ),
    );
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('compare --out', () => {
  it('naming one of the compared reports (directly or through its folder): exit 2, the report untouched', async () => {
    const g = inputs();
    const out = join(g.dir, 'out');
    expect(await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', out, '--quiet'])).toBe(0);
    const report = join(out, 'filter.json');
    const bytes = readFileSync(report, 'utf8');
    for (const side of [report, out]) {
      stderr = '';
      expect(await main(['compare', report, side, '--out', report])).toBe(2);
      expect(stderr).toBe(
        `schedbench: ${report} (--out) is the input ${report} (report): refusing to overwrite an input\n`,
      );
      expect(readFileSync(report, 'utf8')).toBe(bytes);
    }
    // A fresh file beside them is written.
    expect(await main(['compare', report, out, '--out', join(g.dir, 'cmp.md')])).toBe(0);
    expect(readFileSync(join(g.dir, 'cmp.md'), 'utf8')).toContain('schedbench compare');
  });
});

describe('output paths on stdout are printed with control characters escaped', () => {
  const E = 'e\x1b[31m\nX';
  const shown = 'e\\x1b[31m\\nX';
  let stdout = '';
  beforeEach(() => {
    stdout = '';
    vi.mocked(process.stdout.write).mockImplementation((s) => {
      stdout += String(s);
      return true;
    });
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control characters.
  const RAW = /[\u0000-\u0009\u000b-\u001f]/;

  it('run: the report: and placements: lines, and the summary table', async () => {
    const g = inputs();
    const out = join(g.dir, E, 'r');
    const placements = join(g.dir, E, 'p.csv');
    expect(
      await main([
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--out',
        out,
        '--placements',
        placements,
      ]),
    ).toBe(0);
    expect(stdout).not.toMatch(RAW);
    expect(stdout).toContain(`\nreport: ${join(g.dir, shown, 'r', 'filter.json')}\n`);
    expect(stdout).toContain(`\nplacements: ${join(g.dir, shown, 'p.csv')}\n`);
    // table header, rule, one row, report, placements, '', next: and its 3 commands, ''
    expect(stdout.split('\n')).toHaveLength(11);
    // Shell-quoted: the path holds characters a shell would read.
    expect(stdout).toContain(`\n  see the plots:  xdg-open '${join(g.dir, shown, 'r', 'report.html')}'\n`);
  });

  it('a matrix: "reports in …, summary …" and the cell names in the table', async () => {
    const g = inputs();
    const out = join(g.dir, E);
    expect(
      await main([
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--seed',
        '1,2',
        '--out',
        out,
        '--quiet',
      ]),
    ).toBe(0);
    stdout = '';
    expect(
      await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--seed', '1,2', '--out', out]),
    ).toBe(0);
    expect(stdout).not.toMatch(RAW);
    expect(stdout).toContain(
      `reports in ${join(g.dir, shown)}/, summary ${join(g.dir, shown, 'run.json')}\n`,
    );
  });

  it('report --out: the written paths', async () => {
    const g = inputs();
    const out = join(g.dir, 'r');
    expect(await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', out, '--quiet'])).toBe(0);
    stdout = '';
    expect(await main(['report', join(out, 'filter.json'), '--out', join(g.dir, E)])).toBe(0);
    expect(stdout).not.toMatch(RAW);
    expect(stdout).toContain(join(g.dir, shown, 'summary.md'));
  });

  it('the plain-text table escapes names', async () => {
    const { formatTable } = await import('../../src/report/summary-table.ts');
    expect(formatTable(['name'], [['a\x1b[2Jb\nc']])).toBe('name\n------------\na\\x1b[2Jb\\nc');
  });
});
