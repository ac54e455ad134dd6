import { setImmediate } from 'node:timers/promises';
import { StagedFile } from '../common/atomic-write.ts';
import { UsageError } from '../common/errors.ts';
import { MAX_TRACE_SECONDS } from '../common/limits.ts';
import { SeededRng } from '../common/rng.ts';
import { arrivalClock } from './arrivals.ts';
import { BUILT_IN_FLAVORS } from './flavors.ts';
import { lifetimeSampler } from './lifetime.ts';
import { loadCapacity, meanGapForLoad } from './load.ts';
import { type GeneratorOptions, traceHasGpus } from './options.ts';
import { WeightedPick } from './weighted.ts';

const POLICIES = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const;
const HEADER =
  'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs,same_host,different_host';
const FLUSH_AT = 1 << 16;

const LIMIT = `the trace limit of ${MAX_TRACE_SECONDS.toLocaleString('en-US')} s`;

/** The mean gap between arrivals: `meanGap`, or the one that reaches `targetLoad`. */
export function resolveMeanGap(o: GeneratorOptions): number {
  if (o.targetLoad === undefined) return o.meanGap;
  const gap = meanGapForLoad(o, o.targetLoad, loadCapacity(o, o.loadCluster));
  if (!(gap <= MAX_TRACE_SECONDS))
    throw new UsageError(
      `--target-load ${o.targetLoad}: needs a mean gap of ${gap} s between arrivals, above ${LIMIT}`,
    );
  return gap;
}

/**
 * A synthetic trace of `rows` rows, as blocks of CSV text of about 64 KiB: Poisson arrivals
 * (diurnally modulated when asked), lifetimes of the chosen distribution, a weighted flavor mix,
 * multi-instance requests, server groups by policy weight, AZs, extra specs, delete rows (also of
 * ids that are not live), GPU requests (whole and shared) when asked. Memory stays flat: only the
 * block, the pending delete rows and one byte per group are kept. Every random draw of a knob that
 * is off is skipped, so the defaults give the bytes they always gave. A time or a duration `run`
 * would refuse (above MAX_TRACE_SECONDS) is never written: a UsageError names the flags leading to it.
 */
export function* traceBlocks(o: GeneratorOptions): Generator<string, void, undefined> {
  const meanGap = resolveMeanGap(o);
  const rng = new SeededRng(o.seed);
  const gpuColumns = traceHasGpus(o);
  const tail = gpuColumns ? ',,,' : '';
  let buf = `${HEADER}${gpuColumns ? ',gpus,gpu_milli,gpu_spec' : ''}\n`;
  const flavors = o.flavors ?? BUILT_IN_FLAVORS;
  const flavorPick = new WeightedPick(flavors.map((f) => f.weight));
  const policyPick = new WeightedPick(POLICIES.map((p) => o.groupPolicies[p]));
  const gpuCountEntries = Object.entries(o.gpuCounts).map(([n, w]) => [Number(n), w] as const);
  const gpuCountPick = gpuCountEntries.some(([, w]) => w > 0)
    ? new WeightedPick(gpuCountEntries.map(([, w]) => w))
    : undefined;
  const nextArrival = arrivalClock(o, meanGap);
  const lifetime = lifetimeSampler(o);
  const groupCount = o.groupCount ?? Math.max(1, Math.floor(o.rows / 50));
  // Policy of each group once it has one: index + 1 into POLICIES, 0 = not used yet.
  const groupPolicy = new Uint8Array(groupCount);
  // Pending delete rows, kept sorted by time (a small binary-insertion list).
  const pending: { t: number; id: string }[] = [];
  let written = 0;
  let n = 0;
  while (written < o.rows) {
    const t = Math.round(nextArrival(rng) * 1000) / 1000;
    while (pending.length > 0 && pending[0].t <= t && written < o.rows) {
      const d = pending.shift()!;
      if (!(d.t <= MAX_TRACE_SECONDS))
        throw new UsageError(
          `row ${written + 1}, the delete row of ${d.id}, would come at ${d.t} s, after ${LIMIT}: give a shorter --mean-lifetime`,
        );
      buf += `${d.t},delete,${d.id},,,,,,,,,,,${tail}\n`;
      written++;
    }
    if (written >= o.rows) break;
    if (!(t <= MAX_TRACE_SECONDS))
      throw new UsageError(
        `row ${written + 1} would arrive at ${t} s, after ${LIMIT}: give fewer --rows or more arrivals per second (--rate, --mean-gap, --target-load)`,
      );
    if (rng.float() < o.strayDeleteShare) {
      buf += `${t},delete,ghost${n++},,,,,,,,,,,${tail}\n`;
      written++;
      continue;
    }
    const id = `i${n++}`;
    const flavor = flavors[flavorPick.draw(rng)];
    const count = rng.float() < o.multiInstanceShare ? 2 + rng.int(4) : 1;
    const life = lifetime(rng);
    const byDelete = rng.float() < o.deleteRowShare;
    if (!byDelete && !(life <= MAX_TRACE_SECONDS))
      throw new UsageError(
        `row ${written + 1}: a duration of ${life} s was drawn, above ${LIMIT}: give a shorter --mean-lifetime`,
      );
    const az = rng.float() < o.azShare ? (rng.float() < 0.05 ? 'nova' : `az${1 + rng.int(o.zones)}`) : '';
    let group = '';
    let policy = '';
    if (rng.float() < o.groupShare) {
      const g = rng.int(groupCount);
      group = `g${g}`;
      if (groupPolicy[g] === 0) groupPolicy[g] = 1 + policyPick.draw(rng);
      policy = POLICIES[groupPolicy[g] - 1];
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
    let gpu = '';
    if (gpuColumns) {
      let gpus = flavor.gpus;
      let milli = flavor.gpuMilli;
      let spec = flavor.gpuSpec;
      if (gpus === 0 && o.gpuShare > 0 && rng.float() < o.gpuShare) {
        if (rng.float() < o.gpuSharingShare || gpuCountPick === undefined) {
          gpus = 1;
          milli = o.gpuMilliChoices[rng.int(o.gpuMilliChoices.length)];
        } else {
          gpus = gpuCountEntries[gpuCountPick.draw(rng)][0];
          milli = 1000;
        }
      }
      if (gpus > 0 && spec === '' && o.gpuSpecShare > 0 && rng.float() < o.gpuSpecShare)
        spec = o.gpuModels[rng.int(o.gpuModels.length)];
      // Whole GPUs leave gpu_milli empty (= 1000).
      gpu = gpus === 0 ? ',,,' : `,${gpus},${milli === 1000 ? '' : milli},${spec}`;
    }
    buf += `${t},create,${id},${flavor.vcpus},${flavor.memoryMb},${flavor.diskGb},${count},${byDelete ? '' : life},${az},${group},${policy},${specs},${same},${different}${gpu}\n`;
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
    if (buf.length > FLUSH_AT) {
      yield buf;
      buf = '';
    }
  }
  yield buf;
}

/** Write the trace of `o` to `path`, whole or not at all (a temp file renamed when complete). */
export function generateTrace(o: GeneratorOptions, path: string): void {
  const file = new StagedFile(path);
  try {
    for (const block of traceBlocks(o)) file.write(block);
    file.commit();
  } catch (err) {
    file.discard();
    throw err;
  }
}

/**
 * Write the trace of `o` into `file` (not committed: the caller does), letting the event loop turn
 * after each block so that a signal is seen; false when `signal` was aborted before the end.
 */
export async function writeTrace(
  o: GeneratorOptions,
  file: StagedFile,
  signal: AbortSignal,
): Promise<boolean> {
  for (const block of traceBlocks(o)) {
    file.write(block);
    await setImmediate();
    if (signal.aborted) return false;
  }
  return true;
}
