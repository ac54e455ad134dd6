// A small scenario exercising deletes, durations, groups and AZs; expectations worked out by hand in
// the comments (RAM spread: the host with most free MB wins; ties go to cluster order).

export const CLUSTER = {
  allocation_ratios: { cpu: 1.0, ram: 1.0, disk: 1.0 },
  reserved: { memory_mb: 0, disk_gb: 0 },
  hosts: [
    { name: 'a', vcpus: 8, memory_mb: 8192, disk_gb: 100, az: 'az1' },
    { name: 'b', vcpus: 8, memory_mb: 16384, disk_gb: 100, az: 'az1' },
    { name: 'c', vcpus: 8, memory_mb: 12288, disk_gb: 100, az: 'az2' },
    { name: 'd', vcpus: 8, memory_mb: 4096, disk_gb: 100 },
  ],
};

export const TRACE = [
  'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy',
  // free a8192 b16384 c12288 d4096. w-0 -> b; w-1 (b excluded) -> c; w-2 (b, c excluded) -> a.
  '0,create,w,1,2048,10,3,,,web,anti-affinity',
  // now a6144 b14336 c10240 d4096. Only c is in az2 -> c (c2048 left).
  '1,create,db,2,8192,20,1,,az2,,',
  // cache-0: no live member yet -> most free RAM, b (b10240); cache-1: affinity keeps only b (b6144).
  // Both depart at t=7.
  '2,create,cache,1,4096,10,2,5,,cc,affinity',
  // 12000 MB: a is smaller in total, b has 6144 free, c 2048, d 4096 -> NoValidHost.
  '3,create,big,1,12000,10,1,,,,',
  // frees w-0 (b), w-1 (c), w-2 (a): a8192 b8192 c4096 d4096.
  '4,delete,w,,,,,,,,',
  // at 7 the cache instances depart first (b16384), then big2 -> b.
  '7,create,big2,1,12000,10,1,,,,',
  // "nova" is the zone of hosts without one: only d.
  '8,create,x,1,1024,10,1,,nova,,',
  // web has no live member any more: a8192 b4384 c4096 d3072 -> a.
  '9,create,w2,1,1024,10,1,,,web,',
  // not live: a counted no-op.
  '10,delete,ghost,,,,,,,,',
];

/** seq,id,host,attempts as `--placements` writes it. */
export const EXPECTED_PLACEMENTS = [
  'seq,id,host,attempts',
  '1,w-0,b,1',
  '2,w-1,c,1',
  '3,w-2,a,1',
  '4,db,c,1',
  '5,cache-0,b,1',
  '6,cache-1,b,1',
  '7,big,,1',
  '8,big2,b,1',
  '9,x,d,1',
  '10,w2,a,1',
];
