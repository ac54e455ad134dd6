// openb adapter on real slices (test/fixtures/openb/, the first lines of the published files):
// every expected value below is worked out by hand from the source rows quoted beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { convertTrace } from '../../src/trace/convert.ts';
import { NO_TRANSFORMS } from '../../src/trace/transforms/options.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';
import { FIXTURES } from '../helpers/shared-traces.ts';

const DIR = join(FIXTURES, 'openb');
const PODS = join(DIR, 'pod_list_default.head64.csv');
const NODES = join(DIR, 'node_list_gpu_node.head13.csv');

type Rec = Record<string, string>;
const readCsv = (path: string) => parse(readFileSync(path), { columns: true }) as Rec[];

async function convert(inputs: string[], extra: Partial<typeof NO_TRANSFORMS> = {}) {
  const dir = tempDir();
  const out = join(dir, 'trace.csv');
  const clusterOut = join(dir, 'cluster.json');
  await convertTrace({
    format: 'openb',
    inputs,
    out,
    clusterOut,
    cluster: undefined,
    transforms: { ...NO_TRANSFORMS, ...extra },
  });
  return { out, clusterOut, rows: readCsv(out), cluster: JSON.parse(readFileSync(clusterOut, 'utf8')) };
}

describe('openb pod list (11-column form)', () => {
  it('maps each pod to one create row', async () => {
    const { rows } = await convert([NODES, PODS]);
    expect(rows).toHaveLength(63);
    // openb-pod-0000,12000,16384,1,1000,,LS,Running,0,12537496,0
    expect(rows[0]).toMatchObject({
      time: '0',
      event: 'create',
      id: 'openb-pod-0000',
      vcpus: '12',
      memory_mb: '16384',
      disk_gb: '0',
      count: '1',
      duration: '12537496',
      gpus: '1',
      gpu_milli: '1000',
      gpu_spec: '',
    });
    // openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061: a GPU share
    expect(rows[1]).toMatchObject({
      time: '427061',
      vcpus: '6',
      gpus: '1',
      gpu_milli: '460',
      duration: '12475899',
    });
    // openb-pod-0005,20000,65536,0,0,...: no GPU, so both GPU columns are empty
    expect(rows[5]).toMatchObject({ vcpus: '20', memory_mb: '65536', gpus: '', gpu_milli: '' });
    // openb-pod-0033,3152,5600,1,1000,,BE,Failed,9965463,9965645: 3.152 cores round up to 4 vCPUs
    expect(rows[33]).toMatchObject({ id: 'openb-pod-0033', vcpus: '4', memory_mb: '5600', duration: '182' });
    // openb-pod-0061,11908,47104,1,1000,,BE,Pending,10001278,10001403,: a Pending pod is kept
    expect(rows[61]).toMatchObject({ id: 'openb-pod-0061', vcpus: '12', duration: '125' });
  });

  it('maps the node list to hosts with their GPUs and model', async () => {
    const { cluster } = await convert([PODS, NODES]);
    expect(cluster.hosts).toHaveLength(12);
    // openb-node-0000,64000,262144,2,P100
    expect(cluster.hosts[0]).toEqual({
      name: 'openb-node-0000',
      vcpus: 64,
      memory_mb: 262144,
      disk_gb: 0,
      gpus: 2,
      gpu_model: 'P100',
    });
    expect(cluster.allocation_ratios).toEqual({ cpu: 1, ram: 1, disk: 1 });
    expect(cluster.reserved).toEqual({ memory_mb: 0, disk_gb: 0 });
  });

  it('a CPU-only node has 0 GPUs and no model', async () => {
    const { cluster } = await convert([join(DIR, 'node_list_all_node.head4.csv'), PODS]);
    // openb-node-0000,32000,262144,0,
    expect(cluster.hosts[0]).toEqual({
      name: 'openb-node-0000',
      vcpus: 32,
      memory_mb: 262144,
      disk_gb: 0,
      gpus: 0,
      gpu_model: '',
    });
  });

  it('the 5-column form arrives at 0 in file order and never leaves', async () => {
    const { rows } = await convert([NODES, join(DIR, 'pod_list_multigpu20.head11.csv')]);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => `openb-pod-000${i}`));
    expect(new Set(rows.map((r) => r.time))).toEqual(new Set(['0']));
    expect(new Set(rows.map((r) => r.duration))).toEqual(new Set(['']));
    // openb-pod-0001,6000,12288,1,460
    expect(rows[1]).toMatchObject({ vcpus: '6', memory_mb: '12288', gpus: '1', gpu_milli: '460' });
  });

  it('run --trace-format openb reads the same rows as run on the converted trace', () => {
    const dir = tempDir();
    const conv = cli([
      'convert',
      '--from',
      'openb',
      NODES,
      PODS,
      '--out',
      join(dir, 't.csv'),
      '--cluster-out',
      join(dir, 'c.json'),
      '--no-departures',
      '--shuffle',
      '9',
    ]);
    expect(conv.code, conv.stderr).toBe(0);
    const viaFile = cli([
      'run',
      '--cluster',
      join(dir, 'c.json'),
      '--trace',
      join(dir, 't.csv'),
      '--strategy',
      'best-fit',
      '--placements',
      join(dir, 'a.csv'),
      '--out',
      join(dir, 'ra'),
      '--quiet',
    ]);
    expect(viaFile.code, viaFile.stderr).toBe(0);
    const direct = cli([
      'run',
      '--trace-format',
      'openb',
      '--cluster',
      NODES,
      '--trace',
      PODS,
      '--strategy',
      'best-fit',
      '--no-departures',
      '--shuffle',
      '9',
      '--placements',
      join(dir, 'b.csv'),
      '--out',
      join(dir, 'rb'),
      '--quiet',
    ]);
    expect(direct.code, direct.stderr).toBe(0);
    const a = readFileSync(join(dir, 'a.csv'), 'utf8');
    expect(a.split('\n').length).toBeGreaterThan(63);
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe(a);
  });

  it('capacity --trace-format openb: a pod wider than every host fits on no prefix', () => {
    // openb-pod-0017 asks for 88,000 milli-CPU (88 vCPUs); the 12 slice nodes have 64 each.
    const dir = tempDir();
    const r = cli([
      'capacity',
      '--trace-format',
      'openb',
      '--cluster',
      NODES,
      '--trace',
      PODS,
      '--no-departures',
      '--out',
      join(dir, 'cap'),
      '--workers',
      '1',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const cap = JSON.parse(readFileSync(join(dir, 'cap/capacity.json'), 'utf8'));
    expect(cap.strategies[0].hosts).toBeNull();
    expect(cap.strategies[0].probes[0]).toMatchObject({ hosts: 12, instances: 63 });
    expect(cap.strategies[0].probes[0].no_valid_host).toBeGreaterThanOrEqual(1);
  });
});
