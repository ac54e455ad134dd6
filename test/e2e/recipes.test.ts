import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runSummarySchema } from '../../src/report/run-files.ts';
import { BIN } from '../helpers/cli.ts';
import { generated } from '../helpers/pool.ts';

// The recipes of docs/sharding.md: valid against their published schemas, and their scripts, run
// here with the cluster and the results volume mapped to folders, shard and merge end to end.
const RECIPES = join(import.meta.dirname, '../../docs/recipes');
const read = (name: string) => readFileSync(join(RECIPES, name), 'utf8');

interface Container {
  name: string;
  command: string[];
  args: string[];
  env?: { name: string; value: string }[];
}
interface JobDoc {
  kind: string;
  metadata: { name: string };
  spec: { completions?: number; parallelism?: number; template: { spec: { containers: Container[] } } };
}

/** A folder with `schedbench` on PATH (this checkout's CLI) and the recipes' input files. */
function workspace(): { dir: string; env: NodeJS.ProcessEnv } {
  const g = generated(900, 10);
  const bin = join(g.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'schedbench'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {
    mode: 0o755,
  });
  writeFileSync(join(bin, 'npx'), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
  return { dir: g.dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } };
}

function sh(script: string, cwd: string, env: NodeJS.ProcessEnv): void {
  execFileSync('sh', ['-ec', script], { cwd, env, stdio: 'pipe', timeout: 120_000 });
}

describe('docs/recipes', () => {
  it('the Kubernetes Jobs are valid batch/v1 Jobs, an Indexed one for the shards', () => {
    const docs = parseAllDocuments(read('kubernetes-sharded-run.yaml')).map((d) => d.toJS() as JobDoc);
    expect(docs.map((d) => [d.kind, d.metadata.name])).toEqual([
      ['Job', 'schedbench-shards'],
      ['Job', 'schedbench-merge'],
    ]);
    for (const d of docs) expect(() => new Job(d as never).validate()).not.toThrow();
    // The validator is live: a misspelt completion mode is refused.
    const bad = structuredClone(docs[0]) as unknown as { spec: Record<string, unknown> };
    bad.spec.completionMode = 'Indexd';
    expect(() => new Job(bad as never).validate()).toThrow(/completionMode/);
    expect(docs[0].spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
  });

  it('the Kubernetes recipe runs: three indexed shard pods and the merge pod, locally', () => {
    const { dir, env } = workspace();
    const data = join(dir, 'data');
    const results = join(dir, 'results');
    mkdirSync(data);
    copyFileSync(join(dir, 'cluster.json'), join(data, 'cluster.json'));
    copyFileSync(join(dir, 'trace.csv'), join(data, 'trace.csv'));
    copyFileSync(join(RECIPES, 'schedbench-thresholds.yaml'), join(data, 'thresholds.yaml'));
    const [shards, merge] = parseAllDocuments(read('kubernetes-sharded-run.yaml')).map(
      (d) => d.toJS() as JobDoc,
    );
    const script = (c: Container) => {
      expect(c.command).toEqual(['sh', '-ec']);
      return c.args[0].replaceAll('/data/', `${data}/`).replaceAll('/results/', `${results}/`);
    };
    const pod = shards.spec.template.spec.containers[0];
    const podEnv = Object.fromEntries((pod.env ?? []).map((e) => [e.name, e.value]));
    for (let index = 0; index < shards.spec.completions!; index++)
      sh(script(pod), dir, { ...env, ...podEnv, JOB_COMPLETION_INDEX: String(index) });
    const m = merge.spec.template.spec.containers[0];
    sh(script(m), dir, { ...env, ...Object.fromEntries((m.env ?? []).map((e) => [e.name, e.value])) });
    const run = runSummarySchema.parse(JSON.parse(readFileSync(join(results, 'merged/run.json'), 'utf8')));
    expect(run.merged_shards).toEqual([1, 2, 3]);
    expect(run.counts).toEqual({ cells: 9, ok: 9, failed: 0, cancelled: 0 }); // 3 strategies x 3 seeds
  });

  it('the GitHub Actions workflow is valid against the published workflow schema', () => {
    const text = read('github-actions-sharded-run.yml');
    expect(validateWorkflow(text).errors).toEqual([]);
    // The validator is live: a job without runs-on is refused.
    expect(
      validateWorkflow(text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest')).errors,
    ).not.toEqual([]);
  });

  it('the GitHub Actions workflow runs: its matrix of shards, then the merge job with the gate', () => {
    const { dir, env } = workspace();
    mkdirSync(join(dir, 'traces'));
    copyFileSync(join(dir, 'cluster.json'), join(dir, 'traces/cluster.json'));
    copyFileSync(join(dir, 'trace.csv'), join(dir, 'traces/trace.csv'));
    copyFileSync(join(RECIPES, 'schedbench-thresholds.yaml'), join(dir, 'schedbench-thresholds.yaml'));
    const wf = parseAllDocuments(read('github-actions-sharded-run.yml'))[0].toJS() as {
      jobs: Record<
        string,
        {
          env?: Record<string, unknown>;
          strategy?: { matrix: { shard: number[] } };
          steps: { run?: string }[];
        }
      >;
    };
    const runs = (job: string) =>
      wf.jobs[job].steps.flatMap((s) => (s.run && s.run !== 'npm ci' ? [s.run] : []));
    const shardJob = wf.jobs.shard;
    const jobEnv = Object.fromEntries(Object.entries(shardJob.env ?? {}).map(([k, v]) => [k, String(v)]));
    for (const shard of shardJob.strategy!.matrix.shard) {
      for (const step of runs('shard'))
        sh(step.replace(/\$\{\{ matrix\.shard \}\}/g, String(shard)), dir, { ...env, ...jobEnv });
    }
    // download-artifact with a pattern puts each artifact in a folder of its name: shards/shard-K.
    for (const step of runs('merge')) sh(step, dir, env);
    const run = runSummarySchema.parse(JSON.parse(readFileSync(join(dir, 'merged/run.json'), 'utf8')));
    expect(run.merged_shards).toEqual([1, 2, 3]);
    expect(run.counts.ok).toBe(6); // 2 strategies x 3 seeds
  });
});
