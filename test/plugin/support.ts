// Shared by the plugin tests: the real CLI in a child process, and a small hand-checked cluster.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/replay.ts';

export const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/schedbench.js');

/** Run bin/schedbench.js with `args` in `cwd`; killed after 2 minutes (a hang guard: `signal` set). */
export function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd,
    timeout: 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// h1 8 vCPUs, h2 16, h3 4 (cpu ratio 1); five requests of 4 vCPUs; headroom 2.
export const CLUSTER = {
  allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
  reserved: { memory_mb: 0, disk_gb: 0 },
  hosts: [
    { name: 'h1', vcpus: 8, memory_mb: 65536, disk_gb: 100 },
    { name: 'h2', vcpus: 16, memory_mb: 65536, disk_gb: 100 },
    { name: 'h3', vcpus: 4, memory_mb: 65536, disk_gb: 100 },
  ],
};
export const TRACE = [
  'time,id,vcpus,memory_mb',
  '0,a,4,1024',
  '1,b,4,1024',
  '2,c,4,1024',
  '3,d,4,1024',
  '4,e,4,1024',
];
// vCPUs left after placing 4: a: h1 4, h2 12, h3 0 (< 2: rejected) -> h2.
// b: h1 4, h2 8 -> h2.  c: h1 4, h2 4 -> tie, cluster order -> h1.
// d: h1 0 (rejected), h2 4 -> h2.  e: h1 0, h2 0, h3 0: all rejected -> NoValidHost.
export const EXPECTED = ['seq,id,host,attempts', '1,a,h2,1', '2,b,h2,1', '3,c,h1,1', '4,d,h2,1', '5,e,,1'];

export function workDir(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(CLUSTER));
  writeFileSync(join(dir, 'trace.csv'), `${TRACE.join('\n')}\n`);
  return dir;
}
