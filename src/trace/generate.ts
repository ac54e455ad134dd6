import { closeSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeJsonAtomic } from '../common/atomic-write.ts';
import { makeDirs } from '../common/make-dirs.ts';
import { outputError } from '../common/output-error.ts';
import { SeededRng } from '../common/rng.ts';

/** Knobs of the synthetic trace generator; every share is a probability per create row. */
export interface GeneratorOptions {
  readonly seed: number;
  readonly rows: number;
  readonly hosts: number;
  /** Mean seconds between arrivals. */
  readonly meanGap: number;
  /** Mean instance lifetime in seconds (exponential). */
  readonly meanLifetime: number;
  readonly multiInstanceShare: number;
  readonly groupShare: number;
  readonly azShare: number;
  readonly extraSpecsShare: number;
  /** Share of creates that end by an explicit delete row instead of a duration. */
  readonly deleteRowShare: number;
  /** Share of delete rows that name an id that is not live (a counted no-op). */
  readonly strayDeleteShare: number;
  /** Share of creates with a same_host or different_host hint naming a recent request. */
  readonly hintShare: number;
  readonly zones: number;
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = {
  seed: 1,
  rows: 10_000,
  hosts: 100,
  meanGap: 1,
  meanLifetime: 600,
  multiInstanceShare: 0.1,
  groupShare: 0.15,
  azShare: 0.2,
  extraSpecsShare: 0.2,
  deleteRowShare: 0.2,
  strayDeleteShare: 0.02,
  hintShare: 0.05,
  zones: 2,
};

const FLAVORS = [
  [1, 1024, 10],
  [1, 2048, 20],
  [2, 4096, 40],
  [4, 8192, 80],
  [8, 16384, 160],
  [16, 32768, 320],
  [2, 8192, 40],
  [4, 32768, 80],
] as const;
const HOST_SHAPES = [
  [32, 131072, 2000],
  [64, 262144, 4000],
  [48, 196608, 1000],
  [96, 393216, 4000],
] as const;
const POLICIES = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const;

/**
 * A cluster with `hosts` hosts of a few shapes, spread over zones, some in an `ssd` aggregate and
 * with traits, so every filter has something to do.
 */
export function generateCluster(o: GeneratorOptions): Record<string, unknown> {
  const rng = new SeededRng(o.seed ^ 0x5eed);
  const hosts = [];
  for (let i = 0; i < o.hosts; i++) {
    const [vcpus, memory_mb, disk_gb] = HOST_SHAPES[rng.int(HOST_SHAPES.length)];
    const ssd = rng.float() < 0.3;
    hosts.push({
      name: `h${String(i + 1).padStart(5, '0')}`,
      vcpus,
      memory_mb,
      disk_gb,
      az: `az${1 + (i % o.zones)}`,
      aggregates: ssd ? [{ name: 'ssd', metadata: { ssd: 'true', disk_class: 'fast' } }] : [],
      traits: { cpu_arch: rng.float() < 0.8 ? 'x86_64' : 'aarch64', gpus: rng.float() < 0.1 ? 2 : 0 },
    });
  }
  return {
    allocation_ratios: { cpu: 4.0, ram: 1.0, disk: 1.0 },
    reserved: { memory_mb: 2048, disk_gb: 0 },
    hosts,
  };
}

/**
 * Streams a synthetic trace of `rows` rows to `path`: Poisson arrivals, exponential lifetimes, a
 * mix of flavors, multi-instance requests, server groups of every policy, AZs, extra specs, delete
 * rows (also of ids that are not live). Memory is bounded by the pending deletes.
 */
export function generateTrace(o: GeneratorOptions, path: string): void {
  const rng = new SeededRng(o.seed);
  let fd: number;
  try {
    makeDirs(dirname(path));
    fd = openSync(path, 'w');
  } catch (err) {
    throw outputError(path, err);
  }
  let buf =
    'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs,same_host,different_host\n';
  const flush = (force: boolean) => {
    if (force || buf.length > 1 << 16) {
      try {
        writeSync(fd, buf);
      } catch (err) {
        closeSync(fd);
        throw outputError(path, err);
      }
      buf = '';
    }
  };
  // Pending delete rows, kept sorted by time (a small binary-insertion list).
  const pending: { t: number; id: string }[] = [];
  const groupPolicy = new Map<string, string>();
  let time = 0;
  let written = 0;
  let n = 0;
  while (written < o.rows) {
    time += -Math.log(1 - rng.float()) * o.meanGap;
    const t = Math.round(time * 1000) / 1000;
    while (pending.length > 0 && pending[0].t <= t && written < o.rows) {
      const d = pending.shift()!;
      buf += `${d.t},delete,${d.id},,,,,,,,,,,\n`;
      written++;
    }
    if (written >= o.rows) break;
    if (rng.float() < o.strayDeleteShare) {
      buf += `${t},delete,ghost${n++},,,,,,,,,,,\n`;
      written++;
      continue;
    }
    const id = `i${n++}`;
    const [vcpus, mem, disk] = FLAVORS[rng.int(FLAVORS.length)];
    const count = rng.float() < o.multiInstanceShare ? 2 + rng.int(4) : 1;
    const life = Math.max(1, Math.round(-Math.log(1 - rng.float()) * o.meanLifetime));
    const byDelete = rng.float() < o.deleteRowShare;
    const az = rng.float() < o.azShare ? (rng.float() < 0.05 ? 'nova' : `az${1 + rng.int(o.zones)}`) : '';
    let group = '';
    let policy = '';
    if (rng.float() < o.groupShare) {
      group = `g${rng.int(Math.max(1, Math.floor(o.rows / 50)))}`;
      policy = groupPolicy.get(group) ?? POLICIES[rng.int(POLICIES.length)];
      groupPolicy.set(group, policy);
    }
    let specs = '';
    if (rng.float() < o.extraSpecsShare) {
      const u = rng.float();
      specs =
        u < 0.4
          ? 'aggregate_instance_extra_specs:ssd=true'
          : u < 0.6
            ? 'ssd=<or> true <or> yes'
            : u < 0.8
              ? 'capabilities:cpu_arch=s== x86_64'
              : 'disk_class=fast;hw:cpu_policy=dedicated';
    }
    let same = '';
    let different = '';
    if (n > 1 && rng.float() < o.hintShare) {
      const other = `i${Math.max(0, n - 2 - rng.int(20))}`;
      if (rng.float() < 0.5) same = other;
      else different = other;
    }
    buf += `${t},create,${id},${vcpus},${mem},${disk},${count},${byDelete ? '' : life},${az},${group},${policy},${specs},${same},${different}\n`;
    written++;
    if (byDelete) {
      const due = Math.round((t + life) * 1000) / 1000;
      let lo = 0;
      let hi = pending.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (pending[mid].t <= due) lo = mid + 1;
        else hi = mid;
      }
      pending.splice(lo, 0, { t: due, id });
    }
    flush(false);
  }
  flush(true);
  closeSync(fd);
}

/** Write a generated cluster file (JSON) atomically. */
export function writeGeneratedCluster(o: GeneratorOptions, path: string): void {
  writeJsonAtomic(path, generateCluster(o), 1);
}
