import { type ClusterSpec, clusterFromObject } from '../src/cluster/cluster-spec.ts';
import { ClusterState } from '../src/cluster/cluster-state.ts';
import { SeededRng } from '../src/common/rng.ts';
import { GroupView } from '../src/framework/group-view.ts';
import type { FilterRequest } from '../src/framework/types.ts';
import { generateCluster } from '../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../src/generate/options.ts';
import type { Flavor } from '../src/model/flavor.ts';
import type { GroupPolicy } from '../src/model/group-policy.ts';
import { GROUP_POLICIES } from '../src/model/group-policy.ts';
import type { DriverContext } from '../src/scheduler/driver.ts';
import type { RequestSpec } from '../src/scheduler/request-spec.ts';

/** A small fixed set of flavors the requests cycle through, so no two consecutive decisions are alike. */
export const BENCH_FLAVORS: readonly Flavor[] = [
  [1, 2048, 20],
  [2, 4096, 40],
  [4, 8192, 80],
  [8, 16384, 160],
  [2, 8192, 40],
  [4, 4096, 40],
  [16, 32768, 320],
  [1, 1024, 10],
].map(([vcpus, memoryMb, diskGb]) => ({ vcpus, memoryMb, diskGb, gpus: 0, gpuMilli: 0 }));

/**
 * A generated cluster of `hosts` hosts (src/generate/: several shapes, two zones, an ssd
 * aggregate, traits; the last host disabled, so the ComputeFilter has work), half full: instances
 * of mixed flavors claimed on random hosts until about half the RAM is used, so free values differ
 * from host to host as they do mid-replay; every 50th instance is in a server group of each policy.
 * `placement`: a zed-mode cluster (the claims are Placement's too).
 */
export function halfFullCluster(hosts: number, gpusPerHost = 0, placement = false): ClusterState {
  const file = generateCluster({ ...DEFAULT_GENERATOR_OPTIONS, hosts, seed: 7 }) as {
    hosts: { enabled?: boolean; gpus?: number }[];
  };
  file.hosts[file.hosts.length - 1].enabled = false;
  // With GPUs, every 4th instance also takes a GPU share or whole GPUs (GpuFilter's bench).
  if (gpusPerHost > 0) for (const h of file.hosts) h.gpus = gpusPerHost;
  const spec = clusterFromObject(file, 'bench');
  const cluster = new ClusterState(spec, {}, { placement });
  const rng = new SeededRng(11);
  const t = cluster.hosts;
  let total = 0;
  for (let h = 0; h < t.size; h++) total += t.totalUsableRamMb[h];
  const groups = GROUP_POLICIES.map((p) => cluster.groups.intern(p, p));
  let used = 0;
  for (let i = 0; used < total / 2 && i < hosts * 100; i++) {
    const f = {
      vcpus: 1 << rng.int(4),
      memoryMb: 1024 << rng.int(5),
      diskGb: 10 << rng.int(4),
      gpus: gpusPerHost > 0 && i % 4 === 0 ? 1 + rng.int(2) : 0,
      gpuMilli: 0,
    };
    if (f.gpus === 1) f.gpuMilli = 100 * (1 + rng.int(10));
    if (f.gpus === 2) f.gpuMilli = 1000;
    const h = rng.int(t.size);
    const group = i % 50 === 0 ? groups[(i / 50) % groups.length] : undefined;
    if (cluster.claim(h, `i${i}`, f, group) >= 0) used += f.memoryMb;
  }
  // Builds complete: no io ops in flight.
  t.numIoOps.fill(0);
  return cluster;
}

/**
 * A request that gives every filter something to check: a zone, extra specs for the aggregate
 * and capabilities filters, a server group of `policy` with live members, host hints and a retry list.
 */
export function benchRequest(cluster: ClusterState, policy: GroupPolicy = 'anti-affinity'): FilterRequest {
  const spec: RequestSpec = {
    requestId: 'bench',
    instanceIds: ['bench'],
    flavor: { vcpus: 2, memoryMb: 4096, diskGb: 40, gpus: 0, gpuMilli: 0 },
    time: 0,
    availabilityZone: 'az1',
    group: cluster.groups.get(policy),
    extraSpecs: {
      key: 'aggregate_instance_extra_specs:ssd=true;capabilities:cpu_arch=s== x86_64',
      entries: [
        ['aggregate_instance_extra_specs:ssd', 'true'],
        ['capabilities:cpu_arch', 's== x86_64'],
      ],
    },
    gpuSpec: undefined,
    sameHost: ['i1', 'i2'],
    differentHost: ['i3', 'i4'],
  };
  const group = new GroupView(cluster.hosts.size);
  group.refresh(spec.group);
  return { spec, index: 0, instanceId: 'bench', instanceHost: -1, retryHosts: [0, 1, 2], group };
}

/**
 * A driver context that decides without claiming, so every benchmark iteration makes the same
 * decision on the same host state.
 */
export function dryRunContext(cluster: ClusterState): DriverContext {
  return {
    cluster,
    rng: new SeededRng(1),
    provision: () => true,
    noValidHost: () => {},
    placement: undefined,
    alternates: () => {},
    countHostEvaluations: () => {},
  };
}

/**
 * A generated cluster spec of `hosts` hosts, the last one disabled. Validating 100,000 hosts takes
 * seconds, so beyond 10,000 the validated hosts of a 10,000-host cluster repeat under new names.
 */
function generatedSpec(hosts: number): ClusterSpec {
  const n = Math.min(hosts, 10_000);
  const file = generateCluster({ ...DEFAULT_GENERATOR_OPTIONS, hosts: n, seed: 7 });
  const spec = clusterFromObject(file, 'bench');
  const all =
    hosts === n
      ? [...spec.hosts]
      : Array.from({ length: hosts }, (_, i) => ({
          ...spec.hosts[i % n],
          name: `h${String(i + 1).padStart(6, '0')}`,
        }));
  all[hosts - 1] = { ...all[hosts - 1], enabled: false };
  return { ...spec, hosts: all };
}

/**
 * halfFullCluster's idea for large clusters, built in a fraction of the time: the same generated
 * hosts (the last one disabled) and groups, but each host filled on its own by a few instances
 * sized to its capacity (a sixteenth to a quarter of it each) until a random 30-70% of its RAM is
 * used, so free values still differ from host to host. About 4 claims per host instead of 20.
 */
export function halfFullClusterFast(hosts: number): ClusterState {
  const cluster = new ClusterState(generatedSpec(hosts));
  const rng = new SeededRng(11);
  const t = cluster.hosts;
  const groups = GROUP_POLICIES.map((p) => cluster.groups.intern(p, p));
  let i = 0;
  for (let h = 0; h < t.size; h++) {
    const ram = t.totalUsableRamMb[h];
    const goal = ram * (0.3 + 0.4 * rng.float());
    for (let used = 0, tries = 0; used < goal && tries < 16; tries++, i++) {
      const share = 1 << (2 + rng.int(3)); // 1/4, 1/8 or 1/16 of the host
      const f = {
        vcpus: Math.max(1, Math.floor(t.vcpusTotal[h] / share)),
        memoryMb: Math.floor(ram / share),
        diskGb: Math.floor(t.totalUsableDiskGb[h] / share),
        gpus: 0,
        gpuMilli: 0,
      };
      const group = i % 50 === 0 ? groups[(i / 50) % groups.length] : undefined;
      if (cluster.claim(h, `i${i}`, f, group) >= 0) used += f.memoryMb;
    }
  }
  t.numIoOps.fill(0);
  return cluster;
}
