import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';

// The package as a user gets it: `npm pack` (which builds dist/ through prepare), installed into a
// scratch project outside the repository, then the CLI, plugins, the API and a consumer's typecheck.
const REPO = join(import.meta.dirname, '../..');
const FIXTURES = join(import.meta.dirname, 'fixtures');
const ROOT = join(REPO, 'package.json');
const version = (JSON.parse(readFileSync(ROOT, 'utf8')) as { version: string }).version;

let project = '';
let tarball = '';
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

/** Run a command in the scratch project; its exit code and output. */
function inProject(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, {
    cwd: project,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TRACE = ['--cluster', 'node_modules/schedbench/traces/default-cluster.json'];
const INPUTS = [...TRACE, '--trace', 'node_modules/schedbench/traces/default-trace.csv', '--quiet'];
const schedbench = (...args: string[]) => inProject('npx', ['--no-install', 'schedbench', ...args]);

describe('the npm package', () => {
  beforeAll(() => {
    const packs = tempDir();
    npm(['pack', '--pack-destination', packs, '--silent'], REPO);
    tarball = join(packs, `schedbench-${version}.tgz`);
    project = tempDir();
    // A plain CommonJS project (no "type": "module"), as most are.
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }),
    );
    for (const f of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, f), join(project, f));
    copyFileSync(join(FIXTURES, 'consumer-tsconfig.json'), join(project, 'tsconfig.json'));
    writeFileSync(join(project, 'gate.yaml'), "strategies:\n  '*':\n    contract_mismatches: '<= 0'\n");
    const own = JSON.parse(readFileSync(ROOT, 'utf8')) as { devDependencies: Record<string, string> };
    npm(
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        tarball,
        `typescript@${own.devDependencies.typescript}`,
        `@types/node@${own.devDependencies['@types/node']}`,
      ],
      project,
    );
  }, 300_000);

  it('ships compiled JavaScript with types, workers and the bundled trace, and no tests or benchmarks', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    for (const f of [
      'package/bin/schedbench.js',
      'package/dist/src/cli/entry.js',
      'package/dist/src/index.js',
      'package/dist/src/index.d.ts',
      'package/dist/strategies/plugin/index.js',
      'package/dist/strategies/plugin/index.d.ts',
      'package/dist/src/pool/worker-entry.mjs',
      'package/dist/src/pool/worker.js',
      'package/dist/src/report/html/svg-worker.mjs',
      'package/traces/default-trace.csv',
      'package/README.md',
    ])
      expect(files).toContain(f);
    const stray = files.filter(
      (f) => /^package\/(test|bench|ci|src|strategies|examples|scripts)\//.test(f) || /(?<!\.d)\.ts$/.test(f),
    );
    expect(stray).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules/schedbench/package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).not.toContain('tinybench');
    expect(Object.keys(pkg.devDependencies)).toContain('tinybench');
  });

  it('npx schedbench run decides as the sources do, without a TypeScript loader', () => {
    const res = inProject(
      'npx',
      ['--no-install', 'schedbench', 'run', ...INPUTS, '--out', 'plain', '--placements', 'plain/p.csv'],
      { NODE_OPTIONS: `--import=${join(project, 'no-typescript-loader.mjs')}` },
    );
    expect(res.code, res.stderr).toBe(0);
    const ref = tempDir();
    const src = cli(
      [
        'run',
        '--cluster',
        join(REPO, 'traces/default-cluster.json'),
        '--trace',
        join(REPO, 'traces/default-trace.csv'),
        '--quiet',
        '--out',
        ref,
        '--placements',
        join(ref, 'p.csv'),
      ],
      REPO,
    );
    expect(src.code, src.stderr).toBe(0);
    expect(readFileSync(join(project, 'plain/p.csv'), 'utf8')).toBe(readFileSync(join(ref, 'p.csv'), 'utf8'));
    const report = reportSchema.parse(JSON.parse(readFileSync(join(project, 'plain/filter.json'), 'utf8')));
    expect(report.tool.version).toBe(version);
    // The probe is live: a .ts plugin needs tsx, and the probe refuses it.
    const probed = inProject(
      'npx',
      ['--no-install', 'schedbench', 'run', ...INPUTS, '--plugin', 'stack-weigher.ts', '--out', 'probed'],
      { NODE_OPTIONS: `--import=${join(project, 'no-typescript-loader.mjs')}` },
    );
    expect(probed.code).toBe(2);
    expect(probed.stderr).toContain('a TypeScript loader was loaded');
  });

  it('loads a .ts plugin and .mjs and .js (CommonJS) strategy files, on worker threads too', () => {
    const res = schedbench(
      'run',
      ...INPUTS,
      '--plugin',
      'stack-weigher.ts',
      '--strategy',
      'filter,./spread-mjs.mjs,./spread-cjs.js',
      '--set',
      'filter.weighers=StackWeigher',
      '--workers',
      '2',
      '--out',
      'plugins',
      '--placements',
      'plugins/p.csv',
    );
    expect(res.code, res.stderr).toBe(0);
    const read = (name: string) =>
      reportSchema.parse(JSON.parse(readFileSync(join(project, 'plugins', `${name}.json`), 'utf8')));
    expect(read('filter').inputs.config.weighers).toEqual(['StackWeigher']);
    expect(read('spread-mjs').inputs.strategy).toBe('spread-mjs');
    // The same scoring written as ES module and as CommonJS decides the same.
    expect(readFileSync(join(project, 'plugins/p.spread-mjs.csv'), 'utf8')).toBe(
      readFileSync(join(project, 'plugins/p.spread-cjs.csv'), 'utf8'),
    );
    // Stacking by instance count is not the default RAM spreading.
    expect(readFileSync(join(project, 'plugins/p.filter.csv'), 'utf8')).not.toBe(
      readFileSync(join(project, 'plain/p.csv'), 'utf8'),
    );
  });

  it('the API (replay, compare, check) typechecks strictly under NodeNext and runs under plain Node', () => {
    const tsc = inProject('npx', ['--no-install', 'tsc', '-p', '.']);
    expect(tsc.code, tsc.stdout).toBe(0);
    // The types are real: a wrong plugin is refused by the same typecheck.
    writeFileSync(
      join(project, 'tsconfig.bad.json'),
      JSON.stringify({ extends: './tsconfig.json', files: ['bad-plugin.ts'] }),
    );
    const bad = inProject('npx', ['--no-install', 'tsc', '-p', 'tsconfig.bad.json']);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/bad-plugin\.ts\(4,\d+\): error TS2322/);
    expect(bad.stdout).not.toContain('TS5097');

    writeFileSync(
      join(project, 'api-use.mjs'),
      stripTypes(readFileSync(join(project, 'api-use.mts'), 'utf8')),
    );
    const api = inProject(process.execPath, ['api-use.mjs']);
    expect(api.code, api.stderr).toBe(0);
    const out = JSON.parse(api.stdout) as {
      placed: number[];
      markdown: string;
      passed: boolean;
      bounds: number;
    };
    const cliReport = reportSchema.parse(
      JSON.parse(readFileSync(join(project, 'plain/filter.json'), 'utf8')),
    );
    expect(out.placed[0]).toBe(cliReport.placement.placed);
    expect(readFileSync(join(project, 'api-placements.csv'), 'utf8')).toBe(
      readFileSync(join(project, 'plain/p.csv'), 'utf8'),
    );
    expect(out.markdown).toContain('best-fit');
    expect([out.passed, out.bounds]).toEqual([true, 2]);
  });
});

/** The .mts file as plain JavaScript: its only type syntax is `: Report`, `: string` and `type Report`. */
function stripTypes(ts: string): string {
  return ts.replace(/, type Report/, '').replace(/: (Report|string) =/g, ' =');
}
