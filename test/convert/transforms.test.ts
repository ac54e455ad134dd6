// The stress transforms through convert, on the real openb default trace and on slices. Expected
// figures come from the source files and the cluster capacity, computed here independently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { convertTrace } from '../../src/trace/convert.ts';
import { NO_TRANSFORMS, type TransformOptions } from '../../src/trace/transforms/options.ts';
import { tempDir } from '../helpers/replay.ts';
import { FIXTURES, sharedTraces } from '../helpers/shared-traces.ts';

const SRC = sharedTraces('alibaba-openb-2023');
const NODES = join(SRC, 'openb_node_list_all_node.csv');
const PODS = join(SRC, 'openb_pod_list_default.csv');
const SLICE = join(FIXTURES, 'openb/pod_list_default.head64.csv');

type Rec = Record<string, string>;
interface Host {
  name: string;
  vcpus: number;
  memory_mb: number;
  gpus: number;
}

async function convert(inputs: string[], t: Partial<TransformOptions>) {
  const dir = tempDir();
  const out = join(dir, 't.csv');
  const clusterOut = join(dir, 'c.json');
  await convertTrace({
    format: 'openb',
    inputs,
    out,
    clusterOut,
    cluster: undefined,
    transforms: { ...NO_TRANSFORMS, ...t },
  });
  return {
    bytes: readFileSync(out),
    rows: parse(readFileSync(out), { columns: true }) as Rec[],
    hosts: JSON.parse(readFileSync(clusterOut, 'utf8')).hosts as Host[],
  };
}

const gpuDemand = (r: Rec) => Number(r.gpus || 0) * Number(r.gpu_milli || 0);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const shape = (r: Rec) => [r.vcpus, r.memory_mb, r.gpus, r.gpu_milli, r.gpu_spec].join('/');
const source = parse(readFileSync(PODS), { columns: true }) as Rec[];
const nodes = parse(readFileSync(NODES), { columns: true }) as Rec[];
const MAX_POD_GPU = Math.max(...source.map((p) => Number(p.num_gpu) * Number(p.gpu_milli)));

describe('stress transforms', () => {
  it('GPUs are the dominant resource of the openb default pods on its nodes', () => {
    const cpu =
      sum(source.map((p) => Math.ceil(Number(p.cpu_milli) / 1000))) /
      sum(nodes.map((n) => Number(n.cpu_milli) / 1000));
    const mem = sum(source.map((p) => Number(p.memory_mib))) / sum(nodes.map((n) => Number(n.memory_mib)));
    const gpu =
      sum(source.map((p) => Number(p.num_gpu) * Number(p.gpu_milli))) /
      (1000 * sum(nodes.map((n) => Number(n.gpu))));
    expect(gpu).toBeGreaterThan(cpu);
    expect(gpu).toBeGreaterThan(mem);
    expect(gpu).toBeLessThan(1.3);
  });

  it('--inflate 1.3 resamples up to 1.3x the GPU capacity, stopping before the copy that would pass it', async () => {
    const { rows, hosts } = await convert([NODES, PODS], {
      noDepartures: true,
      shuffle: 5,
      inflate: 1.3,
      seed: 3,
    });
    const target = 1.3 * 1000 * sum(hosts.map((h) => h.gpus));
    expect(target).toBe(1.3 * 6_212_000);
    const demand = sum(rows.map(gpuDemand));
    expect(demand).toBeLessThanOrEqual(target);
    expect(target - demand).toBeLessThan(MAX_POD_GPU);
    // Every source pod once, the copies named after theirs and of the same shape.
    const byId = new Map(source.map((p) => [p.name, p]));
    const originals = rows.filter((r) => !r.id.includes('-clone-'));
    expect(originals.map((r) => r.id).sort()).toEqual([...byId.keys()].sort());
    for (const r of rows) {
      const p = byId.get(r.id.replace(/-clone-\d+$/, ''))!;
      expect(shape(r)).toBe(
        [
          Math.ceil(Number(p.cpu_milli) / 1000),
          p.memory_mib,
          p.num_gpu === '0' ? '' : p.num_gpu,
          p.num_gpu === '0' ? '' : p.gpu_milli,
          '',
        ].join('/'),
      );
    }
    expect(new Set(rows.map((r) => r.duration))).toEqual(new Set(['']));
  });

  it('--inflate below the demand drops pods at random until it is at most the target', async () => {
    const { rows, hosts } = await convert([NODES, PODS], { hostsSample: 64, inflate: 1.3, seed: 2 });
    expect(hosts).toHaveLength(64);
    const target = 1.3 * 1000 * sum(hosts.map((h) => h.gpus));
    const demand = sum(rows.map(gpuDemand));
    expect(demand).toBeLessThanOrEqual(target);
    expect(target - demand).toBeLessThan(MAX_POD_GPU);
    expect(rows.some((r) => r.id.includes('-clone-'))).toBe(false);
    // The kept pods keep their source order and times.
    const pos = new Map(source.map((p, i) => [p.name, i]));
    const at = rows.map((r) => pos.get(r.id)!);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    for (const r of rows) expect(r.time).toBe(source[pos.get(r.id)!].creation_time);
  });

  it('same inputs and seeds give the same bytes; another seed another trace', async () => {
    const t = { noDepartures: true, shuffle: 5, inflate: 1.3, seed: 3 };
    const a = await convert([NODES, PODS], t);
    const b = await convert([NODES, PODS], t);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const c = await convert([NODES, PODS], { ...t, shuffle: 6 });
    expect(c.bytes.equals(a.bytes)).toBe(false);
    const d = await convert([NODES, PODS], { ...t, seed: 4 });
    expect(d.bytes.equals(a.bytes)).toBe(false);
  });

  it('--shuffle reorders the pods over the same arrival times', async () => {
    const { rows } = await convert([NODES, SLICE], { shuffle: 11 });
    const slice = parse(readFileSync(SLICE), { columns: true }) as Rec[];
    expect(rows.map((r) => r.id)).not.toEqual(slice.map((p) => p.name));
    expect(rows.map((r) => r.id).sort()).toEqual(slice.map((p) => p.name).sort());
    expect(rows.map((r) => Number(r.time))).toEqual(slice.map((p) => Number(p.creation_time)));
    // Each pod keeps its own lifetime.
    const life = new Map(
      slice.map((p) => [p.name, String(Number(p.deletion_time) - Number(p.creation_time))]),
    );
    for (const r of rows) expect(r.duration).toBe(life.get(r.id));
  });

  it('--time-scale multiplies times and lifetimes; --no-departures drops lifetimes', async () => {
    const slice = parse(readFileSync(SLICE), { columns: true }) as Rec[];
    const { rows } = await convert([NODES, SLICE], { timeScale: 0.5 });
    rows.forEach((r, i) => {
      expect(Number(r.time)).toBe(Number(slice[i].creation_time) / 2);
      expect(Number(r.duration)).toBe((Number(slice[i].deletion_time) - Number(slice[i].creation_time)) / 2);
    });
    const kept = await convert([NODES, SLICE], { noDepartures: true });
    expect(kept.rows.map((r) => r.duration)).toEqual(slice.map(() => ''));
  });

  it('--hosts-sample keeps N or a fraction of the hosts, in cluster order, seeded', async () => {
    const a = await convert([NODES, SLICE], { hostsSample: 64, seed: 1 });
    const names = nodes.map((n) => n.sn);
    const at = a.hosts.map((h) => names.indexOf(h.name));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((x, y) => x - y));
    expect(new Set(at).size).toBe(64);
    expect((await convert([NODES, SLICE], { hostsSample: 64, seed: 1 })).hosts).toEqual(a.hosts);
    expect((await convert([NODES, SLICE], { hostsSample: 64, seed: 2 })).hosts).not.toEqual(a.hosts);
    // 10% of 1,523 is 152.3: 152 hosts.
    expect((await convert([NODES, SLICE], { hostsSample: 0.1 })).hosts).toHaveLength(152);
  });
});
