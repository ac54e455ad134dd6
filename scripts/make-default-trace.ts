// Builds traces/default-cluster.json and traces/default-trace.csv from the Alibaba openb 2023 trace
// (../shared/traces/alibaba-openb-2023). Run: npx tsx scripts/make-default-trace.ts [shared-dir]
// The method is documented in traces/README.md ("The bundled default trace").
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { writeJsonAtomic } from '../src/common/atomic-write.ts';
import { SeededRng } from '../src/common/rng.ts';

const SHARED = process.argv[2] ?? join(import.meta.dirname, '../../shared/traces/alibaba-openb-2023');
const OUT = join(import.meta.dirname, '../traces');
const HOSTS = 64;
const REQUESTS = 3000;
const LOAD = 1.1; // offered RAM demand / cluster RAM, in steady state
const rng = new SeededRng(2023);

type Rec = Record<string, string>;
const read = (f: string) => parse(readFileSync(join(SHARED, f)), { columns: true }) as Rec[];

// Cluster: every k-th openb node, so the sample keeps the real mix of node shapes.
const nodes = read('openb_node_list_all_node.csv');
const step = nodes.length / HOSTS;
const hosts = Array.from({ length: HOSTS }, (_, i) => {
  const n = nodes[Math.floor(i * step)];
  const gpus = Number(n.gpu);
  return {
    name: n.sn,
    vcpus: Math.round(Number(n.cpu_milli) / 1000),
    memory_mb: Number(n.memory_mib),
    disk_gb: 2000,
    az: i % 2 === 0 ? 'az1' : 'az2',
    aggregates: gpus > 0 ? [{ name: 'gpu', metadata: { gpu: 'true' } }] : [],
    traits: gpus > 0 ? { gpus, gpu_model: n.model } : { gpus: 0 },
  };
});
const cluster = {
  allocation_ratios: { cpu: 1.0, ram: 1.0, disk: 1.0 },
  reserved: { memory_mb: 4096, disk_gb: 0 },
  hosts,
};
writeJsonAtomic(join(OUT, 'default-cluster.json'), cluster, 1);

// Requests: real pod shapes and lifetimes, in a seeded shuffled order, arriving 1 s apart on average.
const pods = read('openb_pod_list_default.csv').filter((p) => p.deletion_time !== '');
const lifetimes = pods.map((p) => Number(p.deletion_time) - Number(p.creation_time)).sort((a, b) => a - b);
const cap = lifetimes[Math.floor(0.99 * lifetimes.length)];
const clusterRam = hosts.reduce((s, h) => s + h.memory_mb - cluster.reserved.memory_mb, 0);
const meanRam = pods.reduce((s, p) => s + Number(p.memory_mib), 0) / pods.length;
const meanLife =
  pods.reduce((s, p) => s + Math.min(cap, Number(p.deletion_time) - Number(p.creation_time)), 0) /
  pods.length;
// Little's law: concurrent RAM = arrival rate x mean lifetime x mean RAM.
const scale = (LOAD * clusterRam) / (meanRam * meanLife);

const lines = ['time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs'];
const deletes: { time: number; id: string }[] = [];
let time = 0;
for (let i = 0; i < REQUESTS; i++) {
  const p = pods[rng.int(pods.length)];
  time += -Math.log(1 - rng.float()); // exponential gaps, mean 1 s
  const t = Math.round(time * 1000) / 1000;
  const id = `r${String(i).padStart(5, '0')}`;
  const life = Math.min(cap, Number(p.deletion_time) - Number(p.creation_time)) * scale;
  const vcpus = Math.max(1, Math.ceil(Number(p.cpu_milli) / 1000));
  const gpu = Number(p.num_gpu) > 0 ? 'gpu=true' : '';
  // A synthetic overlay (not in openb) exercises the rest of the format: 8% are multi-instance
  // anti-affinity groups, 4% soft-affinity pairs, 5% ask for an AZ, 5% are deleted by a delete row.
  const u = rng.float();
  let count = 1;
  let group = '';
  let policy = '';
  if (u < 0.08) {
    count = 2 + rng.int(3);
    group = `g${id}`;
    policy = 'anti-affinity';
  } else if (u < 0.12) {
    count = 2;
    group = `s${id}`;
    policy = 'soft-affinity';
  }
  const az = rng.float() < 0.05 ? (rng.int(2) === 0 ? 'az1' : 'az2') : '';
  const byDelete = rng.float() < 0.05;
  const duration = byDelete ? '' : String(Math.round(life));
  if (byDelete) deletes.push({ time: t + Math.round(life), id });
  while (deletes.length > 0 && deletes[0].time <= t) {
    const d = deletes.shift()!;
    lines.push(`${d.time},delete,${d.id},,,,,,,,,`);
  }
  lines.push(
    `${t},create,${id},${vcpus},${p.memory_mib},20,${count},${duration},${az},${group},${policy},${gpu}`,
  );
  deletes.sort((a, b) => a.time - b.time);
}
for (const d of deletes) lines.push(`${d.time},delete,${d.id},,,,,,,,,`);
writeFileSync(join(OUT, 'default-trace.csv'), `${lines.join('\n')}\n`);
console.log(
  `hosts ${HOSTS}, requests ${REQUESTS}, rows ${lines.length - 1}, lifetime scale ${scale.toFixed(4)}`,
);
