// Small valid inputs the fuzz test mutates: every one of them runs cleanly (exit 0) as written.

/** A 6-host cluster: explicit hosts with zones, aggregates and traits, plus a 2-host group. */
export const CLUSTER_JSON = `${JSON.stringify(
  {
    allocation_ratios: { cpu: 4.0, ram: 1.5, disk: 1.0 },
    reserved: { memory_mb: 512, disk_gb: 0 },
    hosts: [
      {
        name: 'cn1',
        vcpus: 16,
        memory_mb: 32768,
        disk_gb: 500,
        az: 'az1',
        aggregates: [{ name: 'ssd', metadata: { ssd: 'true', ram_weight_multiplier: '2.0' } }],
        traits: { cpu_arch: 'x86_64', gpus: 2 },
      },
      {
        name: 'cn2',
        vcpus: 16,
        memory_mb: 65536,
        disk_gb: 1000,
        az: 'az1',
        traits: { cpu_arch: 'x86_64', gpus: 0, numa: { nodes: 2 } },
        enabled: true,
        up: true,
      },
      {
        name: 'cn3',
        vcpus: 32,
        memory_mb: 131072,
        disk_gb: 2000,
        az: 'az2',
        traits: { cpu_arch: 'aarch64' },
      },
      { name: 'cn4', vcpus: 8, memory_mb: 16384, disk_gb: 200, az: 'az2', enabled: false },
    ],
    groups: [{ count: 2, prefix: 'g', vcpus: 24, memory_mb: 98304, disk_gb: 1500, az: 'az2' }],
  },
  null,
  2,
)}\n`;

/** A cluster file in YAML, with an anchor, aliases and a flow mapping. */
export const CLUSTER_YAML = `# the fuzz test's YAML cluster
allocation_ratios: {cpu: 8.0, ram: 1.0, disk: 1.0}
reserved:
  memory_mb: 1024
  disk_gb: 10
hosts:
  - name: y1
    vcpus: 16
    memory_mb: 65536
    disk_gb: 800
    az: az1
    aggregates:
      - name: fast
        metadata: &fastmeta {ssd: "true", cpu_weight_multiplier: 1.5}
    traits: {cpu_arch: x86_64, gpus: 1}
  - name: y2
    vcpus: 16
    memory_mb: 65536
    disk_gb: 800
    az: az1
    aggregates:
      - name: fast2
        metadata: *fastmeta
  - name: y3
    vcpus: 32
    memory_mb: 131072
    disk_gb: 1600
    az: az2
    up: true
groups:
  - count: 3
    prefix: "yy-"
    vcpus: 8
    memory_mb: 32768
    disk_gb: 400
    traits: {cpu_arch: aarch64}
`;

const HEADER =
  'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs,same_host,different_host';

/** A 30-row trace in the canonical format, touching every column. */
export const TRACE_CSV = `${[
  HEADER,
  '0,create,web,2,4096,20,3,3600,az1,webgrp,anti-affinity,,,',
  '0.5,create,db,8,32768,200,1,,,,,aggregate_instance_extra_specs:ssd=true;capabilities:cpu_arch=x86_64,,',
  '1,create,cache,1,2048,10,2,50,,cc,affinity,,,',
  '1.25,create,batch,4,8192,40,1,30,az2,,,capabilities:cpu_arch=aarch64,,',
  '2,create,gpu1,4,8192,50,1,,,,,capabilities:gpus=>= 1,,',
  '2,create,soft,1,1024,10,2,100,,sg,soft-anti-affinity,,,',
  '3,create,near,1,1024,10,1,,,,,,db,',
  '3.5,create,far,1,1024,10,1,,,,,,,db',
  '4,delete,web,,,,,,,,,,,',
  '5,create,huge,64,524288,9000,1,,,,,,,',
  '6,create,web2,2,4096,20,2,20,,webgrp,,,,',
  '7,create,sa,1,512,5,2,,,sa,soft-affinity,,,',
  '8,delete,ghost,,,,,,,,,,,',
  '9,create,"quoted,id",1,1024,10,1,5,,,,,,',
  '10,create,z2,2,2048,20,1,,az2,,,,,',
  '11,create,arm,2,2048,20,1,,,,,capabilities:cpu_arch=<in> aarch64,,',
  '12,delete,cache,,,,,,,,,,,',
  '13,create,m1,1,1024,10,4,15,,,,,,',
  '14,create,m2,1,1024,10,1,,nova,,,,,',
  '15,delete,db,,,,,,,,,,,',
  '16,create,db,4,16384,100,1,,,,,aggregate_instance_extra_specs:ssd=true,,',
  '20,create,late,2,4096,20,1,10,,,,,,',
  '21.5,create,t1,1,1024,10,1,,,,,,,',
  '22,delete,t1,,,,,,,,,,,',
  '25,create,t1,1,1024,10,1,,,,,,,',
  '30,create,big2,16,65536,500,1,,,,,,,',
  '31,delete,near,,,,,,,,,,,',
  '32,create,end,1,512,5,1,,,,,,,',
  '40,delete,far,,,,,,,,,,,',
  '41,create,last,1,512,5,1,1,,,,,,',
].join('\n')}\n`;

/** A run config in YAML for the filter strategy, with the capability filter on. */
export const CONFIG_YAML = `# the fuzz test's run config
seed: 7
max_attempts: 3
multi_create: each
filters:
  - RetryFilter
  - AvailabilityZoneFilter
  - ComputeFilter
  - RamFilter
  - CoreFilter
  - DiskFilter
  - ComputeCapabilitiesFilter
  - AggregateInstanceExtraSpecsFilter
  - ServerGroupAntiAffinityFilter
  - ServerGroupAffinityFilter
  - SameHostFilter
  - DifferentHostFilter
weighers: [RAMWeigher, CPUWeigher, ServerGroupSoftAffinityWeigher, ServerGroupSoftAntiAffinityWeigher]
host_subset_size: 1
ram_weight_multiplier: 1.0
cpu_weight_multiplier: 0.5
max_instances_per_host: 50
cpu_allocation_ratio: 4.0
`;

/** Thresholds for `check`: absolute and relative bounds, a wildcard and a strategy entry. */
export const THRESHOLDS_YAML = `strategies:
  '*':
    contract_mismatches: '<= 0'
    novalidhost_rate: '<= baseline + 5%'
  filter:
    novalidhost_rate: '<= 0.9'
    active_hosts_mean: '<= baseline + 2%'
    util_ram: '>= 0.5 * baseline'
    affinity_violations: '<= 0'
timing:
  normalise: false
`;
