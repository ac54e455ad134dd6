// The whole openb default trace through convert: the mapped totals against the source files,
// each expected total computed here from the raw CSV with plain splitting (openb has no quoting),
// and checked against the figures the shared traces README states.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertTrace } from '../../src/trace/convert.ts';
import { NO_TRANSFORMS } from '../../src/trace/transforms/options.ts';
import { tempDir } from '../helpers/replay.ts';
import { sharedTraces } from '../helpers/shared-traces.ts';

const SRC = sharedTraces('alibaba-openb-2023');

/** The rows of a plain CSV file as objects, by splitting lines and commas. */
function plainRows(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cols = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('openb default trace, converted whole', () => {
  const nodes = plainRows(join(SRC, 'openb_node_list_all_node.csv'));
  const pods = plainRows(join(SRC, 'openb_pod_list_default.csv'));
  let trace: Record<string, string>[];
  let cluster: { hosts: { vcpus: number; memory_mb: number; gpus: number; gpu_model: string }[] };

  beforeAll(async () => {
    const dir = tempDir();
    await convertTrace({
      format: 'openb',
      inputs: [join(SRC, 'openb_node_list_all_node.csv'), join(SRC, 'openb_pod_list_default.csv')],
      out: join(dir, 't.csv'),
      clusterOut: join(dir, 'c.json'),
      cluster: undefined,
      transforms: NO_TRANSFORMS,
    });
    trace = parse(readFileSync(join(dir, 't.csv')), { columns: true });
    cluster = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
  });

  it('hosts: count, cores, memory, GPUs and models as in the node list', () => {
    expect(cluster.hosts).toHaveLength(nodes.length);
    expect(nodes.length).toBe(1523); // the README's figure
    const cores = sum(nodes.map((n) => Number(n.cpu_milli) / 1000));
    expect(cores).toBe(125514); // the README: 125,514 vCPUs
    expect(sum(cluster.hosts.map((h) => h.vcpus))).toBe(cores);
    expect(sum(cluster.hosts.map((h) => h.memory_mb))).toBe(sum(nodes.map((n) => Number(n.memory_mib))));
    const gpus = sum(nodes.map((n) => Number(n.gpu)));
    expect(gpus).toBe(6212); // the README: 6,212 GPUs
    expect(sum(cluster.hosts.map((h) => h.gpus))).toBe(gpus);
    const models = (xs: string[]) => [...new Set(xs)].sort();
    expect(models(cluster.hosts.map((h) => h.gpu_model))).toEqual(models(nodes.map((n) => n.model)));
  });

  it('pods: count, vCPUs (ceil), memory, GPU pods, GPU-share pods, GPUs asked', () => {
    expect(trace).toHaveLength(pods.length);
    expect(pods.length).toBe(8152); // the README and the issue
    expect(sum(trace.map((r) => Number(r.vcpus)))).toBe(
      sum(pods.map((p) => Math.ceil(Number(p.cpu_milli) / 1000))),
    );
    expect(sum(trace.map((r) => Number(r.memory_mb)))).toBe(sum(pods.map((p) => Number(p.memory_mib))));
    const gpuPods = pods.filter((p) => Number(p.num_gpu) > 0).length;
    expect(gpuPods).toBe(7064); // the issue: 7,064 of 8,152 ask for GPUs
    expect(trace.filter((r) => Number(r.gpus) > 0)).toHaveLength(gpuPods);
    const share = pods.filter((p) => Number(p.gpu_milli) > 0 && Number(p.gpu_milli) < 1000).length;
    expect(share).toBe(3078); // the issue: 3,078 share a fraction of one
    expect(trace.filter((r) => Number(r.gpu_milli) > 0 && Number(r.gpu_milli) < 1000)).toHaveLength(share);
    const milli = (gpus: string, m: string) => Number(gpus || 0) * Number(m || 0);
    expect(sum(trace.map((r) => milli(r.gpus, r.gpu_milli)))).toBe(
      sum(pods.map((p) => milli(p.num_gpu, p.gpu_milli))),
    );
  });

  it('times and lifetimes: creation_time and deletion_time - creation_time, pod by pod', () => {
    for (let i = 0; i < pods.length; i++) {
      expect(Number(trace[i].time)).toBe(Number(pods[i].creation_time));
      expect(Number(trace[i].duration)).toBe(Number(pods[i].deletion_time) - Number(pods[i].creation_time));
    }
  });
});
